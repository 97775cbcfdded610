"""The collect kind's pages, mounted at ``projects/<slug>/<step-slug>/proposals/`` (its
``url_prefix``, a segment no other kind may take)."""

from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.map_view, name="map"),
    path("map/pins.json", views.map_data, name="map_data"),
    path("new/", views.proposal_create_view, name="proposal_create"),
    path("new/autosave/", views.proposal_autosave_view, name="proposal_autosave"),
    path("<id:pk>/", views.proposal_view, name="proposal"),
    path("<id:pk>/edit/", views.proposal_edit_view, name="proposal_edit"),
    path(
        "<id:pk>/edit/autosave/",
        views.proposal_edit_autosave_view,
        name="proposal_edit_autosave",
    ),
    path("<id:pk>/withdraw/", views.proposal_withdraw_view, name="proposal_withdraw"),
    path("<id:pk>/answer/", views.proposal_answer_view, name="proposal_answer"),
    path("drafts/<id:pk>/delete/", views.draft_delete_view, name="draft_delete"),
    path("export.<str:fmt>", views.export_view, name="export"),
]
