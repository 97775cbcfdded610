"""The consultation kind's pages, mounted at ``projects/<slug>/<step-slug>/debate/`` (its
``url_prefix``, a segment no other kind may take)."""

from django.urls import path

from . import edit_views, views

urlpatterns = [
    path("sections/<slug:section_slug>/", views.section_view, name="section"),
    path("sections/<slug:section_slug>/new/", views.opinion_create_view, name="opinion_create"),
    path("opinions/<id:pk>/", views.opinion_view, name="opinion"),
    path("opinions/<id:pk>/edit/", edit_views.opinion_edit_view, name="opinion_edit"),
    path("opinions/<id:pk>/vote/", views.opinion_vote_view, name="opinion_vote"),
    path("opinions/<id:pk>/versions/new/", views.version_create_view, name="version_create"),
    path("opinions/<id:pk>/versions/<id:version_pk>/", views.version_view, name="version"),
    path(
        "opinions/<id:pk>/versions/<id:version_pk>/edit/",
        edit_views.version_edit_view,
        name="version_edit",
    ),
    path(
        "opinions/<id:pk>/versions/<id:version_pk>/vote/",
        views.version_vote_view,
        name="version_vote",
    ),
    path("arguments/new/", views.argument_create_view, name="argument_create"),
    path("arguments/<id:pk>/edit/", edit_views.argument_edit_view, name="argument_edit"),
    path("arguments/<id:pk>/vote/", views.argument_vote_view, name="argument_vote"),
    path("sources/new/", views.source_create_view, name="source_create"),
    path("sources/<id:pk>/edit/", edit_views.source_edit_view, name="source_edit"),
    path("sources/<id:pk>/vote/", views.source_vote_view, name="source_vote"),
]
