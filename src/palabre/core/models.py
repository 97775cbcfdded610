from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from palabre.core import limits

from . import phases

IMAGE_VALIDATORS = [FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"])]
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Saisissez une couleur au format #RRGGBB.")
)


class User(AbstractUser):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant·e")
        MODERATOR = "moderator", _("Modérateur·rice")
        ADMINISTRATOR = "administrator", _("Administrateur·rice")

    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(
        _("rôle"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    bio = models.TextField(_("courte biographie"), max_length=limits.BIO, blank=True)
    avatar = models.ImageField(
        _("avatar"), upload_to="avatars/", blank=True, validators=IMAGE_VALIDATORS
    )
    zip_code = models.CharField(
        _("code postal"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z -]{2,10}$", _("Saisissez un code postal valide."))
        ],
    )
    birth_date = models.DateField(
        _("date de naissance"),
        null=True,
        blank=True,
        help_text=_(
            "Demandée seulement par les étapes réservées à un âge minimal ; jamais publiée."
        ),
    )
    website = models.URLField(_("site web"), max_length=limits.WEBSITE, blank=True)
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"), null=True, blank=True)
    language = models.CharField(_("langue"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("profile", args=[self.username])

    @property
    def is_organiser(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMINISTRATOR)

    @property
    def is_moderator(self) -> bool:
        return self.is_organiser or (self.is_active and self.role == self.Role.MODERATOR)


class Organisation(models.Model):
    """The one organisation of a deployment (row pk=1)."""

    name = models.CharField(_("nom"), max_length=200, default="Palabre")
    tagline = models.CharField(_("accroche"), max_length=300, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="organisation/", blank=True, validators=IMAGE_VALIDATORS
    )
    primary_colour = models.CharField(
        _("couleur principale"), max_length=7, default="#1f4e8c", validators=[colour_validator]
    )
    secondary_colour = models.CharField(
        _("couleur secondaire"), max_length=7, default="#c2410c", validators=[colour_validator]
    )
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_address = models.TextField(_("adresse postale"), blank=True)
    default_language = models.CharField(
        _("langue par défaut"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def palette(self) -> dict:
        """Brand colours adjusted so that text on them and links keep WCAG AA contrast."""
        from . import colours

        primary = colours.button_background(self.primary_colour)
        secondary = colours.button_background(self.secondary_colour)
        return {
            "primary": primary,
            "on_primary": colours.text_on(primary),
            "primary_text": colours.readable_on_white(self.primary_colour),
            "secondary": secondary,
            "on_secondary": colours.text_on(secondary),
            "secondary_text": colours.readable_on_white(self.secondary_colour),
        }

    @classmethod
    def load(cls) -> Organisation:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Page(models.Model):
    """An editable page: legal notice, privacy policy, charter, or any other."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("Mentions légales")
        PRIVACY = "privacy", _("Politique de confidentialité")
        CHARTER = "charter", _("Charte de participation")
        OTHER = "other", _("Autre")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    body = models.TextField(
        _("contenu"), blank=True, help_text=_("HTML simple, nettoyé à l'affichage.")
    )
    in_footer = models.BooleanField(_("lien dans le pied de page"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~models.Q(kind="other"),
                name="page_one_per_legal_kind",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.slug])


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(
        _("couleur"), max_length=7, default="#1f4e8c", validators=[colour_validator]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("theme", args=[self.slug])


class District(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    geojson = models.JSONField(
        _("contour GeoJSON"), null=True, blank=True, help_text=_("Un polygone, facultatif.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("district", args=[self.slug])


class Project(models.Model):
    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Brouillon (organisateurs seulement)")
        PUBLIC = "public", _("Public")
        RESTRICTED = "restricted", _("Restreint aux personnes et groupes listés")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    summary = models.CharField(_("résumé"), max_length=400, blank=True)
    body = models.TextField(
        _("présentation"), blank=True, help_text=_("HTML simple, nettoyé à l'affichage.")
    )
    cover = models.ImageField(
        _("image de couverture"), upload_to="projects/", blank=True, validators=IMAGE_VALIDATORS
    )
    cover_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes"), blank=True, related_name="projects"
    )
    districts = models.ManyToManyField(
        District, verbose_name=_("quartiers"), blank=True, related_name="projects"
    )
    visibility = models.CharField(
        _("visibilité"), max_length=20, choices=Visibility.choices, default=Visibility.DRAFT
    )
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personnes autorisées"),
        blank=True,
        related_name="restricted_projects",
    )
    allowed_groups = models.ManyToManyField(
        Group, verbose_name=_("groupes autorisés"), blank=True, related_name="restricted_projects"
    )
    published_at = models.DateTimeField(
        _("publié le"),
        default=timezone.now,
        help_text=_("Le projet n'apparaît au public qu'à partir de cette date."),
    )
    position = models.IntegerField(_("ordre d'affichage"), default=0)
    # Cached from the steps (house rule 5), kept up to date by ``services.project_dates_refresh``.
    first_start = models.DateTimeField(_("début"), null=True, blank=True, editable=False)
    last_end = models.DateTimeField(_("fin"), null=True, blank=True, editable=False)
    open_ended = models.BooleanField(_("sans date de fin"), default=False, editable=False)
    step_count = models.PositiveIntegerField(_("étapes"), default=0, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["position", "-published_at", "id"]
        indexes = [
            models.Index(fields=["visibility", "published_at"]),
            # The lists' order: a page of cards reads 24 rows of it instead of sorting them all.
            models.Index(fields=["position", "-published_at", "id"], name="project_list_order"),
            models.Index(fields=["first_start"]),
            models.Index(fields=["last_end"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project", args=[self.slug])

    @cached_property
    def ordered_steps(self) -> list[Step]:
        return list(self.steps.all())

    @property
    def status(self) -> str:
        """From the first step's start and the last step's end (cached on the row)."""
        if not self.step_count:
            return ""
        return phases.status_between(self.first_start, None if self.open_ended else self.last_end)

    @property
    def status_label(self) -> str:
        return phases.STATUS_LABELS.get(self.status, "")

    @property
    def current_step(self) -> Step | None:
        steps = self.ordered_steps
        for step in steps:
            if step.status == phases.Status.OPEN:
                return step
        for step in steps:
            if step.status == phases.Status.UPCOMING:
                return step
        return steps[-1] if steps else None


class Step(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120)
    kind = models.CharField(_("type d'étape"), max_length=40)
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    body = models.TextField(
        _("présentation"), blank=True, help_text=_("HTML simple, nettoyé à l'affichage.")
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["project", "position", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="step_slug_unique_in_project"),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="step_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        # Several projects have a « Vote » step: wherever a step is named on its own (choices
        # and filters of the back office, the action log), it says which project it belongs to.
        # Lists that print steps select their project (``select_related("project")``).
        return f"{self.project.title} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("step", args=[self.project.slug, self.slug])

    @property
    def status(self) -> str:
        return phases.status_between(self.starts_at, self.ends_at)

    @property
    def status_label(self) -> str:
        return phases.STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status == phases.Status.OPEN

    @property
    def kind_spec(self):
        """The kind's ``StepKind`` from its component's manifest (``None``: not installed)."""
        from .components import step_kind

        return step_kind(self.kind)

    @property
    def kind_label(self) -> str:
        spec = self.kind_spec
        return spec.label if spec else self.kind


class ActionLog(models.Model):
    """What an organiser did that changed public content, for accountability."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type d'objet"), null=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(_("identifiant"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet"), max_length=250, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des actions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"
