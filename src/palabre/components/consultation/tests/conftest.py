"""Factories and fixtures of the consultation tests.

Users, projects and steps come from ``palabre.core.tests.factories``; this module adds the
consultation's own rows. Contributions built by the factories are published by default (as if
their author had a confirmed email address); tests of the publication flow go through the
services instead.
"""

from __future__ import annotations

from datetime import timedelta

import factory
import pytest
from django.core.cache import caches
from django.utils import timezone

from palabre.components.consultation.models import (
    Argument,
    Consultation,
    Opinion,
    Section,
    Source,
    Version,
)
from palabre.core.tests.factories import StepFactory, UserFactory

# Shared helpers, imported by this component's tests from here.
from palabre.core.tests.factories import unverified_user as unverified_user
from palabre.core.tests.factories import verified_user as verified_user

__all__ = [
    "ArgumentFactory",
    "ConsultationFactory",
    "OpinionFactory",
    "SectionFactory",
    "SourceFactory",
    "VersionFactory",
    "close_step",
    "make_upcoming",
    "unverified_user",
    "verified_user",
]


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    step = factory.SubFactory(StepFactory, kind="consultation")
    intro = "<p>Le texte soumis à consultation.</p>"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n)


class _ContributionFactory(factory.django.DjangoModelFactory):
    author = factory.SubFactory(UserFactory)
    published = True
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Keep the parents' cached counters equal to the rows, as the services do.
        if create and instance.published:
            instance.recount_parents()


class OpinionFactory(_ContributionFactory):
    class Meta:
        model = Opinion

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    body = "<p>Le texte de l'article, tel que proposé.</p>"
    position = factory.Sequence(lambda n: n)


class VersionFactory(_ContributionFactory):
    class Meta:
        model = Version

    opinion = factory.SubFactory(OpinionFactory)
    title = factory.Sequence(lambda n: f"Amendement {n}")
    body = "<p>Le texte de l'article, tel que réécrit.</p>"
    explanation = "Plus clair."


class ArgumentFactory(_ContributionFactory):
    class Meta:
        model = Argument

    opinion = factory.SubFactory(OpinionFactory)
    kind = Argument.Kind.FOR
    body = factory.Sequence(lambda n: f"Argument numéro {n}.")


class SourceFactory(_ContributionFactory):
    class Meta:
        model = Source

    opinion = factory.SubFactory(OpinionFactory)
    title = factory.Sequence(lambda n: f"Rapport {n}")
    link = factory.Sequence(lambda n: f"https://example.org/rapport-{n}")
    category = Source.Category.STUDY


def close_step(step) -> None:
    step.starts_at = timezone.now() - timedelta(days=10)
    step.ends_at = timezone.now() - timedelta(days=1)
    step.save()


def make_upcoming(step) -> None:
    step.starts_at = timezone.now() + timedelta(days=1)
    step.ends_at = timezone.now() + timedelta(days=10)
    step.save()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Statistics, the page-cache version and rate limits live in the cache: start clean."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def step(consultation):
    return consultation.step


@pytest.fixture
def section(consultation):
    return SectionFactory(consultation=consultation, title="Titre Ier", slug="titre-1")


@pytest.fixture
def participant(db):
    return verified_user(username="camille")


@pytest.fixture
def other(db):
    return verified_user(username="dominique")


@pytest.fixture
def organiser(db):
    return verified_user(username="orga", role="administrator", is_staff=True)


@pytest.fixture
def moderator(db):
    return verified_user(username="modo", role="moderator", is_staff=True)


@pytest.fixture
def opinion(section, organiser):
    return OpinionFactory(section=section, author=organiser, title="Article 1")
