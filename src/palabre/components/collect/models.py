"""A collect step: citizens submit proposals through a form the organiser builds.

``Collect`` holds a step's settings; ``FormField`` rows enable, order and configure the built-in
fields of a proposal (title, summary, body, theme…), ``Question`` rows add custom questions
(``palabre.participation.formbuilder``); ``Category`` and ``ProposalStatus`` are defined per
step. A participant's unfinished proposal is a ``Draft`` (its typed values as JSON, its files
as ``DraftFile``); a submitted one is a ``Proposal`` with a readable reference (``BP-2026-0042``).
"""

from __future__ import annotations

import html
import os
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palabre.core import limits, richtext
from palabre.core.models import District, Step, Theme, colour_validator
from palabre.core.permissions import Decision
from palabre.participation.formbuilder import AbstractQuestion, FileRules
from palabre.participation.models import Contribution

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


class Preset(models.TextChoices):
    CALL = "call", _("Appel à projets")
    BUDGET = "budget", _("Budget participatif (dépôt des projets)")
    IDEAS = "ideas", _("Boîte à idées")


class Sort(models.TextChoices):
    RANDOM = "random", _("Aléatoire")
    NEWEST = "newest", _("Les plus récentes")
    COMMENTS = "comments", _("Les plus commentées")
    COST_ASC = "cost", _("Coût croissant")
    COST_DESC = "-cost", _("Coût décroissant")


