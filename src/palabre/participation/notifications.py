"""Notifications delivered in the background (``tasks.py`` runs them): a followed target's
news as an email now or a line of the daily digest, and the daily digest itself.

The request's half is ``services.followers_notify``, which queues ``tasks.notify_followers``
once its transaction commits; nothing here imports ``services`` or ``tasks``.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from palabre.core.permissions import project_view

from . import emails, targets
from .models import Follow, Notification, NotificationPreference


def _confirmed_address():
    """Whether the follower's current address is confirmed (one subquery, not one per row)."""
    return Exists(
        EmailAddress.objects.filter(
            user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
        )
    )


def notifications_deliver(*, content_type_id: int, object_id: int, texts: dict, url: str) -> int:
    """The background half of ``followers_notify``; returns the number of emails sent.

    Only followers whose current address is confirmed hear from Palabre: an email now for
    those who chose it (the default), a digest line for the daily-digest ones.
    """
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    target = model._default_manager.filter(pk=object_id).first() if model else None
    project = targets.project_of(target) if target is not None else None
    if project is None:
        return 0  # deleted since, or outside any project: nobody to tell
    follows = (
        Follow.objects.filter(content_type_id=content_type_id, object_id=object_id)
        .filter(user__is_active=True)
        .alias(confirmed=_confirmed_address())
        .filter(confirmed=True)
        .select_related("user", "user__notification_preference")
        .order_by("pk")
    )
    immediate, digest = [], []
    for follow in follows:
        if not project_view(follow.user, project):
            continue  # no longer allowed into the project (restricted, back to draft)
        frequency = _frequency(follow.user)
        if frequency == NotificationPreference.Frequency.IMMEDIATE:
            immediate.append(follow.user)
        elif frequency == NotificationPreference.Frequency.DAILY:
            digest.append(follow.user)
    with transaction.atomic():
        Notification.objects.bulk_create(
            Notification(
                user=user,
                content_type_id=content_type_id,
                object_id=object_id,
                subject=_text_for(texts, user)[0],
                message=_text_for(texts, user)[1],
                url=url[:500],
            )
            for user in digest
        )
    messages = [
        emails.notification_email(
            user=user,
            target=target,
            subject=_text_for(texts, user)[0],
            message=_text_for(texts, user)[1],
            url=url,
        )
        for user in immediate
    ]
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)


def digests_send(*, now=None) -> int:
    """One email per participant with the notifications waiting for them; returns the count."""
    now = now or timezone.now()
    sent = 0
    user_ids = (
        Notification.objects.filter(sent_in_digest_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    for user_id in list(user_ids):
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(of=("self",))
                .filter(user_id=user_id, sent_in_digest_at__isnull=True)
                .select_related("user", "user__notification_preference", "content_type")
                .order_by("created_at", "pk")
            )
            if not pending:
                continue  # another run sent them meanwhile
            user = pending[0].user
            followed = set(
                Follow.objects.filter(user_id=user_id).values_list("content_type_id", "object_id")
            )
            items = [n for n in pending if (n.content_type_id, n.object_id) in followed]
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                sent_in_digest_at=now
            )
            if (
                not items
                or not user.is_active
                or _frequency(user) == NotificationPreference.Frequency.NONE
                or not EmailAddress.objects.filter(
                    user=user, email__iexact=user.email, verified=True
                ).exists()
            ):
                continue  # unsubscribed meanwhile: the news is dropped, not sent later
            emails.digest_email(user=user, notifications=items).send()
            sent += 1
    return sent


def _frequency(user) -> str:
    try:
        return user.notification_preference.frequency
    except NotificationPreference.DoesNotExist:
        return NotificationPreference.Frequency.IMMEDIATE


def _text_for(texts: dict, user) -> list:
    language = (user.language or "")[:2]
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))
