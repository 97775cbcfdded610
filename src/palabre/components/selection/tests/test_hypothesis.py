"""Property tests: random vote / unvote / reorder sequences keep every invariant, and the
budget outcome is the one of pabutools' reference implementation of the greedy rule."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from palabre.components.selection import selectors, services
from palabre.components.selection.models import Ballot, Selection, SelectionProposal, Vote
from palabre.components.selection.rules import Item, greedy_funded
from palabre.components.selection.services import VoteRefused

from .conftest import make_selection, proposals, verified_user

USERS = 3
PROPOSALS = 6
COSTS = [4_000, 2_500, 6_000, 1_000, 3_000, 500]

RULES = st.sampled_from(
    [
        {"vote_type": "simple", "votes_max": 3},
        {"vote_type": "simple", "votes_max": 4, "votes_min": 2},
        {"vote_type": "simple"},
        {"vote_type": "budget", "budget": 8_000},
        {"vote_type": "budget", "budget": 10_000, "votes_max": 2, "votes_min": 1},
        {"vote_type": "ranked", "votes_max": 3},
        {"vote_type": "ranked", "votes_max": 4, "votes_min": 2},
    ]
)


class BallotMachine(RuleBasedStateMachine):
    """Participants vote, unvote and reorder, organisers try to change the limits; a
    plain-Python model says what must happen."""

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize(rules=RULES)
    def setup(self, rules):
        self.selection = make_selection(n=PROPOSALS, costs=COSTS, **rules)
        self.users = [verified_user() for _ in range(USERS)]
        self.proposals = proposals(self.selection)
        self.model: dict[int, list[int]] = {u.pk: [] for u in self.users}  # ranked order
        self.cost = {p.pk: p.cost for p in self.proposals}

    def _expect_vote(self, user, pk) -> str:
        mine = self.model[user.pk]
        s = self.selection
        if pk in mine:
            return "already"
        if s.votes_max is not None and len(mine) >= s.votes_max:
            return "limit"
        if s.is_budget and sum(self.cost[p] for p in mine) + self.cost[pk] > s.budget:
            return "budget"
        return "ok"

    @rule(u=st.integers(0, USERS - 1), i=st.integers(0, PROPOSALS - 1))
    def vote(self, u, i):
        user, pk = self.users[u], self.proposals[i].pk
        expected = self._expect_vote(user, pk)
        try:
            services.vote_cast(user=user, selection=self.selection, proposal_id=pk)
            outcome = "ok"
        except VoteRefused as exc:
            outcome = exc.code
        assert outcome == expected
        if outcome == "ok":
            self.model[user.pk].append(pk)

    @rule(u=st.integers(0, USERS - 1), i=st.integers(0, PROPOSALS - 1))
    def unvote(self, u, i):
        user, pk = self.users[u], self.proposals[i].pk
        expected = "ok" if pk in self.model[user.pk] else "not_voted"
        try:
            services.vote_remove(user=user, selection=self.selection, proposal_id=pk)
            outcome = "ok"
        except VoteRefused as exc:
            outcome = exc.code
        assert outcome == expected
        if outcome == "ok":
            self.model[user.pk].remove(pk)

    @precondition(lambda self: self.selection.is_ranked)
    @rule(
        u=st.integers(0, USERS - 1),
        i=st.integers(0, PROPOSALS - 1),
        direction=st.sampled_from(["up", "down"]),
    )
    def move(self, u, i, direction):
        user, pk = self.users[u], self.proposals[i].pk
        mine = self.model[user.pk]
        if pk not in mine:
            expected = "not_voted"
        else:
            index = mine.index(pk)
            other = index - 1 if direction == "up" else index + 1
            expected = "ok" if 0 <= other < len(mine) else "edge"
        try:
            services.vote_move(
                user=user, selection=self.selection, proposal_id=pk, direction=direction
            )
            outcome = "ok"
        except VoteRefused as exc:
            outcome = exc.code
        assert outcome == expected
        if outcome == "ok":
            mine[index], mine[other] = mine[other], mine[index]

    @rule(votes_max=st.one_of(st.none(), st.integers(1, 5)), votes_min=st.integers(0, 3))
    def change_rules(self, votes_max, votes_min):
        """An organiser edits the limits: refused once a vote exists, whatever the change."""
        s = self.selection
        if s.is_ranked and votes_max is None:
            votes_max = 2
        if votes_max is not None and votes_min > votes_max:
            votes_min = votes_max
        changed = (votes_max, votes_min) != (s.votes_max, s.votes_min)
        any_vote = any(self.model.values())
        edited = Selection.objects.get(pk=s.pk)
        edited.step = s.step
        edited.votes_max, edited.votes_min = votes_max, votes_min
        try:
            services.selection_save(actor=None, selection=edited, created=False)
            outcome = "ok"
        except ValidationError as exc:
            outcome = "refused"
            assert "Des votes ont déjà été exprimés" in " ".join(exc.messages)
        assert outcome == ("refused" if changed and any_vote else "ok")
        if outcome == "ok":
            self.selection = edited

    @invariant()
    def ballots_match_the_model_and_the_rules(self):
        if not hasattr(self, "selection"):
            return
        s = self.selection
        expected_votes, expected_points = Counter(), Counter()
        for user in self.users:
            mine = self.model[user.pk]
            ballot = Ballot.objects.filter(selection=s, user=user).first()
            rows = list(Vote.objects.filter(ballot=ballot).order_by("rank", "id")) if ballot else []
            assert {v.proposal_id for v in rows} == set(mine)
            if s.is_ranked:
                assert [v.proposal_id for v in rows] == mine
                assert [v.rank for v in rows] == list(range(1, len(rows) + 1))
            if s.votes_max is not None:
                assert len(rows) <= s.votes_max
            if ballot is not None:
                assert ballot.votes_count == len(rows)
                assert ballot.spent == sum(v.cost for v in rows)
                if s.is_budget:
                    assert ballot.spent <= s.budget
                assert ballot.counted == (len(rows) >= s.votes_min)
            if len(mine) >= s.votes_min:
                for rank, pk in enumerate(mine, start=1):
                    expected_votes[pk] += 1
                    expected_points[pk] += s.points_for(rank) if s.is_ranked else 0
        for entry in SelectionProposal.objects.filter(selection=s):
            assert entry.votes_count == expected_votes[entry.proposal_id]
            assert entry.points == expected_points[entry.proposal_id]

    @invariant()
    def counters_have_no_drift(self):
        if hasattr(self, "selection"):
            assert services.counters_recompute(fix=False) == []


@pytest.mark.django_db
def test_random_ballot_sequences_keep_the_invariants():
    run_state_machine_as_test(
        BallotMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


# --- the greedy budget rule against pabutools ---------------------------------------------

INSTANCES = st.integers(1, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 60_000), min_size=n, max_size=n),  # costs
        st.lists(
            st.sets(st.integers(0, n - 1), max_size=n), min_size=0, max_size=25
        ),  # approval ballots
        st.integers(0, 150_000),  # budget
    )
)


def pabutools_funded(costs, ballots, budget) -> set[int]:
    pabutools = pytest.importorskip("pabutools", reason="pabutools is in the test extra")
    del pabutools
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        Cost_Sat,
        Instance,
        Project,
    )
    from pabutools.rules import greedy_utilitarian_welfare

    projects = [Project(f"{i:05d}", cost) for i, cost in enumerate(costs)]
    instance = Instance(projects, budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot([projects[i] for i in b]) for b in ballots])
    allocation = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    return {int(p.name) for p in allocation}


@settings(max_examples=300, deadline=None)
@given(INSTANCES)
def test_greedy_budget_rule_matches_pabutools(instance):
    costs, ballots, budget = instance
    votes = Counter(i for b in ballots for i in b)
    items = [Item(key=i, cost=c, votes=votes[i], order=i) for i, c in enumerate(costs)]
    funded, spent = greedy_funded(items, budget)
    assert spent == sum(costs[i] for i in funded) <= budget
    # pabutools goes on funding proposals nobody voted for with what is left; Palabre does not.
    reference = {i for i in pabutools_funded(costs, ballots, budget) if votes[i] > 0}
    assert set(funded) == reference


@pytest.mark.django_db
def test_results_page_figures_match_pabutools():
    costs = [400_000, 250_000, 300_000, 150_000, 500_000, 90_000]
    selection = make_selection(n=6, costs=costs, vote_type="budget", budget=1_000_000)
    props = proposals(selection)
    ballots = [{0, 1}, {0, 4}, {0, 2}, {4, 5}, {4}, {1, 3}, {2}, {0}]
    for b in ballots:
        user = verified_user()
        for i in sorted(b):
            services.vote_cast(user=user, selection=selection, proposal_id=props[i].pk)
    results = selectors.results(selection)
    funded = {props.index(r.proposal) for r in results.rows if r.funded}
    assert funded == pabutools_funded(costs, ballots, 1_000_000) - {
        i for i in range(6) if not any(i in b for b in ballots)
    }
    assert results.budget_spent == sum(costs[i] for i in funded)
    assert results.participants == len(ballots)
