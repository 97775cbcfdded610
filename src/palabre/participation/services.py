"""Writes shared by every kind (house rule 3): publication, reports, moderation, comments,
follows and notifications (their delivery, in the background, is ``notifications.py``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palabre.core import components, limits, pagecache
from palabre.core.services import action_log_record

from . import emails, permissions
from .models import Comment, Follow, NotificationPreference, Report
from .requirements import has_confirmed_email
from .tasks import notify_followers


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
    for model in components.contribution_models():
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
    limits.check(comment, limits.REPORT_COMMENT, field="comment")
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


# --- comments -------------------------------------------------------------------------------


def _check(decision) -> None:
    if not decision:
        raise ValidationError(str(decision.reason), code="refused")


def _comment_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Écrivez votre commentaire."), code="required")
    limits.check(body, limits.COMMENT)
    return body


@transaction.atomic
def comment_create(*, author, target, body: str, parent: Comment | None = None) -> Comment:
    """Comment on ``target`` (or reply to ``parent``: a reply to a reply joins its thread).

    Published at once when the author's email address is confirmed, otherwise at the
    confirmation (``contributions_publish_for``).
    """
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    _check(permissions.comment_create(author, target, parent))
    published = has_confirmed_email(author)
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        parent=parent,
        author=author,
        body=_comment_body(body),
        published=published,
        published_at=timezone.now() if published else None,
    )
    if published:
        transaction.on_commit(pagecache.bump)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """The author rewrites their comment while the target still accepts comments."""
    _check(permissions.comment_edit(editor, comment))
    body = _comment_body(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited = True
    comment.save(update_fields=["body", "edited", "updated_at"])
    if comment.published:
        transaction.on_commit(pagecache.bump)
    return comment


# --- follows and notifications --------------------------------------------------------------


def _target_key(target) -> dict:
    return {"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk}


@transaction.atomic
def follow_create(*, user, target) -> Follow:
    """Follow ``target`` (following twice changes nothing)."""
    _check(permissions.follow(user, target))
    follow, _created = Follow.objects.get_or_create(user=user, **_target_key(target))
    return follow


@transaction.atomic
def follow_delete(*, user, target) -> bool:
    """Stop following ``target``; True if there was something to stop."""
    deleted, _rows = Follow.objects.filter(user=user, **_target_key(target)).delete()
    return bool(deleted)


@transaction.atomic
def notification_preference_set(*, user, frequency: str) -> NotificationPreference:
    if frequency not in NotificationPreference.Frequency.values:
        raise ValidationError(_("Choisissez une fréquence d'e-mails."), code="invalid")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency}
    )
    return preference


@transaction.atomic
def followers_notify(*, target, subject, message, url: str) -> None:
    """Tell ``target``'s followers, in the background once the transaction commits:
    an email now to those who chose it, a line in tomorrow's digest for the others.

    ``subject`` and ``message`` may be lazy translations: they are rendered here in every
    language of the site, and each follower reads them in theirs.
    """
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = [str(subject)[:250], str(message)]
    key = _target_key(target)
    payload = {
        "content_type_id": key["content_type"].pk,
        "object_id": target.pk,
        "texts": texts,
        "url": str(url),
    }

    transaction.on_commit(lambda: notify_followers.enqueue(**payload))


@transaction.atomic
def unsubscribe_apply(*, token: str) -> emails.Unsubscription:
    """Follow an unsubscribe link: stop following its target, or every email if it has none.

    Raises ValidationError for a forged or mangled token.
    """
    unsubscription = emails.unsubscribe_read(token)
    if unsubscription.target_key is None:
        notification_preference_set(
            user=unsubscription.user, frequency=NotificationPreference.Frequency.NONE
        )
    else:
        content_type_id, object_id = unsubscription.target_key
        Follow.objects.filter(
            user=unsubscription.user, content_type_id=content_type_id, object_id=object_id
        ).delete()
    return unsubscription
