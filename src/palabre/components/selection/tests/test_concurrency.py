"""Real concurrency on PostgreSQL: 24 threads vote for one participant at the same instant.

Each thread has its own database connection and transaction; a barrier releases them together.
The participant's ballot row is locked (SELECT … FOR UPDATE) by every vote, so whatever the
interleaving, the limit, the budget and the ranks hold, and the cached counts equal the rows.
On SQLite (one writer at a time, no row locks) these tests are skipped: .ci/run runs the whole
suite again on PostgreSQL, where they run.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections, models

from palabre.components.selection import services
from palabre.components.selection.models import Ballot, SelectionProposal, Vote
from palabre.components.selection.services import VoteRefused

from .conftest import make_selection, postgres_only, proposals, verified_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    postgres_only,
]

THREADS = 24


def run_at_once(jobs) -> list[str]:
    """Run each callable in its own thread, released together; return outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = [""] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[index] = "ok"
        except VoteRefused as exc:
            outcomes[index] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def assert_invariants(selection):
    assert services.counters_recompute(fix=False) == []
    for ballot in Ballot.objects.filter(selection=selection):
        votes = list(Vote.objects.filter(ballot=ballot))
        assert ballot.votes_count == len(votes)
        assert len({v.proposal_id for v in votes}) == len(votes)
        if selection.votes_max is not None:
            assert len(votes) <= selection.votes_max
        if selection.is_budget:
            assert sum(v.cost for v in votes) == ballot.spent <= selection.budget
        if selection.is_ranked:
            assert sorted(v.rank for v in votes) == list(range(1, len(votes) + 1))
    counted = Counter(
        Vote.objects.filter(ballot__selection=selection, ballot__counted=True).values_list(
            "proposal_id", flat=True
        )
    )
    for entry in SelectionProposal.objects.filter(selection=selection):
        assert entry.votes_count == counted.get(entry.proposal_id, 0)


def test_postgres_is_what_runs_this():
    assert connection.vendor == "postgresql"


def _votes(selection, user, targets):
    return [
        (lambda pk=p.pk: services.vote_cast(user=user, selection=selection, proposal_id=pk))
        for p in targets
    ]


def test_limit_holds_under_concurrent_votes(db):
    selection = make_selection(n=THREADS, vote_type="simple", votes_max=5)
    user = verified_user(username="rapide")
    outcomes = run_at_once(_votes(selection, user, proposals(selection)))
    assert Counter(outcomes) == {"ok": 5, "limit": THREADS - 5}, outcomes
    assert Vote.objects.count() == 5
    assert_invariants(selection)


def test_budget_holds_under_concurrent_votes(db):
    costs = [3_000] * THREADS
    selection = make_selection(n=THREADS, costs=costs, vote_type="budget", budget=10_000)
    user = verified_user(username="rapide")
    outcomes = run_at_once(_votes(selection, user, proposals(selection)))
    assert Counter(outcomes) == {"ok": 3, "budget": THREADS - 3}, outcomes
    assert Ballot.objects.get().spent == 9_000
    assert_invariants(selection)


def test_ranks_hold_under_concurrent_votes(db):
    selection = make_selection(n=THREADS, vote_type="ranked", votes_max=4)
    user = verified_user(username="rapide")
    outcomes = run_at_once(_votes(selection, user, proposals(selection)))
    assert Counter(outcomes) == {"ok": 4, "limit": THREADS - 4}, outcomes
    points = sorted(SelectionProposal.objects.values_list("points", flat=True), reverse=True)
    assert points[:4] == [4, 3, 2, 1] and not any(points[4:])
    assert_invariants(selection)


def test_one_proposal_voted_once_by_many_requests(db):
    selection = make_selection(n=3, vote_type="simple")
    user = verified_user(username="rapide")
    target = proposals(selection)[0]
    outcomes = run_at_once(_votes(selection, user, [target] * THREADS))
    assert Counter(outcomes) == {"ok": 1, "already": THREADS - 1}, outcomes
    assert_invariants(selection)


def test_mixed_votes_unvotes_and_moves_of_several_participants(db):
    selection = make_selection(n=8, vote_type="ranked", votes_max=3, votes_min=2)
    users = [verified_user(username=f"p{i}") for i in range(4)]
    targets = proposals(selection)
    for user in users:
        services.vote_cast(user=user, selection=selection, proposal_id=targets[0].pk)
    jobs = []
    for i in range(THREADS):
        user, proposal = users[i % 4], targets[i % 8]
        if i % 3 == 0:
            jobs.append(
                lambda u=user, p=proposal: services.vote_remove(
                    user=u, selection=selection, proposal_id=p.pk
                )
            )
        elif i % 3 == 1:
            jobs.append(
                lambda u=user, p=proposal: services.vote_move(
                    user=u, selection=selection, proposal_id=p.pk, direction="up"
                )
            )
        else:
            jobs.append(
                lambda u=user, p=proposal: services.vote_cast(
                    user=u, selection=selection, proposal_id=p.pk
                )
            )
    outcomes = run_at_once(jobs)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert_invariants(selection)


