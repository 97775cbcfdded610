from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from palabre.backoffice.site import site as backoffice_site
from palabre.core import components, views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<slug:slug>/", views.project_detail, name="project"),
    path("projects/<slug:slug>/<slug:step_slug>/", views.step_detail, name="step"),
    # Each kind's pages under projects/<slug>/<step-slug>/<its url_prefix>/, and the pages
    # components serve outside a step (a participant's drafts, votes): their manifests.
    *components.step_urlpatterns(),
    *components.global_urlpatterns(),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("districts/<slug:slug>/", views.district_detail, name="district"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("charter/", views.page_by_kind, {"kind": "charter"}, name="charter"),
    path("profile/<str:username>/", views.profile, name="profile"),
    path("settings/", views.settings_profile, name="settings_profile"),
    path("settings/account/", views.settings_account, name="settings_account"),
    path("accounts/", include("allauth.urls")),
    path("participation/", include("palabre.participation.urls")),
    path("language/<str:code>/", views.language_switch, name="language_switch"),
    path("organisation.css", views.organisation_css, name="organisation_css"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", backoffice_site.urls),
]

if settings.BENCHMARK_TRIVIAL_VIEW:  # the benchmark's baseline (bench/run.py sets it)
    urlpatterns += [path("__trivial__", views.trivial)]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
