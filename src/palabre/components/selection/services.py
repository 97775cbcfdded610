"""Writes of the selection step (house rule 3): keyword-only, one transaction each.

Every write to a ballot starts by locking the participant's ``Ballot`` row
(``SELECT … FOR UPDATE``, created on the first vote): two browsers of one participant voting at
the same instant are serialised there, so the limit and the budget are checked against the
ballot as it really is. The proposals' cached counts are updated in the same transaction, from
the difference between what the ballot contributed before and after the change (a ballot under
the minimum contributes nothing), entries in proposal order so that transactions never
deadlock on them. Counters change one way: the ballot's through ``_ballot_counts_statement``,
the proposals' through ``_entry_change_statement`` (house rule 5).

``vote_cast`` and ``vote_remove``, the hot path, are a few SQL statements sent in two batches
(``core/sql.py``: one round trip each, prepared on PostgreSQL) inside the service's own
``transaction.atomic`` block: everything a refusal depends on is read by the first, the second
writes, and Django commits at the end of the block. They return a ``VoteOutcome`` (what
happened, for the answer); a refusal raises ``VoteRefused``, which carries one too. The other
writes use the ORM.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.core import pagecache, phases
from palabre.core import permissions as core_permissions
from palabre.core.models import Project, Step
from palabre.core.services import action_log_record
from palabre.core.sql import batch as _batch
from palabre.core.sql import named as _named

from . import permissions
from .formatting import euros
from .models import (
    Ballot,
    ProposalsFrom,
    Selection,
    SelectionProposal,
    Vote,
    ballot_fields,
    rule_fields,
)


@dataclass(frozen=True)
class Candidate:
    """The proposal a vote is about, as the vote path reads it (no model instance)."""

    pk: int
    title: str
    cost: int | None
    reference: str


@dataclass(frozen=True)
class VoteOutcome:
    """What a vote request did (``vote_cast``, ``vote_remove``, ``vote_move``): views render it.

    - ``action``: ``cast``, ``remove`` or ``move``.
    - ``proposal``: the proposal voted on if it takes part in the vote, else None;
      ``proposal_read``: whether the service read it (a refusal may come first).
    - ``ballot``: the participant's ballot with its counts as they stand now (read under its
      lock), or None when the answer has to read it (the request was refused before, or for a
      reason that leaves the proposal in the ballot).
    - ``votes``: the ballot's votes the outcome knows, with ``partial``: only those the answer
      needs (the vote just cast; none after a refusal that says the proposal is not in the
      ballot, or a vote taken back), the totals then come from the ballot's counts.
    - ``refused``: the refusal's code (empty when done) and ``reason``, its message.
    """

    action: str
    proposal: Candidate | None = None
    proposal_read: bool = False
    ballot: Ballot | None = None
    votes: tuple[Vote, ...] = ()
    partial: bool = True
    refused: str = ""
    reason: str = ""

    @property
    def done(self) -> bool:
        return not self.refused

    @property
    def counted(self) -> bool:
        """Whether the ballot counts now (reaches the minimum); False when not known."""
        return self.ballot is not None and self.ballot.counted


class VoteRefused(ValidationError):
    """A refused vote; ``code`` says why (limit, budget, closed, requirement…).

    From ``vote_cast``, ``vote_remove`` and ``vote_move``, also ``outcome``: the refused
    request's ``VoteOutcome``, with what was read before the refusal.
    """

    outcome: VoteOutcome | None = None


# Refusals that say the proposal is not in the ballot: the ballot's counts read with its lock
# are the whole answer, no need to read its votes.
NOT_IN_BALLOT = frozenset({"limit", "budget", "not_voted"})


class _Seen:
    """What a vote service read so far, handed to its refusal as its ``VoteOutcome``."""

    __slots__ = ("action", "proposal", "proposal_read", "ballot")

    def __init__(self, action: str) -> None:
        self.action = action
        self.proposal = self.ballot = None
        self.proposal_read = False

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if isinstance(exc, VoteRefused):
            known = self.ballot is not None and exc.code in NOT_IN_BALLOT
            exc.outcome = VoteOutcome(
                action=self.action,
                proposal=self.proposal,
                proposal_read=self.proposal_read,
                ballot=self.ballot if known else None,
                refused=exc.code or "refused",
                reason=" ".join(exc.messages),
            )


def _refuse(message: str, code: str):
    raise VoteRefused(message, code=code)


def _check_may_vote(user, selection: Selection, ballot: Ballot | None, *, full=True) -> None:
    """Refuse with the reason; ``full=False`` checks only the account and the dates."""
    decision = permissions.vote(user, selection, ballot, requirements=full)
    if not decision:
        if not user.is_authenticated:
            code = "login"
        elif selection.step.status != phases.Status.OPEN or not selection.has_vote:
            code = "closed"
        else:
            code = "requirement"
        _refuse(str(decision.reason), code)


# The vote path is the product's hottest write (a national vote: hundreds of votes a second),
# so it speaks SQL through Django's cursor: a handful of statements, each read fresh after the
# locks, instead of ORM queries whose compilation costs more than the database's work.

# Key space of the advisory locks on a step's vote rules (PostgreSQL): (RULES_LOCK, selection).
RULES_LOCK = 0x5E1EC7
_T_SELECTION = Selection._meta.db_table
_T_ENTRY = SelectionProposal._meta.db_table
_T_BALLOT = Ballot._meta.db_table
_T_VOTE = Vote._meta.db_table


@functools.cache
def _ballot_columns() -> tuple[str, list[str]]:
    """The ballot's columns for the SQL, and its fields' names (``models.ballot_fields``)."""
    return ", ".join(f.column for f in ballot_fields()), [f.attname for f in ballot_fields()]


def _datetime(value):
    """A datetime column as a raw cursor returns it (SQLite: naive, in UTC)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _from_db(field, value):
    """A column's value as a raw cursor returns it, as the model holds it (SQLite gives
    integers for booleans and text for datetimes, in UTC): the field's own ``to_python``.
    psycopg already gives these fields' Python types (as the ORM, which converts none)."""
    if value is None or connection.vendor == "postgresql":
        return value
    value = field.to_python(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _db_now():
    now = timezone.now()
    return now, connection.ops.adapt_datetimefield_value(now)


def _rules_lock_statements(selection: Selection) -> list[tuple]:
    """The rules' lock, shared, held until the end of the transaction (PostgreSQL).

    An organiser's change of rules takes the lock exclusively (``selection_save``): it waits
    for the votes in progress, and the votes that follow see the new rules. Shared advisory
    locks live in PostgreSQL's lock table: voters do not contend on the step's row. The rules
    are read by the *next* statement: a statement reads the rows as they were when it started,
    so rules read by the statement that waited for the lock would be those from before the
    change it waited for.
    """
    if connection.vendor != "postgresql":
        return []
    lock = "SELECT pg_advisory_xact_lock_shared(%s, %s)"
    return [_named("rules_lock", lock, [RULES_LOCK, selection.pk])]


def _rules_statement(selection: Selection, user, proposal_id: int | None) -> tuple:
    """Read, fresh, what the checks need and ``selection`` may hold stale (the views keep a
    step's settings a few seconds): every rule field (``models.rule_fields``), the step's
    dates, the project's visibility, whether ``user`` has a confirmed email, and the proposal
    ``proposal_id`` if it takes part in this vote.

    The join on the proposal repeats ``Selection.candidates`` (the ORM's one statement of the
    rule) in SQL: ``tests/test_one_source.py::test_the_vote_path_and_the_model_agree_on_candidates``
    proves both agree over every combination."""
    from palabre.components.collect.models import Proposal

    columns = ", ".join(f"s.{f.column}" for f in rule_fields())
    sql = (
        f"SELECT {columns}, st.starts_at, st.ends_at, pr.visibility, pr.published_at, "  # noqa: S608 - our names only
        f"EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e "
        "WHERE e.user_id = %s AND e.verified), "
        "p.id, p.title, p.cost, p.reference "
        f"FROM {_T_SELECTION} s JOIN {Step._meta.db_table} st ON st.id = s.step_id "
        f"JOIN {Project._meta.db_table} pr ON pr.id = st.project_id "
        f"LEFT JOIN {Proposal._meta.db_table} p ON p.id = %s AND p.collect_id = s.collect_id "
        "AND p.published AND p.trashed_at IS NULL AND p.state = %s "
        f"AND (s.proposals_from <> %s OR EXISTS (SELECT 1 FROM {_T_ENTRY} sp "
        "WHERE sp.selection_id = s.id AND sp.proposal_id = p.id)) "
        "WHERE s.id = %s"
    )
    params = [
        getattr(user, "pk", None),
        proposal_id,
        Proposal.State.SUBMITTED,
        ProposalsFrom.CHOSEN,
        selection.pk,
    ]
    return _named("rules", sql, params)


def _rules_read(selection: Selection, user, rows) -> Candidate | None:
    """Apply the rules statement's row to ``selection`` (and ``user``); the candidate."""
    if not rows:
        _refuse(_("Ce vote n'existe plus."), "closed")
    row = rows[0]
    fields = rule_fields()
    n = len(fields)
    for field, value in zip(fields, row[:n], strict=True):
        setattr(selection, field.attname, _from_db(field, value))
    step = selection.step
    step.starts_at, step.ends_at = _datetime(row[n]), _datetime(row[n + 1])
    step.project.visibility, step.project.published_at = row[n + 2], _datetime(row[n + 3])
    if user is not None and user.is_authenticated:
        user._palabre_email_confirmed = bool(row[n + 4])
    pk, title, cost, reference = row[n + 5 :]
    return Candidate(pk, title, cost, reference) if pk is not None else None


def _check_logged_in(user) -> None:
    if not user.is_authenticated:
        _refuse(_("Connectez-vous ou créez un compte pour participer."), "login")


def _check_project_visible(user, selection: Selection) -> None:
    """The project, as just read, may still be seen by ``user`` (it may have become a draft
    or restricted since the caller resolved it)."""
    decision = core_permissions.project_view(user, selection.step.project)
    if not decision:
        _refuse(str(decision.reason), "not_visible")


def _share_rules(selection: Selection, user=None, proposal_id: int | None = None):
    """Hold the rules' lock (shared) and read them fresh; returns the candidate, if any."""
    with connection.cursor() as cursor:
        rows = _batch(
            cursor,
            [*_rules_lock_statements(selection), _rules_statement(selection, user, proposal_id)],
        )
    return _rules_read(selection, user, rows[-1])


def _lock_rules(selection: Selection) -> None:
    """The organiser's side: wait for the votes in progress, hold new ones off."""
    if connection.vendor == "postgresql" and selection.pk is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RULES_LOCK, selection.pk])