def test_ballots_reaching_the_minimum_at_once_do_not_deadlock(db):
    """Each vote makes its ballot count: every one updates two proposals' rows at once."""
    selection = make_selection(n=6, vote_type="simple", votes_min=2)
    targets = proposals(selection)
    users = [verified_user(username=f"m{i}") for i in range(THREADS)]
    # Half vote low then high, half high then low: the second votes lock rows in both orders
    # unless every transaction takes them in one order.
    pairs = [(i % 3, 3 + i % 3) if i % 2 else (3 + i % 3, i % 3) for i in range(THREADS)]
    for user, (first, _second) in zip(users, pairs, strict=True):
        services.vote_cast(user=user, selection=selection, proposal_id=targets[first].pk)
    jobs = [
        (
            lambda u=user, p=targets[second]: services.vote_cast(
                user=u, selection=selection, proposal_id=p.pk
            )
        )
        for user, (_first, second) in zip(users, pairs, strict=True)
    ]
    outcomes = run_at_once(jobs)
    assert outcomes == ["ok"] * THREADS, outcomes
    assert (
        SelectionProposal.objects.filter(selection=selection).aggregate(
            total=models.Sum("votes_count")
        )["total"]
        == 2 * THREADS
    )
    assert_invariants(selection)


def test_a_rule_change_racing_the_first_votes_never_leaves_them_miscounted(db):
    """The organiser raises the minimum while the first votes arrive: either the change is
    refused (a vote got in first) or every vote is judged by the new rule — never a ballot
    counted under the old one."""
    from django.core.exceptions import ValidationError

    from palabre.components.selection.models import Selection

    for attempt in range(5):
        selection = make_selection(n=THREADS, vote_type="simple", votes_min=0)
        users = [verified_user(username=f"r{attempt}-{i}") for i in range(THREADS - 1)]
        targets = proposals(selection)

        def change(pk=selection.pk):
            edited = Selection.objects.select_related("step").get(pk=pk)
            edited.votes_min = 3
            try:
                services.selection_save(actor=None, selection=edited, created=False)
            except ValidationError as exc:
                raise VoteRefused(" ".join(exc.messages), code="rules_locked") from exc

        jobs = [change] + [
            (
                lambda u=user, p=targets[i], s=selection: services.vote_cast(
                    user=u, selection=s, proposal_id=p.pk
                )
            )
            for i, user in enumerate(users)
        ]
        outcomes = run_at_once(jobs)
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        selection.refresh_from_db()
        if outcomes[0] == "ok":
            assert selection.votes_min == 3
        else:
            assert outcomes[0] == "rules_locked" and selection.votes_min == 0
        assert_invariants(selection)


def test_a_vote_that_waited_for_a_rule_change_is_judged_by_the_new_rules(db):
    """A vote arriving while the organiser changes the rules waits for the rules' lock, then
    must read the rules as changed (not as they were when its statement began waiting)."""
    import time

    from django.db import transaction

    from palabre.components.selection.models import Selection

    selection = make_selection(n=3, vote_type="simple", votes_min=0)
    user = verified_user(username="patient")
    target = proposals(selection)[0]
    as_loaded = Selection.objects.select_related("step").get(pk=selection.pk)  # votes_min 0
    locked = threading.Event()
    problems: list[str] = []

    def organiser():
        try:
            with transaction.atomic():
                services._lock_rules(selection)
                Selection.objects.filter(pk=selection.pk).update(votes_min=2)
                locked.set()
                with connection.cursor() as cursor:  # hold the lock until the vote waits
                    for _ in range(250):
                        cursor.execute(
                            "SELECT count(*) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND NOT granted"
                        )
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.02)
                    else:
                        problems.append("the vote never waited for the rules' lock")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            problems.append(repr(exc))
        finally:
            connections.close_all()

    def voter():
        try:
            locked.wait(timeout=10)
            services.vote_cast(user=user, selection=as_loaded, proposal_id=target.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            problems.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=organiser), threading.Thread(target=voter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not problems, problems
    ballot = Ballot.objects.get(user=user)
    assert ballot.votes_count == 1 and not ballot.counted, "1 vote, under the new minimum of 2"
    assert SelectionProposal.objects.get(proposal=target).votes_count == 0
    assert_invariants(Selection.objects.get(pk=selection.pk))


@pytest.mark.parametrize(
    "rules",
    [
        {"vote_type": "ranked", "votes_max": 4, "votes_min": 2},
        {"vote_type": "simple", "votes_max": 3, "votes_min": 2},
        {"vote_type": "budget", "budget": 5_000, "votes_min": 2},
    ],
    ids=["ranked", "simple", "budget"],
)
def test_mixed_votes_takebacks_and_moves_of_three_participants_at_once(rules):
    """Rounds of 18 simultaneous casts, takebacks and moves by three participants, with a
    minimum: ballots cross it both ways, ranks move up on takebacks, and after each round
    every rule and count holds."""
    import random

    selection = make_selection(n=6, costs=[1_000, 1_500, 2_000, 2_500, 700, 300], **rules)
    targets = proposals(selection)
    users = [verified_user(username=f"mixed{i}") for i in range(3)]
    rng = random.Random(7)

    def job(user, proposal, draw):
        if draw < 0.5:
            return lambda: services.vote_cast(
                user=user, selection=selection, proposal_id=proposal.pk
            )
        if draw < 0.85 or not selection.is_ranked:
            return lambda: services.vote_remove(
                user=user, selection=selection, proposal_id=proposal.pk
            )
        direction = rng.choice(["up", "down"])
        return lambda: services.vote_move(
            user=user, selection=selection, proposal_id=proposal.pk, direction=direction
        )

    for _round in range(12):
        jobs = [job(rng.choice(users), rng.choice(targets), rng.random()) for _ in range(18)]
        outcomes = run_at_once(jobs)
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        assert_invariants(selection)
