"""Background work of participation (django-tasks; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from . import notifications


@task()
def notify_followers(*, content_type_id: int, object_id: int, texts: dict, url: str) -> int:
    """Emails and digest lines for a target's followers (queued by ``followers_notify``)."""
    return notifications.notifications_deliver(
        content_type_id=content_type_id, object_id=object_id, texts=texts, url=url
    )


@task()
def send_digests() -> int:
    """The daily digest: one email per participant with their pending notifications."""
    return notifications.digests_send()
