"""House rule 4: a page runs a fixed number of SQL queries whatever the volume it shows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palabre.components.consultation import services
from palabre.components.consultation.models import (
    ArgumentVote,
    OpinionVote,
    SourceVote,
    VersionVote,
)

from .conftest import (
    ArgumentFactory,
    OpinionFactory,
    SectionFactory,
    SourceFactory,
    VersionFactory,
    verified_user,
)

pytestmark = pytest.mark.django_db


def _debate(opinion, voters, n: int) -> None:
    """``n`` arguments each way, sources, versions (with their own debate) and votes.

    Vote rows are bulk-inserted and the counters rebuilt by ``counters_recompute`` (the seed
    is about volume, and the services are exercised elsewhere): it keeps this file fast.
    """
    votes = {ArgumentVote: [], SourceVote: [], VersionVote: []}
    for i in range(n):
        for_ = ArgumentFactory(opinion=opinion, kind="for")
        against = ArgumentFactory(opinion=opinion, kind="against")
        source = SourceFactory(opinion=opinion)
        version = VersionFactory(opinion=opinion)
        ArgumentFactory(version=version, opinion=None, kind="for")
        ArgumentFactory(version=version, opinion=None, kind="against")
        SourceFactory(version=version, opinion=None)
        for voter in voters[: i + 1]:
            votes[ArgumentVote] += [
                ArgumentVote(argument=for_, user=voter),
                ArgumentVote(argument=against, user=voter),
            ]
            votes[SourceVote].append(SourceVote(source=source, user=voter))
            votes[VersionVote].append(VersionVote(version=version, user=voter, value="nok"))
    for model, rows in votes.items():
        model.objects.bulk_create(rows)
    OpinionVote.objects.bulk_create(
        OpinionVote(opinion=opinion, user=voter, value=value)
        for voter, value in zip(voters, ["ok", "mitigated", "nok", "ok"], strict=False)
    )


@pytest.fixture
def pages(consultation):
    """A small section (1 opinion) and a large one (12 opinions, a long debate on one)."""
    voters = [verified_user() for _ in range(4)]
    small = SectionFactory(consultation=consultation, slug="petite")
    large = SectionFactory(consultation=consultation, slug="grande")
    small_opinion = OpinionFactory(section=small)
    _debate(small_opinion, voters[:1], 1)
    large_opinions = [OpinionFactory(section=large) for _ in range(12)]
    _debate(large_opinions[0], voters, 6)
    for opinion in large_opinions[1:]:
        _debate(opinion, voters[:2], 1)
    small_version = small_opinion.versions.get()
    large_version = large_opinions[0].versions.first()
    for i in range(6):  # a long debate on one amendment too
        ArgumentFactory(version=large_version, opinion=None, kind=["for", "against"][i % 2])
        SourceFactory(version=large_version, opinion=None)
    services.counters_recompute(fix=True)
    return {
        "voters": voters,
        "small": (
            small.get_absolute_url(),
            small_opinion.get_absolute_url(),
            small_version.get_absolute_url(),
        ),
        "large": (
            large.get_absolute_url(),
            large_opinions[0].get_absolute_url(),
            large_version.get_absolute_url(),
        ),
    }


# An empty list (no "contre" argument, say) skips its page query: the small data has at least
# one row of every kind, so that both sides run the same queries when nothing grows.


def _queries(client, url) -> list[str]:
    client.get(url)  # warm per-process caches (content types, organisation)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _assert_constant(client, small_url, large_url) -> None:
    small, large = _queries(client, small_url), _queries(client, large_url)
    assert len(large) == len(small), "\n".join(["--- small:", *small, "--- large:", *large])


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "participant"])
def test_section_page_query_count_does_not_grow(client, pages, logged_in):
    if logged_in:
        client.force_login(pages["voters"][0])
    _assert_constant(client, pages["small"][0], pages["large"][0])


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "participant"])
def test_opinion_page_query_count_does_not_grow(client, pages, logged_in):
    if logged_in:
        client.force_login(pages["voters"][0])
    _assert_constant(client, pages["small"][1], pages["large"][1])


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "participant"])
def test_version_page_query_count_does_not_grow(client, pages, logged_in):
    if logged_in:
        client.force_login(pages["voters"][0])
    _assert_constant(client, pages["small"][2], pages["large"][2])


def _ids(html: str, anchor: str) -> set[str]:
    return set(re.findall(rf'id="{anchor}-(\d+)"', html))


def test_large_pages_show_what_they_count(client, pages):
    """The pages measured above really render the seeded volume (not an empty page)."""
    client.force_login(pages["voters"][0])
    section_html = client.get(pages["large"][0]).content.decode()
    assert len(set(re.findall(r'/opinions/(\d+)/"', section_html))) == 12
    html = client.get(pages["large"][1]).content.decode()
    assert len(_ids(html, "argument")) == 12
    assert len(_ids(html, "source")) == 6
    assert len(set(re.findall(r"/opinions/\d+/versions/(\d+)/", html))) == 6
    assert html.count('aria-pressed="true"') >= 13  # this voter's "utile" and agree votes
    html = client.get(pages["large"][2]).content.decode()
    assert len(_ids(html, "argument")) == 8 and len(_ids(html, "source")) == 7
