"""Phase of a step, derived from its dates in this one place (house rule 2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Max, Min, Q
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


def project_dates(project_ids) -> dict[int, dict]:
    """The cached step-derived fields of projects, computed from their steps."""
    from .models import Step

    rows = (
        Step.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(
            first_start=Min("starts_at"),
            last_end=Max("ends_at"),
            open_ends=Count("id", filter=Q(ends_at__isnull=True)),
            step_count=Count("id"),
        )
    )
    result = {
        pk: {"first_start": None, "last_end": None, "open_ended": False, "step_count": 0}
        for pk in project_ids
    }
    for row in rows:
        result[row["project_id"]] = {
            "first_start": row["first_start"],
            "last_end": row["last_end"],
            "open_ended": row["open_ends"] > 0,
            "step_count": row["step_count"],
        }
    return result


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
