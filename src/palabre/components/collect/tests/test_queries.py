"""House rule 4: the list page and the map data run a fixed number of SQL queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palabre.components.collect.models import Category, Proposal
from palabre.core.models import District, Theme
from palabre.participation.models import Comment

pytestmark = pytest.mark.django_db


def _seed(collect, author, count: int) -> None:
    """``count`` published proposals with every relation filled, and comments on them."""
    theme, district = Theme.objects.first(), District.objects.first()
    category = Category.objects.create(collect=collect, name="Aménagement")
    status = collect.statuses.first()
    start = collect.proposals.count()
    Proposal.objects.bulk_create(
        Proposal(
            collect=collect,
            author=author,
            number=start + i + 1,
            reference=f"BP-2026-{start + i + 1:04d}",
            title=f"Proposition {start + i}",
            summary="Un résumé.",
            theme=theme,
            district=district,
            category=category,
            status=status,
            cost=1000 * i,
            latitude=46.2 + i / 1000,
            longitude=2.9,
            published=True,
            published_at=timezone.now(),
        )
        for i in range(count - start)
    )
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Proposal)
    Comment.objects.bulk_create(
        Comment(content_type=ct, object_id=p.pk, author=author, body="Bravo", published=True)
        for p in collect.proposals.all()
    )


def _count(client, url, params=None) -> int:
    client.get(url, params)  # warm the organisation cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "comments"}, {"sort": "newest", "q": "Proposition"}, {"sort": "cost"}],
)
def test_list_page_queries_do_not_grow(client, collect, participant, params):
    url = collect.step.get_absolute_url()
    _seed(collect, participant, 5)
    small = _count(client, url, params)
    _seed(collect, participant, 50)
    large = _count(client, url, params)
    assert small == large, (small, large)
    assert large <= 14


def test_list_page_queries_do_not_grow_for_a_participant(client, collect, participant):
    client.force_login(participant)
    url = collect.step.get_absolute_url()
    _seed(collect, participant, 5)
    small = _count(client, url)
    _seed(collect, participant, 50)
    assert _count(client, url) == small


def test_map_data_queries_do_not_grow(client, collect, participant):
    step = collect.step
    url = reverse("collect:map_data", args=[step.project.slug, step.slug])
    _seed(collect, participant, 5)
    small = _count(client, url)
    _seed(collect, participant, 50)
    large = _count(client, url)
    assert small == large <= 8, (small, large)
    assert client.get(url).json()["count"] == 50


def test_proposal_page_queries_are_bounded(client, collect, participant):
    _seed(collect, participant, 3)
    proposal = collect.proposals.first()
    assert _count(client, proposal.get_absolute_url()) <= 20
