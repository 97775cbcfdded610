from django.urls import path

from . import views

urlpatterns = [
    path("report/<id:content_type_id>/<id:object_id>/", views.report, name="report"),
    path(
        "comments/<id:content_type_id>/<id:object_id>/",
        views.comment_create,
        name="comment_create",
    ),
    path("comments/<id:pk>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "follow/<id:content_type_id>/<id:object_id>/",
        views.follow_toggle,
        name="follow_toggle",
    ),
    path("notifications/", views.notification_settings, name="notification_settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
