"""The vote services: limits, budgets, ranks, minimum, refusals with their reason."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from palabre.components.selection import services
from palabre.components.selection.models import Ballot, Selection, SelectionProposal, Vote
from palabre.components.selection.services import VoteRefused

from .conftest import close, make_collect, make_selection, proposals, verified_user

pytestmark = pytest.mark.django_db


def counts(selection):
    return {
        e.proposal_id: (e.votes_count, e.points)
        for e in SelectionProposal.objects.filter(selection=selection)
    }


def refused(code, **kwargs):
    fn = kwargs.pop("fn", services.vote_cast)
    with pytest.raises(VoteRefused) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.messages
    return info.value.messages[0]


def test_simple_vote_with_a_limit(participant):
    selection = make_selection(vote_type="simple", votes_max=2)
    p1, p2, p3, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    message = refused("limit", user=participant, selection=selection, proposal_id=p3.pk)
    assert "Limite atteinte" in message and "2 votes" in message
    refused("already", user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_remove(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p3.pk)
    assert counts(selection) == {p1.pk: (0, 0), p2.pk: (1, 0), p3.pk: (1, 0)}
    ballot = Ballot.objects.get(selection=selection, user=participant)
    assert ballot.votes_count == 2 and ballot.counted
    refused(
        "not_voted",
        fn=services.vote_remove,
        user=participant,
        selection=selection,
        proposal_id=p1.pk,
    )


def test_budget_vote_refuses_what_does_not_fit(participant):
    selection = make_selection(
        vote_type="budget", budget=50_000, costs=[30_000, 15_000, 12_400, None, 5_000]
    )
    p1, p2, p3, p4, p5 = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    message = refused("budget", user=participant, selection=selection, proposal_id=p3.pk)
    assert message.startswith("Budget dépassé")
    assert "12\xa0400\xa0€" in message and "5\xa0000\xa0€" in message
    refused("no_cost", user=participant, selection=selection, proposal_id=p4.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p5.pk)
    ballot = Ballot.objects.get(selection=selection, user=participant)
    assert ballot.spent == 50_000


def test_ranked_points_and_moves(participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    p1, p2, p3, p4, _ = proposals(selection)
    for p in (p1, p2, p3):
        services.vote_cast(user=participant, selection=selection, proposal_id=p.pk)
    assert counts(selection) == {p1.pk: (1, 3), p2.pk: (1, 2), p3.pk: (1, 1)}
    refused("limit", user=participant, selection=selection, proposal_id=p4.pk)
    services.vote_move(user=participant, selection=selection, proposal_id=p3.pk, direction="up")
    assert counts(selection) == {p1.pk: (1, 3), p2.pk: (1, 1), p3.pk: (1, 2)}
    refused(
        "edge",
        fn=services.vote_move,
        user=participant,
        selection=selection,
        proposal_id=p1.pk,
        direction="up",
    )
    services.vote_remove(user=participant, selection=selection, proposal_id=p1.pk)
    ranks = dict(Vote.objects.values_list("proposal_id", "rank"))
    assert ranks == {p3.pk: 1, p2.pk: 2}
    assert counts(selection) == {p1.pk: (0, 0), p2.pk: (1, 2), p3.pk: (1, 3)}


def test_a_ballot_under_the_minimum_is_kept_but_not_counted(participant):
    selection = make_selection(vote_type="simple", votes_max=4, votes_min=3)
    p1, p2, p3, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    assert Vote.objects.count() == 2
    assert counts(selection) == {p1.pk: (0, 0), p2.pk: (0, 0)}
    services.vote_cast(user=participant, selection=selection, proposal_id=p3.pk)
    assert counts(selection) == {p1.pk: (1, 0), p2.pk: (1, 0), p3.pk: (1, 0)}
    services.vote_remove(user=participant, selection=selection, proposal_id=p2.pk)
    assert counts(selection) == {p1.pk: (0, 0), p2.pk: (0, 0), p3.pk: (0, 0)}
    assert not Ballot.objects.get().counted


def test_closed_step_and_requirements_are_refused_with_their_reason(participant):
    selection = make_selection(
        vote_type="simple", zip_codes="75001 69*", min_age=16, rules="Un vote par personne."
    )
    p1 = proposals(selection)[0]
    message = refused("requirement", user=participant, selection=selection, proposal_id=p1.pk)
    assert "code postal" in message
    services.ballot_requirements_fill(user=participant, selection=selection, zip_code="69003")
    message = refused("requirement", user=participant, selection=selection, proposal_id=p1.pk)
    assert "date de naissance" in message
    import datetime as dt

    services.ballot_requirements_fill(
        user=participant, selection=selection, birth_date=dt.date.today().replace(year=2015)
    )
    message = refused("requirement", user=participant, selection=selection, proposal_id=p1.pk)
    assert "16 ans" in message
    missing = services.ballot_requirements_fill(
        user=participant, selection=selection, birth_date=dt.date(1990, 5, 1)
    )
    assert [str(d.reason) for d in missing] == ["Acceptez le règlement de l'étape pour participer."]
    assert (
        services.ballot_requirements_fill(user=participant, selection=selection, accept_rules=True)
        == []
    )
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    close(selection)
    selection.step.refresh_from_db()
    message = refused(
        "closed",
        fn=services.vote_remove,
        user=participant,
        selection=selection,
        proposal_id=p1.pk,
    )
    assert "terminé" in message


def test_unconfirmed_email_and_proposals_outside_the_vote(db):
    selection = make_selection(vote_type="simple", proposals_from="chosen")
    user = verified_user(username="ok")
    p1, p2, *_ = proposals(selection)
    refused("not_candidate", user=user, selection=selection, proposal_id=p1.pk)
    assert services.selection_proposals_add(actor=None, selection=selection, proposals=[p1]) == 1
    services.vote_cast(user=user, selection=selection, proposal_id=p1.pk)
    other_collect = make_collect(prefix="XX")
    foreign = proposals(make_selection(collect=other_collect))[0]
    refused("not_candidate", user=user, selection=selection, proposal_id=foreign.pk)
    from palabre.core.tests.factories import UserFactory

    refused("requirement", user=UserFactory(), selection=selection, proposal_id=p1.pk)


def test_rule_changes_refused_once_votes_exist(participant, organiser):
    selection = make_selection(vote_type="simple", votes_max=3)
    selection.votes_max = 4
    services.selection_save(actor=organiser, selection=selection, created=False)
    p1 = proposals(selection)[0]
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    selection = Selection.objects.get(pk=selection.pk)
    selection.votes_max = 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.selection_save(actor=organiser, selection=selection, created=False)
    assert "votes_max" in info.value.message_dict
    assert "Des votes ont déjà été exprimés" in info.value.message_dict["votes_max"][0]
    selection = Selection.objects.get(pk=selection.pk)
    selection.intro = "Corrigé : une faute de frappe."
    selection.threshold = 10
    services.selection_save(actor=organiser, selection=selection, created=False)
    assert Selection.objects.get(pk=selection.pk).votes_max == 4


def test_votes_removed_for_a_deleted_account_in_open_steps_only(participant, other):
    open_sel = make_selection(vote_type="simple")
    closed_sel = make_selection(vote_type="simple")
    a = proposals(open_sel)[0]
    b = proposals(closed_sel)[0]
    for user in (participant, other):
        services.vote_cast(user=user, selection=open_sel, proposal_id=a.pk)
        services.vote_cast(user=user, selection=closed_sel, proposal_id=b.pk)
    close(closed_sel)
    assert services.votes_remove_for_user(user=participant) == 1
    assert counts(open_sel) == {a.pk: (1, 0)}
    assert counts(closed_sel) == {b.pk: (2, 0)}
    assert not Ballot.objects.filter(selection=open_sel, user=participant).exists()
    assert Ballot.objects.filter(selection=closed_sel, user=participant).exists()
    assert services.counters_recompute(fix=False) == []


def test_recompute_reports_and_fixes_drift(participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    p1, p2, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    assert services.counters_recompute(fix=False) == []
    SelectionProposal.objects.filter(proposal=p1).update(votes_count=7, points=0)
    Ballot.objects.update(spent=3)
    drifts = services.counters_recompute(fix=False)
    assert len(drifts) == 3, drifts
    from io import StringIO

    out = StringIO()
    call_command("recompute_counters", stdout=out)
    assert "SelectionProposal" in out.getvalue()
    assert services.counters_recompute(fix=False) == []
    assert counts(selection)[p1.pk] == (1, 3)


def test_anonymity(participant):
    selection = make_selection(vote_type="simple", anonymous_allowed=True)
    p1 = proposals(selection)[0]
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk, anonymous=True)
    assert Ballot.objects.get().anonymous
    services.ballot_anonymity_set(user=participant, selection=selection, anonymous=False)
    assert not Ballot.objects.get().anonymous
    plain = make_selection(vote_type="simple")
    refused(
        "anonymity",
        fn=services.ballot_anonymity_set,
        user=participant,
        selection=plain,
        anonymous=True,
    )


def test_recompute_renumbers_broken_ranks(participant):
    selection = make_selection(vote_type="ranked", votes_max=3)
    p1, p2, p3, *_ = proposals(selection)
    for p in (p1, p2, p3):
        services.vote_cast(user=participant, selection=selection, proposal_id=p.pk)
    Vote.objects.filter(proposal=p2).update(rank=7)  # 1, 7, 3: p3 is now second
    drifts = services.counters_recompute(fix=True)
    assert "ranks: [1, 3, 7] ≠ 1..3" in " ".join(drifts)
    assert list(Vote.objects.order_by("rank").values_list("proposal_id", flat=True)) == [
        p1.pk,
        p3.pk,
        p2.pk,
    ]
    assert counts(selection) == {p1.pk: (1, 3), p2.pk: (1, 1), p3.pk: (1, 2)}
    assert services.counters_recompute(fix=False) == []


class _AfterTheLastStatement(Exception):
    pass


def _failing_after(monkeypatch, sql_part: str):
    """Make the vote services fail right after the batch whose SQL holds ``sql_part`` ran."""
    batch = services._batch

    def failing(cursor, statements, *args, **kwargs):
        rows = batch(cursor, statements, *args, **kwargs)
        if any(sql_part in statement[0] for statement in statements):
            raise _AfterTheLastStatement
        return rows

    monkeypatch.setattr(services, "_batch", failing)


def _stored(selection):
    return (
        counts(selection),
        list(Ballot.objects.values_list("votes_count", "spent", "counted")),
        list(Vote.objects.order_by("proposal_id").values_list("proposal_id", "rank")),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("vote_type", ["simple", "budget", "ranked"])
def test_an_exception_after_the_last_statement_rolls_the_whole_vote_back(monkeypatch, vote_type):
    # The vote's transaction is Django's atomic block: nothing is committed before its end,
    # so a failure after the last statement (here, right after the writes) undoes them all.
    participant = verified_user(username="camille")
    rules = {"budget": 100_000} if vote_type == "budget" else {}
    selection = make_selection(vote_type=vote_type, votes_max=3, **rules)
    p1, p2, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)
    before = _stored(selection)
    with monkeypatch.context() as patch:
        _failing_after(patch, f"INSERT INTO {Vote._meta.db_table} ")
        with pytest.raises(_AfterTheLastStatement):
            services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    assert _stored(selection) == before
    with monkeypatch.context() as patch:
        _failing_after(patch, f"DELETE FROM {Vote._meta.db_table} ")  # noqa: S608 - a needle
        with pytest.raises(_AfterTheLastStatement):
            services.vote_remove(user=participant, selection=selection, proposal_id=p1.pk)
    assert _stored(selection) == before
    services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)  # still works
    assert counts(selection)[p2.pk][0] == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_vote_is_two_batches_of_statements(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("statements go in batches on PostgreSQL; .ci/run runs this there")
    participant = verified_user(username="camille")
    selection = make_selection(vote_type="ranked", votes_max=2)
    p1, p2, p3, *_ = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=p1.pk)  # creates
    services.vote_cast(user=participant, selection=selection, proposal_id=p3.pk)
    services.vote_remove(user=participant, selection=selection, proposal_id=p3.pk)  # prepared

    def sent(captured):
        return [q["sql"] if q["sql"] in ("BEGIN", "COMMIT", "ROLLBACK") else "…" for q in captured]

    # The transaction is psycopg's and Django's (BEGIN before the first statement, COMMIT at
    # the end of the atomic block), the statements go in two batches: the reads, the writes.
    with CaptureQueriesContext(connection) as cast:
        services.vote_cast(user=participant, selection=selection, proposal_id=p2.pk)
    assert sent(cast) == ["BEGIN", "…", "…", "COMMIT"]
    with CaptureQueriesContext(connection) as refusal:
        refused("limit", user=participant, selection=selection, proposal_id=p3.pk)
    assert sent(refusal) == ["BEGIN", "…", "ROLLBACK"]
    with CaptureQueriesContext(connection) as remove:
        services.vote_remove(user=participant, selection=selection, proposal_id=p1.pk)
    assert sent(remove) == ["BEGIN", "…", "…", "COMMIT"]
    assert counts(selection) == {p1.pk: (0, 0), p2.pk: (1, 2), p3.pk: (0, 0)}
    assert list(Vote.objects.values_list("proposal_id", "rank")) == [(p2.pk, 1)]
