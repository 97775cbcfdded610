"""Phase of a step, derived from its dates in this one place (house rule 2).

Pure rules on dates, and their SQL twins as ``Q`` filters: this module imports no model
(``models`` builds on it; the step-derived dates of projects are read in ``selectors``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.UPCOMING: _("À venir"),
    Status.OPEN: _("En cours"),
    Status.CLOSED: _("Terminé"),
}


def status_between(start: datetime | None, end: datetime | None, now: datetime | None = None):
    """Upcoming before ``start``, closed after ``end``, open in between (bounds inclusive).

    A missing start means "since always", a missing end "until further notice".
    """
    now = now or timezone.now()
    if start is not None and now < start:
        return Status.UPCOMING
    if end is not None and now > end:
        return Status.CLOSED
    return Status.OPEN


def project_status_q(status: str, now: datetime | None = None) -> Q:
    """SQL filter equivalent to ``Project.status`` (on the cached fields)."""
    now = now or timezone.now()
    has_steps = Q(step_count__gt=0)
    upcoming = Q(first_start__gt=now)
    closed = Q(last_end__lt=now, open_ended=False)
    if status == Status.UPCOMING:
        return has_steps & upcoming
    if status == Status.CLOSED:
        return has_steps & closed & ~upcoming
    return has_steps & ~upcoming & ~closed


def status_q(status: str, now: datetime | None = None, prefix: str = "") -> Q:
    """SQL filter equivalent to ``status_between`` on fields ``<prefix>starts_at/ends_at``."""
    now = now or timezone.now()
    start, end = f"{prefix}starts_at", f"{prefix}ends_at"
    if status == Status.UPCOMING:
        return Q(**{f"{start}__gt": now})
    if status == Status.CLOSED:
        return Q(**{f"{end}__lt": now})
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": now})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": now})
    )
