from django.urls import path

from . import views

urlpatterns = [
    path("proposals/<int:pk>/", views.proposal_view, name="proposal"),
    path("proposals/<int:pk>/vote/", views.vote_view, name="vote"),
    path("proposals/<int:pk>/move/", views.move_view, name="move"),
    path("ballot/", views.ballot_view, name="ballot"),
    path("ballot/anonymity/", views.anonymity_view, name="anonymity"),
    path("ballot/requirements/", views.requirements_view, name="requirements"),
    path("results/", views.results_view, name="results"),
    path("results.csv", views.results_csv_view, name="results_csv"),
]