def _ballot_from_row(selection: Selection, row) -> Ballot:
    """A ``Ballot`` from its row (every column, ``models.ballot_fields``)."""
    values = [_from_db(f, value) for f, value in zip(ballot_fields(), row, strict=True)]
    ballot = Ballot.from_db(connection.alias, _ballot_columns()[1], values)
    ballot.selection = selection
    return ballot


def _ballot_statement(selection: Selection, user) -> tuple:
    """The participant's ballot, locked until the end of the transaction.

    Its counts (``votes_count``, ``spent``) are read with the lock: on PostgreSQL a statement
    that waited for the row sees the version the other transaction committed. The votes
    themselves are read, when needed, by a later statement (which sees them all).
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return _named(
        "ballot",
        f"SELECT {_ballot_columns()[0]} FROM {_T_BALLOT} "  # noqa: S608 - our names only
        f"WHERE selection_id = %s AND user_id = %s{lock}",
        [selection.pk, user.pk],
    )


def _ballot_insert(cursor, selection: Selection, user):
    """Create the participant's empty ballot, its columns and values from the model (defaults
    included); its row, or None if another request of the same participant is creating it
    (``DO NOTHING`` waits for it)."""
    ballot = Ballot(selection=selection, user_id=user.pk, counted=selection.counts(0))
    fields = [f for f in ballot_fields() if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(ballot, True), connection) for f in fields]
    cursor.execute(
        f"INSERT INTO {_T_BALLOT} ({', '.join(f.column for f in fields)}) "  # noqa: S608 - ours
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT (selection_id, user_id) DO NOTHING RETURNING {_ballot_columns()[0]}",
        values,
    )
    return cursor.fetchone()


def _ballot_read(selection: Selection, user, rows, *, create: bool) -> Ballot | None:
    """The ballot from its statement's rows; created (and locked) if missing and ``create``."""
    row = rows[0] if rows else None
    if row is None and create:
        with connection.cursor() as cursor:
            row = _ballot_insert(cursor, selection, user)
            if row is None:  # created meanwhile by the other request: now locked here
                (rows,) = _batch(cursor, [_ballot_statement(selection, user)])
                row = rows[0] if rows else None
    return _ballot_from_row(selection, row) if row is not None else None


