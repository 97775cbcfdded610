"""Fixtures of the selection tests: a collect step with proposals, and a selection step on it.

Collect rows are created through the collect models directly (no collect service is needed
to have published proposals); everything about votes goes through the selection services.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from palabre.components.collect.models import Collect, Proposal
from palabre.components.selection.models import Selection
from palabre.core.tests.factories import ProjectFactory, StepFactory

# Shared helpers, imported by this component's tests from here.
from palabre.core.tests.factories import verified_user as verified_user

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL (SQLite serialises writers); "
    ".ci/run runs this on PostgreSQL",
)


def make_collect(project=None, *, n: int = 5, costs=None, prefix: str = "BP") -> Collect:
    project = project or ProjectFactory()
    step = StepFactory(
        project=project,
        kind="collect",
        title="Dépôt des projets",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=10),
    )
    collect = Collect.objects.create(step=step, reference_prefix=prefix)
    for i in range(1, n + 1):
        cost = costs[i - 1] if costs is not None else 1000 * i
        Proposal.objects.create(
            collect=collect,
            number=i,
            reference=f"{prefix}-2026-{i:04d}",
            title=f"Projet {i}",
            summary=f"Résumé du projet {i}.",
            cost=cost,
            published=True,
            published_at=timezone.now(),
        )
    return collect


def make_selection(
    *, n: int = 5, costs=None, collect=None, open_: bool = True, **rules
) -> Selection:
    collect = collect or make_collect(n=n, costs=costs)
    step = _step(collect, open_)
    rules.setdefault("require_confirmed_email", True)
    selection = Selection.objects.create(step=step, collect=collect, **rules)
    return selection


def _step(collect, open_: bool):
    now = timezone.now()
    project = collect.step.project
    slug = (
        "vote"
        if not project.steps.filter(slug="vote").exists()
        else f"vote-{project.steps.count()}"
    )
    return StepFactory(
        project=project,
        kind="selection",
        title="Vote",
        slug=slug,
        starts_at=now - timedelta(days=2) if open_ else now - timedelta(days=10),
        ends_at=now + timedelta(days=5) if open_ else now - timedelta(days=1),
    )


def close(selection: Selection) -> None:
    step = selection.step
    step.starts_at = timezone.now() - timedelta(days=10)
    step.ends_at = timezone.now() - timedelta(days=1)
    step.save()


def proposals(selection: Selection) -> list[Proposal]:
    return list(Proposal.objects.filter(collect=selection.collect).order_by("number"))


@pytest.fixture(autouse=True)
def _clear_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def participant(db):
    return verified_user(username="camille")


@pytest.fixture
def other(db):
    return verified_user(username="dominique")


@pytest.fixture
def organiser(db):
    return verified_user(username="orga", role="administrator", is_staff=True)
