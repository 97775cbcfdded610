"""Fixtures shared by the participation tests (comments, limits, moderation, notifications,
publication), on consultation opinions."""

from __future__ import annotations

import pytest

from palabre.components.consultation.tests.conftest import (
    OpinionFactory,
    SectionFactory,
    verified_user,
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and the cached organisation live in the cache: each test starts clean."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def opinion():
    return OpinionFactory(section=SectionFactory(), title="Article sur les pistes cyclables")


@pytest.fixture
def camille():
    return verified_user(username="camille")