def _locked_ballot(selection: Selection, user, *, create: bool) -> Ballot | None:
    """The participant's ballot, locked until the end of the transaction (see above)."""
    with connection.cursor() as cursor:
        (rows,) = _batch(cursor, [_ballot_statement(selection, user)])
    return _ballot_read(selection, user, rows, create=create)


def _voted_statement(selection: Selection, user, proposal_id: int) -> tuple:
    """The participant's vote for the proposal (its cost), if any. After the ballot's lock it
    sees every vote committed before, and none can come or go until the transaction ends:
    every write to a ballot's votes holds the ballot's lock."""
    return _named(
        "voted",
        f"SELECT v.cost FROM {_T_VOTE} v JOIN {_T_BALLOT} b ON b.id = v.ballot_id "  # noqa: S608
        "WHERE b.selection_id = %s AND b.user_id = %s AND v.proposal_id = %s",
        [selection.pk, user.pk, proposal_id],
    )


def _rules_and_ballot(selection: Selection, user, proposal_id: int, *, with_votes=False):
    """The rules' lock, the rules read fresh, the ballot locked, in one round trip (the
    first statements of the transaction): the candidate proposal (or None), the ballot's rows
    (for ``_ballot_read``), the ballot's vote for the proposal as a (cost,) row or None and,
    if ``with_votes``, the ballot's votes as (proposal id, rank, cost) rows (else None), read
    by statements after the ballot's lock (so they see every vote committed before it).
    """
    locks = _rules_lock_statements(selection)
    statements = [
        *locks,
        _rules_statement(selection, user, proposal_id),
        _ballot_statement(selection, user),
    ]
    if not with_votes:
        statements.append(_voted_statement(selection, user, proposal_id))
    else:
        statements.append(
            _named(
                "ballot_votes",
                f"SELECT v.proposal_id, v.rank, v.cost FROM {_T_VOTE} v "  # noqa: S608
                f"JOIN {_T_BALLOT} b ON b.id = v.ballot_id "
                "WHERE b.selection_id = %s AND b.user_id = %s",
                [selection.pk, user.pk],
            )
        )
    with connection.cursor() as cursor:
        rules_rows, ballot_rows, rows = _batch(cursor, statements)[len(locks) :]
    candidate = _rules_read(selection, user, rules_rows)
    if not with_votes:
        return candidate, ballot_rows, (rows[0] if rows else None), None
    mine = next(((cost,) for pk, _rank, cost in rows if pk == proposal_id), None)
    return candidate, ballot_rows, mine, rows


