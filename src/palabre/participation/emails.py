"""Notification emails: text templates in the recipient's language, one-click unsubscribe.

Every email carries a signed unsubscribe link (no login needed) in its body and in the
``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058): a link for one target
stops following it, the digest's link stops every notification email.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from palabre.core.mail import sender

UNSUBSCRIBE_SALT = "palabre.participation.unsubscribe"


def absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def _language(user) -> str:
    languages = dict(settings.LANGUAGES)
    code = (user.language or "")[:2]
    return code if code in languages else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Unsubscription:
    user: object
    target_key: tuple[int, int] | None  # (content type id, object id); None: every email


def unsubscribe_token(user, target_key: tuple[int, int] | None = None) -> str:
    """A signed, non-expiring token: ``target_key`` (content type id, object id) or every
    email. It grants nothing but stopping emails, so it may live as long as the email."""
    payload: dict = {"u": user.pk}
    if target_key is not None:
        payload["t"] = [int(target_key[0]), int(target_key[1])]
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def target_key(target) -> tuple[int, int]:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(target).pk, target.pk


def unsubscribe_read(token: str) -> Unsubscription:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = get_user_model().objects.get(pk=payload["u"])
        target = payload.get("t")
        key = (int(target[0]), int(target[1])) if target is not None else None
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationError(_("Ce lien de désinscription n'est pas valide.")) from exc
    except get_user_model().DoesNotExist as exc:
        raise ValidationError(_("Ce lien de désinscription n'est plus valide.")) from exc
    return Unsubscription(user=user, target_key=key)


def unsubscribe_url(user, target_key: tuple[int, int] | None = None) -> str:
    return absolute(reverse("unsubscribe", args=[unsubscribe_token(user, target_key)]))


def _message(*, user, subject: str, template: str, context: dict, unsubscribe: str):
    with translation.override(_language(user)):
        body = render_to_string(
            template,
            {
                **context,
                "user": user,
                "unsubscribe_url": unsubscribe,
                "preferences_url": absolute(reverse("notification_settings")),
                "site_url": settings.SITE_URL,
            },
        )
    subject = " ".join(str(subject).split())  # one line, whatever the caller wrote
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=sender(),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def notification_email(*, user, target, subject: str, message: str, url: str) -> EmailMessage:
    return _message(
        user=user,
        subject=subject,
        template="participation/email/notification.txt",
        context={"message": message, "url": absolute(url), "target": target},
        unsubscribe=unsubscribe_url(user, target_key(target)),
    )


def digest_email(*, user, notifications) -> EmailMessage:
    items = [
        {
            "subject": n.subject,
            "message": n.message,
            "url": absolute(n.url),
            "created_at": n.created_at,
            "unsubscribe_url": unsubscribe_url(user, (n.content_type_id, n.object_id)),
        }
        for n in notifications
    ]
    with translation.override(_language(user)):
        subject = translation.ngettext(
            "Votre résumé : %(count)d nouvelle", "Votre résumé : %(count)d nouvelles", len(items)
        ) % {"count": len(items)}
    return _message(
        user=user,
        subject=subject,
        template="participation/email/digest.txt",
        context={"items": items},
        unsubscribe=unsubscribe_url(user),
    )
