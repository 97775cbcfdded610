from django.shortcuts import render


def step_view(request, *, project, step):
    return render(
        request,
        "presentation/step.html",
        {"project": project, "step": step, "steps": project.ordered_steps},
    )