def _votes_of(ballot: Ballot) -> list[tuple[int, int | None]]:
    """The ballot's votes as (proposal id, rank), read now (after the ballot's lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT proposal_id, rank FROM {_T_VOTE} WHERE ballot_id = %s",  # noqa: S608
            [ballot.pk],
        )
        return cursor.fetchall()


def _contribution(selection: Selection, counted: bool, votes) -> dict[int, tuple[int, int]]:
    """What a ballot adds to each proposal: {proposal id: (votes, points)}.

    ``votes``: Vote rows or (proposal id, rank) pairs.
    """
    if not counted:
        return {}
    pairs = ((v.proposal_id, v.rank) if isinstance(v, Vote) else v for v in votes)
    return {pk: (1, selection.points_for(rank)) for pk, rank in pairs}


# --- the cached counts: changed one way (house rule 5) ------------------------------------


def _entry_change_statement(selection: Selection, proposal_id: int, d_votes: int, d_points: int):
    """The one way a proposal's cached counts in a vote change: by a difference. Adding
    creates the proposal's row in the vote if it is missing (a vote under the minimum adds
    0 and only creates it); taking away updates the row (a negative row is never written,
    not even one an upsert would replace)."""
    if d_votes >= 0 and d_points >= 0:
        _, now = _db_now()
        return _named(
            "entry_add",
            f"INSERT INTO {_T_ENTRY} (selection_id, proposal_id, votes_count, points, added_at) "  # noqa: S608 - the table name is ours
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (selection_id, proposal_id) DO UPDATE SET "
            "votes_count = {t}.votes_count + EXCLUDED.votes_count, "
            "points = {t}.points + EXCLUDED.points".replace("{t}", _T_ENTRY),
            [selection.pk, proposal_id, d_votes, d_points, now],
        )
    return _named(
        "entry_update",
        f"UPDATE {_T_ENTRY} SET votes_count = votes_count + %s, "  # noqa: S608 - our names
        "points = points + %s WHERE selection_id = %s AND proposal_id = %s",
        [d_votes, d_points, selection.pk, proposal_id],
    )


def _apply_statements(selection: Selection, before: dict, after: dict) -> list[tuple]:
    """The changes of the cached counts by the difference, in proposal order (no deadlock)."""
    statements = []
    for pk in sorted(set(before) | set(after)):
        votes_before, points_before = before.get(pk, (0, 0))
        votes_after, points_after = after.get(pk, (0, 0))
        d_votes, d_points = votes_after - votes_before, points_after - points_before
        if d_votes or d_points:
            statements.append(_entry_change_statement(selection, pk, d_votes, d_points))
    return statements


def _apply(selection: Selection, before: dict, after: dict) -> None:
    """Change the cached counts by the difference, in proposal order (no deadlock)."""
    if statements := _apply_statements(selection, before, after):
        with connection.cursor() as cursor:
            _batch(cursor, statements)


def _ballot_counts_statement(
    selection: Selection, ballot: Ballot, votes_count: int, spent: int, *, touch: bool = True
):
    """The one way a ballot's cached counts change: store ``votes_count`` and ``spent``,
    whether the ballot counts (``Selection.counts``) and its anonymity, and set them on
    ``ballot``; ``touch``: the ballot changed now (else its ``updated_at`` is kept)."""
    ballot.votes_count = votes_count
    ballot.spent = spent
    ballot.counted = selection.counts(votes_count)
    if touch:
        ballot.updated_at, updated_at = _db_now()
    else:
        updated_at = connection.ops.adapt_datetimefield_value(ballot.updated_at)
    return _named(
        "ballot_save",
        f"UPDATE {_T_BALLOT} SET votes_count = %s, spent = %s, counted = %s, "  # noqa: S608
        "anonymous = %s, updated_at = %s WHERE id = %s",
        [votes_count, spent, ballot.counted, ballot.anonymous, updated_at, ballot.pk],
    )


def _save_ballot(selection: Selection, ballot: Ballot, votes_count: int, spent: int) -> None:
    with connection.cursor() as cursor:
        _batch(cursor, [_ballot_counts_statement(selection, ballot, votes_count, spent)])


def _vote_delete_statement(ballot: Ballot, proposal_id: int):
    return _named(
        "vote_delete",
        f"DELETE FROM {_T_VOTE} WHERE ballot_id = %s AND proposal_id = %s",  # noqa: S608
        [ballot.pk, proposal_id],
    )


def _has_voted_for(ballot: Ballot, proposal_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_T_VOTE} WHERE ballot_id = %s AND proposal_id = %s",  # noqa: S608
            [ballot.pk, proposal_id],
        )
        return cursor.fetchone() is not None


def _refuse_already() -> None:
    _refuse(_("Vous avez déjà voté pour cette proposition."), "already")


# --- participants ---------------------------------------------------------------------------


@transaction.atomic
def vote_cast(
    *, user, selection: Selection, proposal_id: int, anonymous: bool | None = None
) -> VoteOutcome:
    """``user`` votes for a proposal; raises VoteRefused (with its outcome) and the reason.

    The outcome carries the proposal, the ballot with its counts and the vote just cast
    (``partial``: not the whole ballot).
    """
    with _Seen("cast") as seen:
        return _vote_cast(user, selection, proposal_id, anonymous, seen)


def _vote_cast(user, selection: Selection, proposal_id: int, anonymous, seen: _Seen):
    _check_logged_in(user)
    seen.proposal, ballot_rows, voted, _votes = _rules_and_ballot(selection, user, proposal_id)
    seen.proposal_read = True
    proposal = seen.proposal
    _check_project_visible(user, selection)
    _check_may_vote(user, selection, None, full=False)  # with the dates read fresh
    if proposal is None:
        _refuse(_("Cette proposition ne fait pas partie du vote."), "not_candidate")
    if selection.is_budget and proposal.cost is None:
        _refuse(_("Cette proposition n'a pas de coût : elle ne peut pas être choisie."), "no_cost")
    seen.ballot = ballot = _ballot_read(selection, user, ballot_rows, create=True)
    _check_may_vote(user, selection, ballot)
    if not ballot_rows:
        # The ballot was missing: created now, or just before by another request of the
        # same participant, whose votes the first read could not see.
        voted = _has_voted_for(ballot, proposal.pk)
    if voted:
        _refuse_already()
    count = ballot.votes_count  # read with the lock: what the ballot holds now
    if selection.votes_max is not None and count >= selection.votes_max:
        _refuse(
            ngettext(
                "Limite atteinte : vous avez déjà donné votre vote. Retirez-le pour voter "
                "pour une autre proposition.",
                "Limite atteinte : vous avez déjà donné vos %(n)s votes. Retirez-en un pour "
                "voter pour une autre proposition.",
                selection.votes_max,
            )
            % {"n": selection.votes_max},
            "limit",
        )
    cost = (proposal.cost or 0) if selection.is_budget else 0
    if selection.is_budget:
        remaining = selection.budget - ballot.spent
        if cost > remaining:
            _refuse(
                _(
                    "Budget dépassé : cette proposition coûte %(cost)s et il vous reste "
                    "%(remaining)s sur %(budget)s. Retirez un choix pour libérer du budget."
                )
                % {
                    "cost": euros(cost),
                    "remaining": euros(remaining),
                    "budget": euros(selection.budget),
                },
                "budget",
            )
    rank = count + 1 if selection.is_ranked else None
    created_at, now = _db_now()
    was_counted = selection.counts(count)
    if anonymous is not None and selection.anonymous_allowed:
        ballot.anonymous = anonymous
    statements = [
        _named(
            "vote_insert",
            f"INSERT INTO {_T_VOTE} (ballot_id, proposal_id, rank, cost, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            [ballot.pk, proposal.pk, rank, cost, now],
        ),
        _ballot_counts_statement(selection, ballot, count + 1, ballot.spent + cost),
    ]
    reaches_minimum = ballot.counted != was_counted
    if not reaches_minimum:  # the usual case: only this proposal's counts change
        # (under the minimum, its row is created and the counts wait)
        points = selection.points_for(rank) if ballot.counted else 0
        statements.append(
            _entry_change_statement(selection, proposal.pk, int(ballot.counted), points)
        )
    with connection.cursor() as cursor:
        # Nothing can refuse any more (the vote is not in the ballot, which is locked). A vote
        # there all the same would fail the insert (unique constraint), and the transaction.
        inserted = _batch(cursor, statements)[0]
    if reaches_minimum:
        # Every vote of the ballot starts to count, in proposal order like every other
        # transaction (no deadlock).
        _apply(selection, {}, _contribution(selection, True, sorted(_votes_of(ballot))))
    vote = Vote(
        pk=inserted[0][0],
        ballot_id=ballot.pk,
        proposal_id=proposal.pk,
        rank=rank,
        cost=cost,
        created_at=created_at,
    )
    return VoteOutcome(
        action="cast", proposal=proposal, proposal_read=True, ballot=ballot, votes=(vote,)
    )


@transaction.atomic
def vote_remove(*, user, selection: Selection, proposal_id: int) -> VoteOutcome:
    """``user`` takes back their vote for a proposal (ranks below move up one).

    The outcome carries the proposal (None if it no longer takes part in the vote), the
    ballot with its counts and no votes (``partial``: the rest of the ballot is not read).
    """
    with _Seen("remove") as seen:
        return _vote_remove(user, selection, proposal_id, seen)


def _vote_remove(user, selection: Selection, proposal_id: int, seen: _Seen) -> VoteOutcome:
    _check_logged_in(user)
    # Ranked: the ranks below move up, so the whole ballot is read (in the same round trip).
    seen.proposal, ballot_rows, voted, vote_rows = _rules_and_ballot(
        selection, user, proposal_id, with_votes=selection.is_ranked
    )
    seen.proposal_read = True
    _check_project_visible(user, selection)
    _check_may_vote(user, selection, None, full=False)  # with the dates read fresh
    seen.ballot = ballot = _ballot_read(selection, user, ballot_rows, create=False)
    if ballot is None or voted is None:
        _refuse(_("Vous n'avez pas voté pour cette proposition."), "not_voted")
    count = ballot.votes_count
    was_counted, counted = selection.counts(count), selection.counts(count - 1)
    if vote_rows is None and (selection.is_ranked or was_counted != counted):
        # Other votes' counts change too (ranks move up, or the ballot drops under the
        # minimum): the whole ballot, read after its lock.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT proposal_id, rank, cost FROM {_T_VOTE} WHERE ballot_id = %s",  # noqa: S608
                [ballot.pk],
            )
            vote_rows = cursor.fetchall()
    if vote_rows is None:
        # The usual case: only this proposal's counts change (the vote is there: read after
        # the ballot's lock, which every write to its votes holds).
        (cost,) = voted
        removed_rank, votes, after = None, [(proposal_id, None)], []
    else:
        _pk, removed_rank, cost = next(row for row in vote_rows if row[0] == proposal_id)
        votes = [(pk, rank) for pk, rank, _cost in vote_rows]
        after = [
            (
                pk,
                rank - 1
                if removed_rank is not None and rank is not None and rank > removed_rank
                else rank,
            )
            for pk, rank in votes
            if pk != proposal_id
        ]
    statements = [_vote_delete_statement(ballot, proposal_id)]
    if selection.is_ranked and removed_rank is not None:
        statements.append(
            _named(
                "ranks_up",
                f"UPDATE {_T_VOTE} SET rank = rank - 1 "  # noqa: S608
                "WHERE ballot_id = %s AND rank > %s",
                [ballot.pk, removed_rank],
            )
        )
    statements.append(_ballot_counts_statement(selection, ballot, count - 1, ballot.spent - cost))
    statements += _apply_statements(
        selection,
        _contribution(selection, was_counted, votes),
        _contribution(selection, counted, after),
    )
    with connection.cursor() as cursor:
        _batch(cursor, statements)
    return VoteOutcome(
        action="remove", proposal=seen.proposal, proposal_read=True, ballot=ballot, votes=()
    )


@transaction.atomic
def vote_move(*, user, selection: Selection, proposal_id: int, direction: str) -> VoteOutcome:
    """Ranked votes: move a proposal one rank ``up`` (towards 1) or ``down``. The outcome
    carries the ballot and all its votes."""
    with _Seen("move") as seen:
        return _vote_move(user, selection, proposal_id, direction, seen)


def _vote_move(user, selection: Selection, proposal_id: int, direction: str, seen: _Seen):
    _check_logged_in(user)
    _share_rules(selection)
    if not selection.is_ranked:
        _refuse(_("Ce vote n'est pas un classement."), "not_ranked")
    _check_project_visible(user, selection)
    _check_may_vote(user, selection, None, full=False)
    seen.ballot = ballot = _locked_ballot(selection, user, create=False)
    votes = sorted(ballot.votes.all(), key=lambda v: v.rank) if ballot is not None else []
    index = next((i for i, v in enumerate(votes) if v.proposal_id == proposal_id), None)
    if index is None:
        _refuse(_("Vous n'avez pas voté pour cette proposition."), "not_voted")
    other = index - 1 if direction == "up" else index + 1
    if other < 0:
        _refuse(_("Cette proposition est déjà en première position."), "edge")
    if other >= len(votes):
        _refuse(_("Cette proposition est déjà en dernière position."), "edge")
    before = _contribution(selection, selection.counts(len(votes)), votes)
    moved, swapped = votes[index], votes[other]
    moved.rank, swapped.rank = swapped.rank, moved.rank
    Vote.objects.filter(pk=moved.pk).update(rank=moved.rank)
    Vote.objects.filter(pk=swapped.pk).update(rank=swapped.rank)
    _save_ballot(selection, ballot, len(votes), sum(v.cost for v in votes))
    _apply(selection, before, _contribution(selection, ballot.counted, votes))
    return VoteOutcome(
        action="move",
        ballot=ballot,
        votes=tuple(sorted(votes, key=lambda v: v.rank)),
        partial=False,
    )


@transaction.atomic
def ballot_anonymity_set(*, user, selection: Selection, anonymous: bool) -> Ballot:
    """Whether ``user``'s name may appear with their votes (only where the step allows it)."""
    if not selection.anonymous_allowed:
        _refuse(_("Cette étape ne propose pas le vote anonyme."), "anonymity")
    _check_may_vote(user, selection, None, full=False)
    ballot = _locked_ballot(selection, user, create=True)
    ballot.anonymous = bool(anonymous)
    Ballot.objects.filter(pk=ballot.pk).update(anonymous=ballot.anonymous)
    return ballot


