"""Pages of the selection kind outside a step, mounted at the site's root (``global_urls`` of
its manifest)."""

from django.urls import path

from . import views

urlpatterns = [
    path("settings/votes/", views.my_votes_view, name="selection_my_votes"),
]
