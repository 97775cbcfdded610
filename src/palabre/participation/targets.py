"""What comments, follows and reports attach to: the contributions and targets the components'
manifests declare, inside a project its reader may see. The project is read from the target's
public address (``/projects/<slug>/<step>/…``), so that this app needs no knowledge of each
kind."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from palabre.core import components
from palabre.core.models import Project
from palabre.core.permissions import project_view

from .models import Comment


def attachable_models() -> list:
    """Every model whose deletion must take comments, follows and notifications with it."""
    return [*components.contribution_models(), *components.target_models()]


def is_target(model) -> bool:
    """May one comment on and follow objects of ``model``? (Not on comments themselves.)"""
    return model is not Comment and model in attachable_models()


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