@transaction.atomic
def ballot_requirements_fill(
    *,
    user,
    selection: Selection,
    zip_code: str | None = None,
    birth_date: dt.date | None = None,
    accept_rules: bool = False,
) -> list:
    """The participant gives what the step requires; returns what is still missing."""
    from palabre.core.models import User

    if not user.is_authenticated:
        _refuse(_("Connectez-vous ou créez un compte pour participer."), "login")
    fields = []
    if zip_code is not None and zip_code.strip() and zip_code.strip() != user.zip_code:
        user.zip_code = zip_code.strip().upper()
        fields.append("zip_code")
    if birth_date is not None and birth_date != user.birth_date:
        if birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("Cette date est dans le futur.")})
        user.birth_date = birth_date
        fields.append("birth_date")
    if fields:
        user.full_clean(validate_unique=False, exclude=["password"])
        User.objects.filter(pk=user.pk).update(**{f: getattr(user, f) for f in fields})
    ballot = _locked_ballot(selection, user, create=accept_rules)
    if accept_rules and ballot.rules_accepted_at is None:
        ballot.rules_accepted_at = timezone.now()
        Ballot.objects.filter(pk=ballot.pk).update(rules_accepted_at=ballot.rules_accepted_at)
    return permissions.requirements_missing(user, selection, ballot)


