from django.urls import path

from . import edit_views, views

urlpatterns = [
    path("sections/<slug:section_slug>/", views.section_view, name="section"),
    path("sections/<slug:section_slug>/new/", views.opinion_create_view, name="opinion_create"),
    path("opinions/<int:pk>/", views.opinion_view, name="opinion"),
    path("opinions/<int:pk>/edit/", edit_views.opinion_edit_view, name="opinion_edit"),
    path("opinions/<int:pk>/vote/", views.opinion_vote_view, name="opinion_vote"),
    path("opinions/<int:pk>/versions/new/", views.version_create_view, name="version_create"),
    path("opinions/<int:pk>/versions/<int:version_pk>/", views.version_view, name="version"),
    path(
        "opinions/<int:pk>/versions/<int:version_pk>/edit/",
        edit_views.version_edit_view,
        name="version_edit",
    ),
    path(
        "opinions/<int:pk>/versions/<int:version_pk>/vote/",
        views.version_vote_view,
        name="version_vote",
    ),
    path("arguments/new/", views.argument_create_view, name="argument_create"),
    path("arguments/<int:pk>/edit/", edit_views.argument_edit_view, name="argument_edit"),
    path("arguments/<int:pk>/vote/", views.argument_vote_view, name="argument_vote"),
    path("sources/new/", views.source_create_view, name="source_create"),
    path("sources/<int:pk>/edit/", edit_views.source_edit_view, name="source_edit"),
    path("sources/<int:pk>/vote/", views.source_vote_view, name="source_vote"),
]
