"""What every contribution shares: publication, moderation, reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core import limits


class Contribution(models.Model):
    """Abstract base of anything a participant writes (opinion, argument, proposal…).

    ``published`` is False while the author's email address is not confirmed: the text is
    kept, and published by ``services.contributions_publish_for`` on confirmation.
    ``trashed_at`` hides it after moderation; the public then sees ``trashed_reason``.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.BooleanField(_("publié"), default=False, db_index=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    edited_after_votes = models.BooleanField(_("modifié après des votes"), default=False)
    trashed_at = models.DateTimeField(_("modéré le"), null=True, blank=True)
    trashed_reason = models.CharField(_("motif public de modération"), max_length=250, blank=True)

    class Meta:
        abstract = True

    @property
    def is_trashed(self) -> bool:
        return self.trashed_at is not None


class Report(models.Model):
    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Contenu injurieux ou haineux")
        SPAM = "spam", _("Spam ou publicité")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        ERROR = "error", _("Erreur ou information fausse")
        SEXUAL = "sexual", _("Contenu à caractère sexuel")

    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        HIDDEN = "hidden", _("Contenu masqué")
        DISMISSED = "dismissed", _("Rejeté")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    comment = models.TextField(_("commentaire"), max_length=limits.REPORT_COMMENT, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                name="report_once_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.content_type} #{self.object_id}"


class Comment(Contribution):
    """A comment on any registered target (a proposal, an opinion…), threaded one level.

    ``body`` is plain text, stored raw and rendered escaped with its line breaks.
    A reply to a reply is attached to the top-level comment (``comment_create`` does it).
    """

    MAX_LENGTH = limits.COMMENT

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("commentaire"), max_length=MAX_LENGTH)
    edited = models.BooleanField(_("modifié"), default=False)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["parent", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.report_excerpt[:60]

    def get_absolute_url(self) -> str:
        target = self.target
        base = target.get_absolute_url() if target is not None else "/"
        return f"{base}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def report_excerpt(self) -> str:
        return " ".join(self.body.split())[:300]


class Follow(models.Model):
    """A participant follows a target (a proposal…) to be told when it changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant·e"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("suivi depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="follow_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type} #{self.object_id}"


class NotificationPreference(models.Model):
    """How a participant wants to hear about what they follow (no row: immediately)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Un e-mail à chaque nouvelle")
        DAILY = "daily", _("Un résumé quotidien")
        NONE = "none", _("Aucun e-mail")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant·e"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    frequency = models.CharField(
        _("fréquence des e-mails"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user} : {self.get_frequency_display()}"


class Notification(models.Model):
    """A piece of news waiting for a participant's daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    subject = models.CharField(_("objet"), max_length=250)
    message = models.TextField(_("message"))
    url = models.CharField(_("adresse"), max_length=500)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    sent_in_digest_at = models.DateTimeField(_("envoyée dans le résumé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "sent_in_digest_at"])]

    def __str__(self) -> str:
        return self.subject
