"""One rule, one place (house rule 11): which proposals are a vote's candidates, which fields
are its rules, when a ballot counts, how the cached counts change, what a vote did."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.utils import timezone

from palabre.components.collect.models import Proposal
from palabre.components.selection import permissions, selectors, services
from palabre.components.selection.models import (
    NOT_RULES,
    Ballot,
    ProposalsFrom,
    Selection,
    SelectionProposal,
    ballot_fields,
    rule_fields,
)
from palabre.core.sql import batch

from .conftest import make_collect, make_selection, proposals, verified_user

pytestmark = pytest.mark.django_db


def _sql_candidate(selection: Selection, proposal_id: int):
    """The candidate as the vote path's SQL reads it (``services._rules_statement``)."""
    fresh = Selection.objects.select_related("step__project").get(pk=selection.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        (rows,) = batch(cursor, [services._rules_statement(fresh, None, proposal_id)])
        return services._rules_read(fresh, None, rows)


def test_the_vote_path_and_the_model_agree_on_candidates():
    # Every combination of what makes a proposal a candidate, for both kinds of vote.
    collect = make_collect(n=0)
    elsewhere = make_collect(n=0, prefix="XX")
    everything = make_selection(collect=collect, proposals_from=ProposalsFrom.ALL)
    chosen = make_selection(collect=collect, proposals_from=ProposalsFrom.CHOSEN)
    combinations = list(
        itertools.product(
            [collect, elsewhere],
            [True, False],  # published
            [True, False],  # trashed
            Proposal.State.values,
            [True, False],  # put in the vote by the organisers
        )
    )
    for number, (owner, published, trashed, state, picked) in enumerate(combinations, 1):
        proposal = Proposal.objects.create(
            collect=owner,
            number=number,
            reference=f"BP-{number:04d}",
            title=f"Projet {number}",
            cost=1000,
            published=published,
            published_at=timezone.now() if published else None,
            trashed_at=timezone.now() if trashed else None,
            state=state,
        )
        if picked:
            for selection in (everything, chosen):
                SelectionProposal.objects.create(selection=selection, proposal=proposal)
    every = list(Proposal.objects.all())
    assert len(every) == len(combinations)
    for selection in (everything, chosen):
        by_model = set(selection.candidates().values_list("pk", flat=True))
        by_sql = {p.pk for p in every if _sql_candidate(selection, p.pk) is not None}
        assert by_sql == by_model
        assert 0 < len(by_model) < len(every)
        # The selectors read through the model's method.
        assert {p.pk for p in selectors.candidates(selection)} == by_model
        assert {p.pk for p in every if selectors.candidate(selection, p.pk)} == by_model
    assert len(set(chosen.candidates())) < len(set(everything.candidates()))


def test_rule_fields_are_every_field_of_the_model_but_the_presentation():
    names = {f.name for f in Selection._meta.get_fields() if f.concrete}
    assert {f.name for f in rule_fields()} == names - NOT_RULES
    assert [f.name for f in ballot_fields()] == [
        f.name for f in Ballot._meta.get_fields() if f.concrete
    ]


def _field_names() -> set[str]:
    fields = [f for f in Selection._meta.get_fields() if f.concrete]
    return {f.name for f in fields} | {f.attname for f in fields}


@pytest.fixture
def reads(monkeypatch):
    """The names of the ``Selection`` fields read by any code while the test runs."""
    seen: set[str] = set()
    names = _field_names()
    original = Selection.__getattribute__

    def recording(self, name):
        if name in names:
            seen.add(name)
        return original(self, name)

    monkeypatch.setattr(Selection, "__getattribute__", recording)
    return seen


@pytest.mark.parametrize(
    "rules",
    [
        {"vote_type": "simple", "votes_max": 2},
        {"vote_type": "budget", "votes_max": 3, "budget": 10_000, "votes_min": 2},
        {
            "vote_type": "ranked",
            "votes_max": 3,
            "votes_min": 1,
            "zip_codes": "69*",
            "min_age": 16,
            "rules": "Un règlement.",
            "anonymous_allowed": True,
        },
    ],
)
def test_every_field_the_vote_reads_is_a_rule_read_fresh(reads, rules):
    # Whatever the vote's code reads of a step's settings is among the rule fields, which
    # each vote reads fresh: a field the rules depend on cannot be read stale by omission.
    user = verified_user(username="camille")
    user.zip_code, user.birth_date = "69003", dt.date(2000, 1, 1)
    user.save()
    selection = make_selection(**rules)
    loaded = Selection.objects.select_related("step__project").get(pk=selection.pk)
    if selection.rules:
        services.ballot_requirements_fill(user=user, selection=loaded, accept_rules=True)
    p1, p2, *_ = proposals(selection)
    reads.clear()
    for fn in (services.vote_cast, services.vote_cast, services.vote_remove):
        with contextlib.suppress(services.VoteRefused):  # a refusal reads the rules too
            fn(user=user, selection=loaded, proposal_id=(p1 if fn is services.vote_cast else p2).pk)
    services.vote_cast(user=user, selection=loaded, proposal_id=p2.pk)
    if loaded.is_ranked:
        services.vote_move(user=user, selection=loaded, proposal_id=p2.pk, direction="up")
    permissions.vote(user, loaded)
    permissions.requirements_missing(user, loaded)
    assert reads, "nothing recorded"
    rule_names = {f.name for f in rule_fields()} | {f.attname for f in rule_fields()}
    assert reads - {"id", "step", "step_id"} <= rule_names
    assert "intro" not in reads

    # And every rule field is read fresh: stale values on the object are replaced.
    stale = Selection.objects.select_related("step__project").get(pk=selection.pk)
    for field in rule_fields():
        if field.attname in ("collect_id", "zip_area_id"):
            continue  # foreign keys: checked below through the candidate
        setattr(stale, field.attname, None if field.null else field.get_default())
    Selection.objects.filter(pk=selection.pk).update(intro="Nouvelle introduction")
    with pytest.raises(services.VoteRefused):
        services.vote_cast(user=user, selection=stale, proposal_id=p1.pk)
    for field in rule_fields():
        assert getattr(stale, field.attname) == getattr(selection, field.attname), field.name


def test_a_ballot_counts_from_the_minimum_as_the_model_says(participant, other):
    selection = make_selection(vote_type="simple", rules="Le règlement.")
    for user in (participant, other):
        services.ballot_requirements_fill(user=user, selection=selection, accept_rules=True)
    assert set(Ballot.objects.values_list("counted", flat=True)) == {selection.counts(0)}
    for votes_min in (2, 0, 1):
        selection.votes_min = votes_min
        services.selection_save(actor=None, selection=selection, created=False)
        assert set(Ballot.objects.values_list("counted", flat=True)) == {selection.counts(0)}
        assert selection.counts(votes_min) and not selection.counts(votes_min - 1)


def test_a_vote_says_what_it_did(participant):
    selection = make_selection(vote_type="ranked", votes_max=2)
    p1, p2, p3, *_ = proposals(selection)
    outcome = services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    assert outcome.done and outcome.action == "cast" and outcome.counted
    assert outcome.proposal.pk == p1.pk and outcome.proposal.title == p1.title
    assert outcome.ballot.votes_count == 1 and outcome.partial
    assert [(v.proposal_id, v.rank) for v in outcome.votes] == [(p1.pk, 1)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.refused = "limit"
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    with pytest.raises(services.VoteRefused) as info:
        services.vote_cast(user=participant, selection=selection, proposal_id=p3.pk)
    refused = info.value.outcome
    assert (refused.refused, refused.done) == ("limit", False)
    assert refused.reason == info.value.messages[0]
    # Not in the ballot: the counts read under the lock are the whole answer.
    assert refused.ballot.votes_count == 2 and refused.votes == () and refused.partial
    with pytest.raises(services.VoteRefused) as info:
        services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    # Already in the ballot: the answer reads it (the vote's rank is not known here).
    assert info.value.outcome.refused == "already" and info.value.outcome.ballot is None
    outcome = services.vote_remove(user=participant, selection=selection, proposal_id=p1.pk)
    assert outcome.action == "remove" and outcome.ballot.votes_count == 1 and outcome.votes == ()
    state = selectors.ballot_state(selection, participant, outcome=outcome, with_proposals=False)
    assert (state.count, state.partial, state.voted) == (1, True, {})
    outcome = services.vote_cast(user=participant, selection=selection, proposal_id=p3.pk)
    outcome = services.vote_move(
        user=participant, selection=selection, proposal_id=p3.pk, direction="up"
    )
    assert [v.proposal_id for v in outcome.votes] == [p3.pk, p2.pk] and not outcome.partial


def test_counters_are_repaired_the_way_votes_change_them(participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    p1, p2, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    ballot = Ballot.objects.get()
    stamped = ballot.updated_at
    Ballot.objects.filter(pk=ballot.pk).update(votes_count=7, spent=5, counted=False)
    SelectionProposal.objects.filter(proposal=p1).update(votes_count=4, points=1)
    SelectionProposal.objects.filter(proposal=p2).delete()
    assert len(services.counters_recompute(fix=True)) == 6
    assert services.counters_recompute(fix=False) == []
    ballot.refresh_from_db()
    assert (ballot.votes_count, ballot.spent, ballot.counted) == (2, 0, True)
    assert ballot.updated_at == stamped  # a repair is not a change of the participant's
    assert {e.proposal_id: (e.votes_count, e.points) for e in SelectionProposal.objects.all()} == {
        p1.pk: (1, 3),
        p2.pk: (1, 2),
    }
