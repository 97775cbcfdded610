"""Reads of the selection step (house rule 4): a fixed number of queries whatever the length."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from . import permissions
from .models import Ballot, Selection, SelectionProposal, Vote
from .rules import Item, greedy_funded


def selection_for_step(step) -> Selection | None:
    selection = (
        Selection.objects.select_related("collect", "zip_area").filter(step_id=step.pk).first()
    )
    if selection is not None:
        selection.step = step
    return selection


def candidates(selection: Selection, *, district: str = "", theme: str = "", sort: str = ""):
    """The proposals taking part in the vote (``Selection.candidates``), with their cached
    counts (one query); ``district`` and ``theme`` filter by slug, ``sort`` is ``cost`` or
    ``-cost``."""
    entries = SelectionProposal.objects.filter(selection=selection, proposal=OuterRef("pk"))
    rows = selection.candidates()
    if district:
        rows = rows.filter(district__slug=district)
    if theme:
        rows = rows.filter(theme__slug=theme)
    order = {"cost": ("cost", "number"), "-cost": ("-cost", "number")}.get(sort, ("number",))
    return (
        rows.annotate(
            vote_total=Coalesce(Subquery(entries.values("votes_count")[:1]), Value(0)),
            point_total=Coalesce(Subquery(entries.values("points")[:1]), Value(0)),
        )
        .select_related("theme", "district", "status")
        .order_by(*order, "pk")
    )


def candidate(selection: Selection, proposal_id: int):
    """The proposal ``proposal_id`` if it takes part in this vote, else None (what an answer
    to a vote shows of it: id, title, cost, reference)."""
    rows = selection.candidates().filter(pk=proposal_id)
    return rows.only("pk", "cost", "title", "reference", "collect_id").first()


@dataclass
class BallotState:
    """A participant's ballot in a step, as the pages show it.

    ``partial``: ``votes`` holds only the votes an answer to one vote needs (the proposal
    voted for); the totals come from the ballot's counts, read with its lock.
    """

    selection: Selection
    ballot: Ballot | None = None
    votes: list[Vote] = field(default_factory=list)
    partial: bool = False

    @property
    def voted(self) -> dict[int, Vote]:
        return {v.proposal_id: v for v in self.votes}

    @property
    def count(self) -> int:
        return self.ballot.votes_count if self.partial else len(self.votes)

    @property
    def spent(self) -> int:
        return self.ballot.spent if self.partial else sum(v.cost for v in self.votes)

    @property
    def remaining_votes(self) -> int | None:
        if self.selection.votes_max is None:
            return None
        return max(self.selection.votes_max - self.count, 0)

    @property
    def remaining_budget(self) -> int | None:
        if not self.selection.is_budget:
            return None
        return max((self.selection.budget or 0) - self.spent, 0)

    @property
    def missing_for_minimum(self) -> int:
        return max(self.selection.votes_min - self.count, 0) if self.count else 0

    @property
    def counted(self) -> bool:
        return self.count > 0 and self.selection.counts(self.count)

    @property
    def anonymous(self) -> bool:
        return bool(self.ballot and self.ballot.anonymous)


def ballot_state(
    selection: Selection, user, *, outcome=None, with_proposals: bool = True
) -> BallotState:
    """``user``'s ballot with its votes (and their proposals): two queries, none if anonymous.

    ``outcome``: a vote service's ``VoteOutcome``; when it knows the ballot (its counts, and
    the votes the answer needs: ``outcome.votes``, perhaps ``partial``), no query at all
    unless the proposals are wanted.
    """
    state = BallotState(selection=selection)
    if not user.is_authenticated:
        return state
    ballot = outcome.ballot if outcome is not None else None
    if ballot is not None and not with_proposals:
        state.ballot = ballot
        state.votes = sorted(outcome.votes, key=lambda v: (v.rank or 0, v.created_at, v.pk))
        state.partial = outcome.partial
        return state
    state.ballot = ballot or Ballot.objects.filter(selection=selection, user=user).first()
    if state.ballot is not None:
        state.votes = list(
            state.ballot.votes.select_related("proposal").order_by("rank", "created_at", "pk")
        )
    return state


@dataclass
class ResultRow:
    proposal: object
    position: int
    votes: int
    points: int
    qualified: bool
    funded: bool = False
    share: float = 0.0  # of the first row's score, for the bar chart (0..100)


@dataclass
class Results:
    selection: Selection
    rows: list[ResultRow]
    participants: int
    budget_spent: int = 0
    funded_count: int = 0

    @property
    def score_label_is_points(self) -> bool:
        return self.selection.is_ranked

    @property
    def qualified_count(self) -> int:
        return sum(1 for r in self.rows if r.qualified)


def results(selection: Selection) -> Results:
    """Ranking by points (ranked) or votes, qualified proposals, funded ones (budget)."""
    proposals = list(candidates(selection))
    ranked = selection.is_ranked

    def score(p):
        return p.point_total if ranked else p.vote_total

    proposals.sort(key=lambda p: (-score(p), -p.vote_total, p.number, p.pk))
    threshold = selection.threshold
    top = score(proposals[0]) if proposals else 0
    rows = [
        ResultRow(
            proposal=p,
            position=index,
            votes=p.vote_total,
            points=p.point_total,
            qualified=threshold is not None and p.vote_total >= threshold,
            share=round(100 * score(p) / top, 1) if top else 0.0,
        )
        for index, p in enumerate(proposals, start=1)
    ]
    result = Results(
        selection=selection,
        rows=rows,
        participants=Ballot.objects.filter(
            selection=selection, counted=True, votes_count__gt=0
        ).count(),
    )
    if selection.is_budget:
        funded, spent = greedy_funded(
            [
                Item(key=r.proposal.pk, cost=r.proposal.cost or 0, votes=r.votes, order=i)
                for i, r in enumerate(rows)
                if r.proposal.cost is not None
            ],
            selection.budget or 0,
        )
        funded_set = set(funded)
        for r in rows:
            r.funded = r.proposal.pk in funded_set
        result.budget_spent, result.funded_count = spent, len(funded)
    return result


def results_visible(user, selection: Selection) -> bool:
    return bool(permissions.results_view(user, selection))


def my_ballots(user, *, with_votes: bool = False) -> list[Ballot]:
    """Every ballot of ``user`` in any step, with the step and project (for « Mes votes »);
    ``with_votes``: each with ``vote_list`` (its votes and their proposals). One or two
    queries, whatever the number of steps."""
    if not user.is_authenticated:
        return []
    ballots = (
        Ballot.objects.filter(user=user, votes_count__gt=0)
        .select_related("selection__step__project")
        .order_by("-updated_at", "-pk")
    )
    if with_votes:
        votes = Vote.objects.select_related("proposal").order_by("rank", "created_at", "pk")
        ballots = ballots.prefetch_related(Prefetch("votes", votes, to_attr="vote_list"))
    return list(ballots)
