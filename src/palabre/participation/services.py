"""Writes shared by every kind: publication, reports, moderation (house rule 3)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.core import pagecache
from palabre.core.services import action_log_record

from . import registry
from .models import Report


def _recount(obj) -> None:
    recount = getattr(obj, "recount_parents", None)
    if recount is not None:
        recount()


@transaction.atomic
def contribution_publish(*, obj) -> None:
    if obj.published:
        return
    obj.published = True
    obj.published_at = timezone.now()
    obj.save(update_fields=["published", "published_at"])
    _recount(obj)
    transaction.on_commit(pagecache.bump)


@transaction.atomic
def contributions_publish_for(*, user) -> int:
    """Publish everything ``user`` wrote while their email address was unconfirmed."""
    count = 0
    for model in registry.models():
        for obj in model.objects.select_for_update().filter(author=user, published=False):
            contribution_publish(obj=obj)
            count += 1
    return count


@transaction.atomic
def report_create(*, reporter, obj, reason: str, comment: str = "") -> Report:
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choisissez un motif de signalement."))
    if obj.author_id is not None and obj.author_id == reporter.pk:
        raise ValidationError(_("Vous ne pouvez pas signaler votre propre contribution."))
    try:
        with transaction.atomic():
            return Report.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                reporter=reporter,
                reason=reason,
                comment=comment.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(_("Vous avez déjà signalé cette contribution.")) from exc


@transaction.atomic
def contribution_trash(*, actor, obj, reason: str) -> None:
    """Hide a contribution; the public sees "Contenu modéré : <reason>" in its place."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif public de la modération."))
    obj.trashed_at = timezone.now()
    obj.trashed_reason = reason[:250]
    obj.save(update_fields=["trashed_at", "trashed_reason"])
    Report.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        status=Report.Status.PENDING,
    ).update(status=Report.Status.HIDDEN, handled_by=actor, handled_at=timezone.now())
    action_log_record(actor=actor, action="moderation_hide", obj=obj, changes={"reason": reason})
    transaction.on_commit(pagecache.bump)


@transaction.atomic
def contribution_restore(*, actor, obj) -> None:
    obj.trashed_at = None
    obj.trashed_reason = ""
    obj.save(update_fields=["trashed_at", "trashed_reason"])
    action_log_record(actor=actor, action="moderation_restore", obj=obj)
    transaction.on_commit(pagecache.bump)


@transaction.atomic
def report_dismiss(*, actor, report: Report) -> Report:
    report.status = Report.Status.DISMISSED
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    action_log_record(actor=actor, action="report_dismiss", obj=report)
    return report
