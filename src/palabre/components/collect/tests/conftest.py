"""Fixtures of the collect tests: a participatory-budget step, participants, organisers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from palabre.components.collect import services
from palabre.components.collect.models import Preset, Proposal
from palabre.core.tests.factories import DistrictFactory, StepFactory, ThemeFactory

# Shared helpers, imported by this component's tests from here.
from palabre.core.tests.factories import unverified_user as unverified_user
from palabre.core.tests.factories import verified_user as verified_user


def close_step(step) -> None:
    step.starts_at = timezone.now() - timedelta(days=10)
    step.ends_at = timezone.now() - timedelta(days=1)
    step.save()


def proposal_data(collect, **extra) -> dict:
    """A complete submission for the budget preset."""
    from palabre.core.models import District, Theme

    data = {
        "title": "Des bancs au square Jean-Moulin",
        "summary": "Six bancs à l'ombre des tilleuls.",
        "body": "<p>Les personnes âgées n'ont nulle part où s'asseoir.</p>",
        "theme": str(Theme.objects.first().pk),
        "district": str(District.objects.first().pk),
        "address": "Square Jean-Moulin",
        "latitude": "46.2012",
        "longitude": "2.9011",
        "cost": "12000",
    }
    data.update(extra)
    return data


def submit(author, collect, **extra) -> Proposal:
    draft, refused = services.draft_save(
        author=author, collect=collect, data=proposal_data(collect, **extra)
    )
    assert not refused
    return services.proposal_submit(author=author, draft=draft)


@pytest.fixture(autouse=True)
def _clear_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def vocabulary(db):
    return {
        "themes": [ThemeFactory(name="Environnement"), ThemeFactory(name="Mobilité")],
        "districts": [DistrictFactory(name="Centre"), DistrictFactory(name="Les Rives")],
    }


@pytest.fixture
def step(db, vocabulary):
    return StepFactory(kind="collect", slug="depot", title="Dépôt des projets")


@pytest.fixture
def collect(step):
    return services.collect_create(step=step, preset=Preset.BUDGET)


@pytest.fixture
def participant(db):
    return verified_user(username="camille")


@pytest.fixture
def other(db):
    return verified_user(username="dominique")


@pytest.fixture
def organiser(db):
    return verified_user(username="orga", role="administrator", is_staff=True)
