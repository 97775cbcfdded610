"""What comments, follows and reports attach to: any registered contribution (or target),
inside a project its reader may see. The project is read from the target's public address
(``/projects/<slug>/<step>/…``), so that this app needs no knowledge of each kind."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from palabre.core.models import Project
from palabre.core.permissions import project_view


def project_of(obj):
    try:
        match = resolve(urlsplit(obj.get_absolute_url()).path)
    except Resolver404:
        return None
    slug = match.kwargs.get("slug")
    return Project.objects.filter(slug=slug).first() if slug else None


def visible_to(user, obj) -> bool:
    """``obj`` is in a project ``user`` may see (a draft or restricted one may not be)."""
    project = project_of(obj)
    return project is not None and bool(project_view(user, project))
