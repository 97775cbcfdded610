from django.http import HttpResponse
from django.urls import path


def page(request, slug, step_slug, pk):
    return HttpResponse(f"{slug}/{step_slug}/{pk}")


urlpatterns = [path("things/<id:pk>/", page, name="thing")]
