"""Anonymous visitors get the consultation pages from the page cache (one copy per order)."""

from __future__ import annotations

import pytest

from palabre.components.consultation import services
from palabre.components.consultation.views import SEED_KEY, SEEDS

from .conftest import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_section_page_is_cached_per_seed_and_a_new_visitor_gets_a_seed(
    client, cached, section, organiser
):
    for n in range(6):
        OpinionFactory(section=section, author=organiser, title=f"Article {n}")
    url = section.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    seed = int(first.cookies[SEED_KEY].value)
    assert 1 <= seed <= SEEDS
    # The same visitor (same seed) is served the stored page, same order, no new cookie.
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit" and SEED_KEY not in again.cookies
    assert again.content == first.content
    # A new visitor is given a seed even when the page comes from the cache.
    other = client.__class__()
    other.cookies[SEED_KEY] = str(seed)
    assert other.get(url)["X-Page-Cache"] == "hit"
    newcomer = client.__class__().get(url)
    assert 1 <= int(newcomer.cookies[SEED_KEY].value) <= SEEDS
    # An old cookie from before the seeds were bounded still maps onto one of them.
    old = client.__class__()
    old.cookies[SEED_KEY] = str(SEEDS * 1000 + seed)
    assert old.get(url).content == first.content


def test_a_new_opinion_reaches_cached_pages_and_participants_never_share_them(
    client, cached, section, participant, django_capture_on_commit_callbacks
):
    url = section.get_absolute_url()
    client.cookies[SEED_KEY] = "3"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_create(
            author=participant, section=section, title="Une idée neuve", body="<p>Texte</p>"
        )
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "Une idée neuve" in response.content.decode()
    client.force_login(participant)
    assert "X-Page-Cache" not in client.get(url)


def test_opinion_and_step_pages_are_cached_for_anonymous_visitors(client, cached, opinion):
    for url in (opinion.get_absolute_url(), opinion.section.consultation.step.get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