@transaction.atomic
def votes_remove_for_user(*, user) -> int:
    """Account deletion: remove ``user``'s votes in every step whose vote is not closed.

    The counts are updated in the same transaction; ballots in closed steps are left as they
    are (they made published results). Returns the number of votes removed.
    """
    still_open = ~phases.status_q(phases.Status.CLOSED, prefix="selection__step__")
    ballots = list(
        Ballot.objects.select_for_update(of=("self",))
        .filter(still_open, user=user)
        .select_related("selection")
        .order_by("pk")
    )
    removed = 0
    for ballot in ballots:
        selection = ballot.selection
        votes = list(ballot.votes.all())
        before = _contribution(selection, selection.counts(len(votes)), votes)
        removed += len(votes)
        ballot.votes.all().delete()
        ballot.delete()
        _apply(selection, before, {})
    if removed:
        transaction.on_commit(pagecache.bump)
    return removed


# --- organisers --------------------------------------------------------------------------


@transaction.atomic
def selection_save(
    *, actor, selection: Selection, created: bool, changes: dict | None = None, save=None
) -> Selection:
    """Save a step's vote rules; refuses (ValidationError) rule changes once votes exist."""
    _lock_rules(selection)  # held until the end: no vote slips in between check and save
    selection.full_clean()
    (save or selection.save)()
    if not selection.votes_exist():  # only empty ballots (rules accepted): refresh ``counted``
        ballots = Ballot.objects.filter(selection=selection)
        for votes_count in ballots.values_list("votes_count", flat=True).distinct():
            ballots.filter(votes_count=votes_count).update(counted=selection.counts(votes_count))
    action_log_record(
        actor=actor, action="create" if created else "update", obj=selection, changes=changes
    )
    transaction.on_commit(pagecache.bump)
    return selection


