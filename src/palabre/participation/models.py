"""What every contribution shares: publication, moderation, reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
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
