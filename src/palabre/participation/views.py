from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.core.models import Project
from palabre.core.permissions import project_view

from . import registry, services
from .forms import ReportForm


def _project_of(obj):
    """The project a contribution belongs to, read from its public address
    (``/projects/<slug>/<step>/…``), so that this app needs no knowledge of each kind."""
    try:
        match = resolve(urlsplit(obj.get_absolute_url()).path)
    except Resolver404:
        return None
    slug = match.kwargs.get("slug")
    return Project.objects.filter(slug=slug).first() if slug else None


def _target(request, content_type_id, object_id):
    try:
        ct = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = ct.model_class()
    if model not in registry.models():
        raise Http404
    # Published and not already moderated: the form quotes the text it reports.
    obj = model.objects.filter(pk=object_id, published=True, trashed_at__isnull=True).first()
    if obj is None:
        raise Http404
    # Never quote a contribution from a project the reporter may not see (draft, restricted).
    project = _project_of(obj)
    if project is None or not project_view(request.user, project):
        raise Http404
    return obj


def _next(request, obj):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return obj.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def report(request, content_type_id, object_id):
    obj = _target(request, content_type_id, object_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Merci : votre signalement a été transmis à l'équipe de modération.")
            )
            return redirect(_next(request, obj))
    return render(
        request,
        "participation/report.html",
        {"form": form, "target": obj, "next": _next(request, obj)},
        status=400 if request.method == "POST" else 200,
    )