@transaction.atomic
def selection_proposals_add(*, actor, selection: Selection, status=None, proposals=None) -> int:
    """Put proposals into the vote: those of ``status``, or the given ones. Returns how many."""
    from palabre.components.collect.models import Proposal

    rows = Proposal.objects.filter(collect_id=selection.collect_id)
    if status is not None:
        rows = rows.filter(status=status)
    if proposals is not None:
        rows = rows.filter(pk__in=[getattr(p, "pk", p) for p in proposals])
    existing = set(
        SelectionProposal.objects.filter(selection=selection).values_list("proposal_id", flat=True)
    )
    new = [pk for pk in rows.values_list("pk", flat=True) if pk not in existing]
    SelectionProposal.objects.bulk_create(
        [SelectionProposal(selection=selection, proposal_id=pk) for pk in new],
        ignore_conflicts=True,
    )
    if new:
        action_log_record(
            actor=actor,
            action="selection_proposals_add",
            obj=selection,
            changes={"proposals": new, "status": status},
        )
        transaction.on_commit(pagecache.bump)
    return len(new)


@transaction.atomic
def selection_proposal_remove(*, actor, entry: SelectionProposal) -> None:
    """Take a proposal out of the vote; refused once it has votes."""
    locked = SelectionProposal.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        return
    if Vote.objects.filter(ballot__selection_id=entry.selection_id, proposal_id=entry.proposal_id):
        raise ValidationError(
            _(
                "Cette proposition a déjà reçu des votes : la retirer modifierait des bulletins "
                "déjà comptés."
            )
        )
    action_log_record(actor=actor, action="selection_proposal_remove", obj=locked)
    locked.delete()
    transaction.on_commit(pagecache.bump)


