"""Phase of a step, derived from its dates in this one place (house rule 2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import Case, Count, Max, Min, Q, QuerySet, Value, When
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


def annotate_project_dates(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        first_start=Min("steps__starts_at"),
        last_end=Max("steps__ends_at"),
        open_ended=Count("steps", filter=Q(steps__ends_at__isnull=True)),
        step_count=Count("steps"),
    )


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


def project_status_case(now: datetime | None = None) -> Case:
    """Project status from its first step start and last step end (annotated)."""
    now = now or timezone.now()
    return Case(
        When(first_start__gt=now, then=Value(Status.UPCOMING.value)),
        When(last_end__lt=now, open_ended=0, then=Value(Status.CLOSED.value)),
        When(step_count=0, then=Value("")),
        default=Value(Status.OPEN.value),
    )
