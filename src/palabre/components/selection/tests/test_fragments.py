"""The vote zone and the ballot's counter (``fragments.py``), as the pages and answers use them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.utils import translation

from palabre.components.selection import fragments
from palabre.components.selection.models import Vote
from palabre.components.selection.selectors import BallotState

from .conftest import close, make_selection

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & co'


def zone(selection, user, **kwargs):
    step = selection.step
    values = {
        "proposal": SimpleNamespace(pk=7, title=HOSTILE),
        "selection": selection,
        "step": step,
        "project": step.project,
        "user": user,
        "vote": None,
        "here": "/projects/p/vote/?tri=cout&x=<y>",
        "where": "list",
        "csrf_token": "abc",
    }
    values.update(kwargs)
    return fragments.vote_zone(**values)


def counter(selection, user, *, count=0, spent=0):
    ballot = SimpleNamespace(votes_count=count, spent=spent, anonymous=False)
    state = BallotState(selection=selection, ballot=ballot, partial=True)
    return fragments.ballot_counter(selection=selection, state=state, user=user)


def test_vote_zone_escapes_what_a_user_typed_and_the_address(participant):
    html = zone(make_selection(vote_type="simple"), participant, csrf_token='a"b')
    assert (
        "<script>" not in html
        and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    )
    assert 'value="/projects/p/vote/?tri=cout&amp;x=&lt;y&gt;#proposal-7"' in html
    assert 'name="csrfmiddlewaretoken" value="a&quot;b"' in html


def test_vote_zone_offers_the_vote_then_its_withdrawal(participant):
    selection = make_selection(vote_type="simple")
    html = zone(selection, participant)
    assert 'name="action" value="vote"' in html and ">Voter<" in html
    assert "vote-zone--voted" not in html
    vote = Vote(proposal_id=7, rank=None, cost=0)
    html = zone(selection, participant, vote=vote, where="proposal")
    assert 'class="vote-zone vote-zone--voted" id="vote-7"' in html
    assert "Vous avez voté pour cette proposition" in html
    assert 'name="action" value="unvote"' in html and "Retirer mon vote" in html
    assert 'name="where" value="proposal"' in html
    url = f"/projects/{selection.step.project.slug}/{selection.step.slug}/vote/7/cast/"
    assert f'action="{url}" hx-post="{url}" hx-target="#vote-7"' in html


def test_vote_zone_shows_the_rank_and_a_refusal_in_the_language(participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    vote = Vote(proposal_id=7, rank=2, cost=0)
    html = zone(selection, participant, vote=vote, error="Limite <atteinte>")
    assert "Votre choix n° 2" in html
    assert '<p class="vote-zone__message vote-status__error">Limite &lt;atteinte&gt;</p>' in html
    with translation.override("en"):
        assert "Your choice no. 2" in zone(selection, participant, vote=vote)


def test_no_form_for_a_visitor_nor_once_the_step_is_closed(participant):
    selection = make_selection(vote_type="simple")
    assert "<form" not in zone(selection, AnonymousUser())
    assert "csrfmiddlewaretoken" not in zone(selection, participant, csrf_token="NOTPROVIDED")
    close(selection)
    selection.step.refresh_from_db()
    assert "<form" not in zone(selection, participant)


def test_counter_of_a_budget_and_of_a_limit(participant):
    selection = make_selection(vote_type="budget", budget=50_000, votes_max=3)
    html = counter(selection, participant, count=1, spent=37_600)
    assert '<p class="ballot-counter__main">12\xa0400\xa0€ restants sur 50\xa0000\xa0€</p>' in html
    assert '<p class="ballot-counter__detail">2 votes restants sur 3</p>' in html
    with translation.override("en"):
        html = counter(selection, participant, count=2, spent=37_600)
        assert "€12,400 left of €50,000" in html and "1 vote left of 3" in html
    assert counter(selection, AnonymousUser()) == (
        '<p class="ballot-counter__main">Connectez-vous pour voter.</p>'
    )


def test_counter_without_a_limit_and_with_a_minimum(participant):
    selection = make_selection(vote_type="simple", votes_min=3)
    assert "Votre bulletin est compté à partir de 3 votes." in counter(selection, participant)
    html = counter(selection, participant, count=1)
    assert "Vous avez voté pour 1 proposition<" in html
    assert "<strong>Bulletin pas encore compté :</strong> il manque 2 votes (minimum 3)." in html
    assert "Votre bulletin est compté." in counter(selection, participant, count=3)


def test_the_tags_read_the_page_context(participant):
    selection = make_selection(vote_type="simple", votes_max=2)
    template = engines["django"].from_string(
        "{% load selection %}{% vote_zone proposal %}|{% ballot_counter %}"
    )
    state = BallotState(
        selection=selection,
        ballot=SimpleNamespace(votes_count=1, spent=0, anonymous=False),
        votes=[Vote(proposal_id=7, cost=0)],
        partial=True,
    )
    context = {
        "proposal": SimpleNamespace(pk=7, title="Jardins"),
        "selection": selection,
        "step": selection.step,
        "project": selection.step.project,
        "user": participant,
        "voted": state.voted,
        "state": state,
        "here": "/ici/",
        "where": "ballot",
        "csrf_token": "tok",
        "oob": True,
        "status_ok": False,
        "status_message": "Refusé",
    }
    html = template.render(context)
    assert "Retirer mon vote" in html and 'name="where" value="ballot"' in html
    assert 'vote-status__error">Refusé<' in html and "1 vote restant sur 2" in html
    context["status_ok"] = True
    assert "Refusé" not in template.render(context)
