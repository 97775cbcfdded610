"""However an account disappears, its votes in a vote still open go with their counts.

The ballot-stuffing path these tests close: an organiser deletes an account in the back
office, its ballot stayed counted with no user, and the same person signed up again with the
same email and voted a second time.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from palabre.components.selection import services
from palabre.components.selection.models import Ballot, SelectionProposal, Vote
from palabre.core.models import ActionLog, User

from .conftest import close, make_selection, postgres_only, proposals, verified_user

pytestmark = pytest.mark.django_db


def tallies(selection):
    return {
        e.proposal_id: e.votes_count
        for e in SelectionProposal.objects.filter(selection=selection)
        if e.votes_count
    }


def budget_vote_with(*voters):
    selection = make_selection(vote_type="budget", budget=10_000, n=3, costs=[4_000, 3_000, 2_000])
    p1, p2, _ = proposals(selection)
    for user in voters:
        services.vote_cast(user=user, selection=selection, proposal_id=p1.pk)
        services.vote_cast(user=user, selection=selection, proposal_id=p2.pk)
    return selection, p1, p2


def test_deleting_an_account_in_the_back_office_removes_its_open_ballot(
    client, participant, other, organiser
):
    selection, p1, p2 = budget_vote_with(participant, other)
    email = participant.email
    client.force_login(organiser)

    response = client.post(
        reverse("admin:core_user_delete", args=[participant.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=participant.pk).exists()
    assert tallies(selection) == {p1.pk: 1, p2.pk: 1}
    assert list(Ballot.objects.filter(selection=selection).values_list("user", flat=True)) == [
        other.pk
    ]
    assert not Ballot.objects.filter(user__isnull=True).exists()
    assert services.counters_recompute(fix=False) == []
    log = ActionLog.objects.get(action="account_votes_removed")
    assert log.changes == {"account": participant.pk, "selection_votes_removed": 2}
    assert email not in log.object_repr + str(log.changes)

    # The same person signs up again with the same address and votes: one counted vote each.
    again = verified_user(username="camille2", email=email)
    services.vote_cast(user=again, selection=selection, proposal_id=p1.pk)
    assert tallies(selection) == {p1.pk: 2, p2.pk: 1}
    assert Ballot.objects.filter(selection=selection, counted=True).count() == 2
    assert services.counters_recompute(fix=False) == []


def test_the_back_office_bulk_deletion_removes_every_open_ballot(
    client, participant, other, organiser
):
    selection, p1, p2 = budget_vote_with(participant, other)
    client.force_login(organiser)

    response = client.post(
        reverse("admin:core_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [participant.pk, other.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[participant.pk, other.pk]).exists()
    assert tallies(selection) == {}
    assert not Ballot.objects.exists() and not Vote.objects.exists()
    assert services.counters_recompute(fix=False) == []


def test_deleting_the_model_keeps_closed_results_and_removes_open_votes(participant, other):
    open_vote, a1, a2 = budget_vote_with(participant, other)
    closed_vote, b1, b2 = budget_vote_with(participant, other)
    close(closed_vote)

    participant.delete()

    assert tallies(open_vote) == {a1.pk: 1, a2.pk: 1}
    # The closed vote made published results: its ballot stays, counted, without the person.
    assert tallies(closed_vote) == {b1.pk: 2, b2.pk: 2}
    kept = Ballot.objects.get(selection=closed_vote, user__isnull=True)
    assert kept.counted and kept.votes.count() == 2
    assert services.counters_recompute(fix=False) == []


def test_a_queryset_deletion_from_the_shell_removes_open_votes(participant, other):
    selection, p1, p2 = budget_vote_with(participant, other)

    User.objects.filter(pk=other.pk).delete()

    assert tallies(selection) == {p1.pk: 1, p2.pk: 1}
    assert Ballot.objects.get(selection=selection).user_id == participant.pk


@pytest.mark.django_db(transaction=True)
def test_votes_are_removed_in_the_deletion_transaction():
    """A deletion that fails after the account's votes were removed gives them back."""
    participant = verified_user(username="camille")
    selection, p1, p2 = budget_vote_with(participant)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        User.objects.get(pk=participant.pk).delete()
        assert tallies(selection) == {}
        raise Abort

    assert tallies(selection) == {p1.pk: 1, p2.pk: 1}
    assert Ballot.objects.get(selection=selection).user_id == participant.pk


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_deletion_racing_the_accounts_own_votes_leaves_no_orphan_ballot():
    """Ten votes of an account from several browsers race its deletion on PostgreSQL, in a
    vote where it has a ballot and in one where it has none yet (the ballot is created by the
    racing votes): whatever the interleaving, no ballot without a person is left counted."""
    from .test_concurrency import assert_invariants, run_at_once

    participant = verified_user(username="camille")
    other = verified_user(username="dominique")
    selection = make_selection(vote_type="simple", n=12)
    entries = proposals(selection)
    services.vote_cast(user=participant, selection=selection, proposal_id=entries[0].pk)
    services.vote_cast(user=other, selection=selection, proposal_id=entries[0].pk)

    def vote(proposal):
        return lambda: services.vote_cast(
            user=participant, selection=selection, proposal_id=proposal.pk
        )

    def delete():
        User.objects.get(pk=participant.pk).delete()

    fresh = make_selection(vote_type="simple", n=6)
    fresh_entries = proposals(fresh)

    def vote_fresh(proposal):
        return lambda: services.vote_cast(
            user=participant, selection=fresh, proposal_id=proposal.pk
        )

    outcomes = run_at_once(
        [delete, *(vote(p) for p in entries[1:6]), *(vote_fresh(p) for p in fresh_entries)]
    )

    assert not any(o.startswith("error") and "IntegrityError" not in o for o in outcomes), outcomes
    assert not Ballot.objects.filter(selection__in=[selection, fresh], user__isnull=True).exists()
    if not User.objects.filter(pk=participant.pk).exists():
        assert tallies(selection) == {entries[0].pk: 1}
        assert tallies(fresh) == {}
    assert_invariants(selection)
    assert_invariants(fresh)


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_ballot_committed_during_the_deletion_is_never_left_without_its_person():
    """The narrow window, held open on purpose: the account's first vote in a step commits
    just after the deletion removed the account's ballots and before Django nulls the rows
    that point to the account. The vote must fail (the account is going), not leave a
    counted ballot behind with no one."""
    import threading

    from django.db.models.signals import pre_delete

    from .test_concurrency import assert_invariants, run_at_once

    participant = verified_user(username="camille")
    selection = make_selection(vote_type="simple", n=3)
    proposal = proposals(selection)[0]
    inserted, removed, committed = threading.Event(), threading.Event(), threading.Event()

    def vote():
        with transaction.atomic():
            services.vote_cast(user=participant, selection=selection, proposal_id=proposal.pk)
            inserted.set()
            removed.wait(10)
        committed.set()

    def hold_the_window(sender, instance, **kwargs):
        removed.set()
        committed.wait(3)  # without the account's lock, the vote commits here

    def delete():
        inserted.wait(10)
        User.objects.get(pk=participant.pk).delete()

    pre_delete.connect(hold_the_window, sender=User, dispatch_uid="test.hold_the_window")
    try:
        outcomes = run_at_once([vote, delete])
    finally:
        pre_delete.disconnect(sender=User, dispatch_uid="test.hold_the_window")

    assert outcomes[1] == "ok", outcomes
    assert "IntegrityError" in outcomes[0], outcomes
    assert not User.objects.filter(pk=participant.pk).exists()
    assert not Ballot.objects.filter(selection=selection).exists()
    assert tallies(selection) == {}
    assert_invariants(selection)
