from django.urls import path

from . import views

urlpatterns = [
    path("report/<int:content_type_id>/<int:object_id>/", views.report, name="report"),
]
