"""Pages of the collect kind outside a step, mounted at the site's root (``global_urls`` of
its manifest)."""

from django.urls import path

from . import views

urlpatterns = [
    path("settings/drafts/", views.drafts_view, name="collect_drafts"),
]
