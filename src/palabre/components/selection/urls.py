from django.urls import path

from . import views

# Every kind's URLs are mounted under the same /projects/<slug>/<step-slug>/ prefix and the
# first match wins: these paths must not collide with another kind's (collect has proposals/).
urlpatterns = [
    path("vote/<id:pk>/", views.proposal_view, name="proposal"),
    path("vote/<id:pk>/cast/", views.vote_view, name="vote"),
    path("vote/<id:pk>/move/", views.move_view, name="move"),
    path("my-votes/", views.ballot_view, name="ballot"),
    path("my-votes/anonymity/", views.anonymity_view, name="anonymity"),
    path("my-votes/requirements/", views.requirements_view, name="requirements"),
    path("vote-results/", views.results_view, name="results"),
    path("vote-results.csv", views.results_csv_view, name="results_csv"),
]
