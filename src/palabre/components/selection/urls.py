"""The selection kind's pages, mounted at ``projects/<slug>/<step-slug>/vote/`` (its
``url_prefix``, a segment no other kind may take)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/", views.proposal_view, name="proposal"),
    path("<id:pk>/cast/", views.vote_view, name="vote"),
    path("<id:pk>/move/", views.move_view, name="move"),
    path("my-votes/", views.ballot_view, name="ballot"),
    path("my-votes/anonymity/", views.anonymity_view, name="anonymity"),
    path("my-votes/requirements/", views.requirements_view, name="requirements"),
    path("results/", views.results_view, name="results"),
    path("results.csv", views.results_csv_view, name="results_csv"),
]
