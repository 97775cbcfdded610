from django.http import HttpResponse
from django.urls import path


def settings_page(request):
    return HttpResponse("fixture settings")


urlpatterns = [path("settings/fixture/", settings_page, name="fixture_settings")]