# --- counters (house rule 5) ---------------------------------------------------------------


def counters_recompute(*, fix: bool = True) -> list[str]:
    """Recompute every cached count of the selection steps from the rows; return drifts."""
    drifts: list[str] = []
    with transaction.atomic():
        selections = {s.pk: s for s in Selection.objects.all()}
        # Ballots: votes, spent, counted.
        ballots = Ballot.objects.annotate(
            n=Count("votes"), total=Coalesce(Sum("votes__cost"), 0)
        ).values(
            "pk",
            "selection_id",
            "votes_count",
            "spent",
            "counted",
            "anonymous",
            "updated_at",
            "n",
            "total",
        )
        statements: list[tuple] = []  # the fixes, through the counters' one way of changing
        ballot_selection: dict[int, int] = {}
        counted_ballots: set[int] = set()
        for row in ballots:
            selection = selections[row["selection_id"]]
            ballot_selection[row["pk"]] = selection.pk
            if selection.counts(row["n"]):
                counted_ballots.add(row["pk"])
            expected = {
                "votes_count": row["n"],
                "spent": row["total"],
                "counted": selection.counts(row["n"]),
            }
            changes = {k: v for k, v in expected.items() if row[k] != v}
            for name, value in changes.items():
                drifts.append(f"Ballot #{row['pk']} {name}: {row[name]} ≠ {value}")
            if fix and changes:
                ballot = Ballot(
                    pk=row["pk"], anonymous=row["anonymous"], updated_at=row["updated_at"]
                )
                statements.append(
                    _ballot_counts_statement(selection, ballot, row["n"], row["total"], touch=False)
                )
        # Ranked ballots: ranks 1..n, in the participant's order (rank, then time of the vote).
        rows = Vote.objects.values("pk", "ballot_id", "proposal_id", "rank").order_by(
            "ballot_id", "rank", "created_at", "pk"
        )
        by_ballot: dict[int, list[dict]] = {}
        for vote in rows.iterator():
            by_ballot.setdefault(vote["ballot_id"], []).append(vote)
        for ballot_id, votes in by_ballot.items():
            if not selections[ballot_selection[ballot_id]].is_ranked:
                continue
            ranks = [v["rank"] for v in votes]
            if ranks != list(range(1, len(votes) + 1)):
                drifts.append(f"Ballot #{ballot_id} ranks: {ranks} ≠ 1..{len(votes)}")
                for rank, vote in enumerate(votes, start=1):
                    vote["rank"] = rank
                    if fix:
                        Vote.objects.filter(pk=vote["pk"]).update(rank=rank)
        # Proposals: votes and points of the ballots that reach the minimum.
        expected: dict[tuple[int, int], tuple[int, int]] = {}
        for ballot_id, votes in by_ballot.items():
            if ballot_id not in counted_ballots:
                continue
            selection = selections[ballot_selection[ballot_id]]
            for vote in votes:
                key = (selection.pk, vote["proposal_id"])
                count, points = expected.get(key, (0, 0))
                expected[key] = (count + 1, points + selection.points_for(vote["rank"]))
        seen = set()
        for entry in SelectionProposal.objects.values(
            "pk", "selection_id", "proposal_id", "votes_count", "points"
        ):
            key = (entry["selection_id"], entry["proposal_id"])
            seen.add(key)
            votes, points = expected.get(key, (0, 0))
            changes = {}
            if entry["votes_count"] != votes:
                changes["votes_count"] = votes
            if entry["points"] != points:
                changes["points"] = points
            for name, value in changes.items():
                drifts.append(f"SelectionProposal #{entry['pk']} {name}: {entry[name]} ≠ {value}")
            if fix and changes:
                statements.append(
                    _entry_change_statement(
                        selections[key[0]],
                        key[1],
                        votes - entry["votes_count"],
                        points - entry["points"],
                    )
                )
        for key in sorted(set(expected) - seen):
            votes, points = expected[key]
            drifts.append(f"SelectionProposal missing for selection {key[0]} proposal {key[1]}")
            if fix:
                statements.append(
                    _entry_change_statement(selections[key[0]], key[1], votes, points)
                )
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    _batch(cursor, [statement])
    return drifts
