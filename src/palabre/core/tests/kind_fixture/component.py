from django.http import HttpResponse

from palabre.core.components import Component, SettingsTab, StepKind


def step_view(request, *, project, step):
    return HttpResponse(f"fixture step {step.slug}")


COMPONENT = Component(
    name="kind_fixture",
    label="Fixture",
    step_kind=StepKind(
        kind="fixture",
        label="Fixture kind",
        description="A kind added by one line in INSTALLED_APPS.",
        icon="step",
        view=step_view,
        url_prefix="fixture",
        urls="palabre.core.tests.kind_fixture.urls",
    ),
    global_urls="palabre.core.tests.kind_fixture.global_urls",
    settings_tabs=(SettingsTab(url_name="fixture_settings", label="Fixture tab", position=990),),
    personal_data=(),
    account_deletion=(),
    datasets=(),
)
