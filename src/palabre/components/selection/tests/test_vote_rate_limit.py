"""Votes per participant and period (``VOTE_RATE_LIMIT``): refused with HTTP 429 and the reason,
in the vote zone with htmx, allowed again in the next period, no limit when off."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from palabre.components.selection.models import Vote

from .conftest import make_selection, proposals

pytestmark = pytest.mark.django_db

REFUSED = "Vous avez voté de nombreuses fois en peu de temps"


def url(selection, pk):
    step = selection.step
    return reverse("selection:vote", args=[step.project.slug, step.slug, pk])


def vote_and_unvote(client, selection, proposal, n, **extra):
    """``n`` posts alternating vote and take back; their responses."""
    return [
        client.post(url(selection, proposal.pk), {"action": "unvote" if i % 2 else "vote"}, **extra)
        for i in range(n)
    ]


@override_settings(VOTE_RATE_LIMIT=(4, 60))
def test_votes_over_the_limit_are_refused_with_429_until_the_next_period(
    client, participant, clock
):
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, *_ = proposals(selection)
    client.force_login(participant)
    answers = vote_and_unvote(client, selection, p1, 4)
    assert [a.status_code for a in answers] == [302, 302, 302, 302]
    assert not Vote.objects.exists()  # voted and taken back twice

    clock.now += 59
    refused = client.post(url(selection, p1.pk), {"action": "vote"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    html = refused.content.decode()
    assert REFUSED in html and "dans 1 seconde." in html
    assert selection.step.get_absolute_url() in html  # a way back to the list
    assert not Vote.objects.exists()  # refused before the vote

    clock.now += 1  # the next minute
    answer = client.post(url(selection, p1.pk), {"action": "vote"})
    assert answer.status_code == 302
    assert Vote.objects.filter(proposal=p1).count() == 1


@override_settings(VOTE_RATE_LIMIT=(2, 60))
def test_htmx_refusal_is_shown_in_the_vote_zone(client, participant, clock):
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, p2, *_ = proposals(selection)
    client.force_login(participant)
    vote_and_unvote(client, selection, p1, 2, HTTP_HX_REQUEST="true")
    clock.now += 15
    refused = client.post(
        url(selection, p2.pk),
        {"action": "vote", "here": selection.step.get_absolute_url()},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    html = refused.content.decode()
    assert "<html" not in html  # the fragment, swapped in (htmx-config: 429 swaps)
    assert f'id="vote-{p2.pk}"' in html and "vote-status__error" in html
    assert REFUSED in html and "dans 45 secondes." in html
    assert not Vote.objects.filter(proposal=p2).exists()


def test_htmx_config_swaps_a_429_answer(client, participant):
    """htmx swaps no 4xx answer unless told: the page's htmx-config tells it for 429."""
    selection = make_selection(vote_type="simple", votes_max=3)
    client.force_login(participant)
    html = client.get(selection.step.get_absolute_url()).content.decode()
    assert '{"code": "429", "swap": true, "error": false}' in html


def test_the_limit_is_per_participant(client, participant, other, clock):
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, *_ = proposals(selection)
    with override_settings(VOTE_RATE_LIMIT=(2, 60)):
        client.force_login(participant)
        vote_and_unvote(client, selection, p1, 2)
        assert client.post(url(selection, p1.pk), {"action": "vote"}).status_code == 429
        client.force_login(other)
        assert client.post(url(selection, p1.pk), {"action": "vote"}).status_code == 302


@override_settings(VOTE_RATE_LIMIT=None)
def test_no_limit_when_off(client, participant, clock):
    selection = make_selection(vote_type="simple", votes_max=3)
    p1, *_ = proposals(selection)
    client.force_login(participant)
    answers = vote_and_unvote(client, selection, p1, 200)
    assert {a.status_code for a in answers} == {302}