class Collect(models.Model):
    step = models.OneToOneField(
        Step, verbose_name=_("étape"), on_delete=models.CASCADE, related_name="collect"
    )
    preset = models.CharField(
        _("modèle"),
        max_length=10,
        choices=Preset.choices,
        default=Preset.CALL,
        help_text=_("À la création, prépare les champs du formulaire selon ce modèle."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    reference_prefix = models.CharField(
        _("préfixe des références"),
        max_length=6,
        default="AP",
        validators=[RegexValidator(r"^[A-Z0-9]{1,6}$", _("De 1 à 6 majuscules ou chiffres."))],
        help_text=_("Les propositions sont numérotées PRÉFIXE-ANNÉE-0001."),
    )
    default_sort = models.CharField(
        _("tri par défaut"), max_length=10, choices=Sort.choices, default=Sort.RANDOM
    )
    attachment_extensions = models.CharField(
        _("types de pièces jointes acceptés"),
        max_length=200,
        default="pdf,odt,docx,jpg,jpeg,png",
        help_text=_("Extensions séparées par des virgules."),
    )
    attachment_max_mb = models.PositiveIntegerField(
        _("taille maximale d'un fichier (Mo)"), default=5, validators=[MaxValueValidator(50)]
    )
    attachments_max_count = models.PositiveIntegerField(
        _("nombre maximal de pièces jointes"), default=3, validators=[MaxValueValidator(20)]
    )
    map_latitude = models.FloatField(_("latitude du centre de la carte"), default=46.2)
    map_longitude = models.FloatField(_("longitude du centre de la carte"), default=2.9)
    map_zoom = models.PositiveSmallIntegerField(
        _("zoom de la carte"), default=13, validators=[MaxValueValidator(19)]
    )

    class Meta:
        verbose_name = _("dépôt de propositions")
        verbose_name_plural = _("dépôts de propositions")

    def __str__(self) -> str:
        return str(self.step)

    @property
    def file_rules(self) -> FileRules:
        return FileRules.parse(self.attachment_extensions, self.attachment_max_mb)

    @property
    def image_rules(self) -> FileRules:
        return FileRules.parse(",".join(IMAGE_EXTENSIONS), self.attachment_max_mb)


class Builtin(models.TextChoices):
    TITLE = "title", _("Titre")
    SUMMARY = "summary", _("Résumé")
    BODY = "body", _("Description")
    THEME = "theme", _("Thème")
    CATEGORY = "category", _("Catégorie")
    DISTRICT = "district", _("Quartier")
    ADDRESS = "address", _("Adresse et point sur la carte")
    COST = "cost", _("Coût estimé")
    ILLUSTRATION = "illustration", _("Illustration")
    ATTACHMENTS = "attachments", _("Pièces jointes")


class FormField(models.Model):
    """A built-in field of the proposal form, as the organiser set it for one step."""

    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="form_fields")
    key = models.CharField(_("champ"), max_length=20, choices=Builtin.choices)
    enabled = models.BooleanField(_("affiché"), default=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(
        _("intitulé"), max_length=250, blank=True, help_text=_("Vide : l'intitulé par défaut.")
    )
    help_text = models.CharField(_("aide"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("champ du formulaire")
        verbose_name_plural = _("champs du formulaire")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collect", "key"], name="collect_form_field_once")
        ]

    def __str__(self) -> str:
        return self.label or self.get_key_display()

    @property
    def display_label(self) -> str:
        return self.label or self.get_key_display()


class Question(AbstractQuestion):
    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="questions")

    class Meta(AbstractQuestion.Meta):
        verbose_name = _("question personnalisée")
        verbose_name_plural = _("questions personnalisées")


class Category(models.Model):
    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("nom"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.Model):
    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="statuses")
    name = models.CharField(_("nom"), max_length=60)
    colour = models.CharField(
        _("couleur"), max_length=7, default="#1f4e8c", validators=[colour_validator]
    )
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Un statut non public n'est vu que des organisateurs."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("statut")
        verbose_name_plural = _("statuts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


def _upload_path(prefix: str, filename: str) -> str:
    base, ext = os.path.splitext(os.path.basename(filename))
    return f"collect/{prefix}/{uuid.uuid4().hex}/{base[:80]}{ext.lower()[:10]}"


def upload_illustration(instance, filename: str) -> str:
    return _upload_path("illustrations", filename)


def upload_file(instance, filename: str) -> str:
    return _upload_path("files", filename)


class Proposal(Contribution):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Déposée")
        WITHDRAWN = "withdrawn", _("Retirée")

    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="proposals")
    number = models.PositiveIntegerField(_("numéro"))
    reference = models.CharField(_("référence"), max_length=20)
    state = models.CharField(
        _("état"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    title = models.CharField(_("titre"), max_length=limits.TITLE)
    summary = models.CharField(_("résumé"), max_length=limits.SUMMARY, blank=True)
    body = models.TextField(_("description"), blank=True)  # limits.BODY, checked by the form
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), null=True, blank=True, on_delete=models.SET_NULL
    )
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), null=True, blank=True, on_delete=models.SET_NULL
    )
    district = models.ForeignKey(
        District, verbose_name=_("quartier"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address = models.CharField(_("adresse"), max_length=limits.ADDRESS, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    cost = models.PositiveIntegerField(_("coût estimé (€)"), null=True, blank=True)
    illustration = models.ImageField(
        _("illustration"),
        upload_to=upload_illustration,
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    illustration_alt = models.CharField(
        _("description de l'illustration"), max_length=limits.IMAGE_ALT, blank=True
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    status = models.ForeignKey(
        ProposalStatus,
        verbose_name=_("statut"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    official_answer = models.TextField(_("réponse officielle"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["collect", "number"], name="proposal_number_unique"),
            models.UniqueConstraint(
                fields=["collect", "reference"], name="proposal_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["collect", "published", "state", "trashed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        step = self.collect.step
        return reverse("collect:proposal", args=[step.project.slug, step.slug, self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN

    @property
    def is_visible(self) -> bool:
        return self.published and not self.is_trashed and not self.is_withdrawn

    @property
    def public_status(self):
        status = self.status
        return status if status is not None and status.public else None

    @property
    def report_excerpt(self) -> str:
        text = self.summary or html.unescape(richtext.to_text(self.body))
        return f"{self.reference} {self.title} — {text[:200]}"

    @property
    def has_pin(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def comments_allowed(self) -> Decision:
        from . import permissions

        return permissions.comment(self)


class ProposalFile(models.Model):
    """An attachment, or the answer to a custom file question (``question`` set)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL)
    file = models.FileField(_("fichier"), upload_to=upload_file, max_length=250)
    name = models.CharField(_("nom"), max_length=250)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fichier joint")
        verbose_name_plural = _("fichiers joints")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """A proposal being written (new, or an edit of ``proposal``): what the author typed."""

    collect = models.ForeignKey(Collect, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collect_drafts"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    data = models.JSONField(_("contenu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("enregistré le"), auto_now=True)

    class Meta:
        verbose_name = _("brouillon")
        verbose_name_plural = _("brouillons")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        value = self.data.get("title")
        return (value if isinstance(value, str) else "").strip() or str(_("(sans titre)"))


class DraftFile(models.Model):
    """A file kept with a draft: ``field`` is ``illustration``, ``attachments`` or ``q_<id>``."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    field = models.CharField(max_length=30)
    file = models.FileField(upload_to=upload_file, max_length=250)
    name = models.CharField(max_length=250)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("fichier de brouillon")
        verbose_name_plural = _("fichiers de brouillon")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
