"""A consultation: a text under debate, in sections, with opinions, versions (amendments),
arguments for and against, sources, and votes."""

from __future__ import annotations

import html

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palabre.core import limits, richtext
from palabre.core.models import Step, colour_validator
from palabre.core.permissions import Decision
from palabre.participation import requirements as req
from palabre.participation.models import Contribution


class Consultation(models.Model):
    step = models.OneToOneField(
        Step, verbose_name=_("étape"), on_delete=models.CASCADE, related_name="consultation"
    )
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return str(self.step)


class VoteWidget(models.TextChoices):
    NONE = "none", _("Pas de vote")
    SIMPLE = "simple", _("Vote simple (« je soutiens »)")
    AGREE = "agree", _("D'accord / mitigé / pas d'accord")


class Sort(models.TextChoices):
    RANDOM = "random", _("Aléatoire")
    VOTES = "votes", _("Les plus votées")
    AGREE = "agree", _("Les plus d'accord")
    CONTROVERSIAL = "controversial", _("Les plus controversées")
    NEWEST = "newest", _("Les plus récentes")
    OLDEST = "oldest", _("Les plus anciennes")
    ARGUMENTS = "arguments", _("Les plus argumentées")


class Section(models.Model):
    class Authors(models.TextChoices):
        ORGANISERS = "organisers", _("Organisateurs seulement (ex. les articles d'un texte)")
        PARTICIPANTS = "participants", _("Participant·es")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("section parente"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120)
    body = models.TextField(_("description"), blank=True)
    authors = models.CharField(
        _("qui peut proposer"),
        max_length=20,
        choices=Authors.choices,
        default=Authors.PARTICIPANTS,
    )
    vote_widget = models.CharField(
        _("vote"), max_length=10, choices=VoteWidget.choices, default=VoteWidget.AGREE
    )
    allow_versions = models.BooleanField(_("amendements (versions) autorisés"), default=True)
    allow_arguments = models.BooleanField(_("arguments autorisés"), default=True)
    allow_sources = models.BooleanField(_("sources autorisées"), default=True)
    default_sort = models.CharField(
        _("tri par défaut"), max_length=20, choices=Sort.choices, default=Sort.RANDOM
    )
    colour = models.CharField(
        _("couleur"), max_length=7, default="#1f4e8c", validators=[colour_validator]
    )
    opinions_count = models.PositiveIntegerField(_("propositions"), default=0, editable=False)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["consultation", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "slug"], name="section_slug_unique_in_consultation"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        step = self.consultation.step
        return reverse("consultation:section", args=[step.project.slug, step.slug, self.slug])


# Amendments, arguments and sources are registered contributions (so reportable), but no page
# shows comments on them: they refuse comments, else comments were stored unseen, step open or
# not (``comments_allowed``, read by ``participation``'s comment permissions).
NO_COMMENTS = Decision(False, _("Ce contenu n'est pas ouvert aux commentaires."))


class VoteCounters(models.Model):
    """Cached counts of agree / mitigated / disagree votes (a cache of the vote rows)."""

    votes_ok = models.PositiveIntegerField(_("d'accord"), default=0, editable=False)
    votes_mitigated = models.PositiveIntegerField(_("mitigé"), default=0, editable=False)
    votes_nok = models.PositiveIntegerField(_("pas d'accord"), default=0, editable=False)
    arguments_for_count = models.PositiveIntegerField(default=0, editable=False)
    arguments_against_count = models.PositiveIntegerField(default=0, editable=False)
    sources_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def votes_total(self) -> int:
        return self.votes_ok + self.votes_mitigated + self.votes_nok

    def percent(self, count: int) -> int:
        total = self.votes_total
        return round(100 * count / total) if total else 0

    @property
    def percent_ok(self) -> int:
        return self.percent(self.votes_ok)

    @property
    def percent_mitigated(self) -> int:
        return self.percent(self.votes_mitigated)

    @property
    def percent_nok(self) -> int:
        return self.percent(self.votes_nok)

    @property
    def arguments_count(self) -> int:
        return self.arguments_for_count + self.arguments_against_count

    @property
    def report_excerpt(self) -> str:
        # ``to_text`` is HTML-escaped; templates escape again (else "&" showed as "&amp;").
        return f"{self.title} — {html.unescape(richtext.to_text(self.body))[:200]}"


class Opinion(Contribution, VoteCounters):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="opinions"
    )
    title = models.CharField(_("titre"), max_length=limits.TITLE)
    body = models.TextField(_("texte"))
    pinned = models.BooleanField(_("épinglée"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    versions_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["section", "position", "id"]
        indexes = [models.Index(fields=["section", "published", "trashed_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        step = self.section.consultation.step
        return reverse("consultation:opinion", args=[step.project.slug, step.slug, self.pk])

    def comments_allowed(self) -> Decision:
        """Read by ``participation``'s comment permissions: comments while the step is open."""
        return req.step_open(self.section.consultation.step)

    def recount_parents(self) -> None:
        with transaction.atomic():
            lock_row(Section, self.section_id)
            Section.objects.filter(pk=self.section_id).update(
                opinions_count=Opinion.objects.filter(
                    section_id=self.section_id, published=True
                ).count()
            )


class Version(Contribution, VoteCounters):
    """An amendment: a new body proposed for an opinion."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("proposition"), on_delete=models.CASCADE, related_name="versions"
    )
    title = models.CharField(_("titre"), max_length=limits.TITLE)
    body = models.TextField(_("nouveau texte"))
    explanation = models.TextField(_("exposé des motifs"), blank=True)

    class Meta:
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")
        ordering = ["opinion", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        step = self.opinion.section.consultation.step
        return reverse(
            "consultation:version", args=[step.project.slug, step.slug, self.opinion_id, self.pk]
        )

    def comments_allowed(self) -> Decision:
        return NO_COMMENTS

    def recount_parents(self) -> None:
        with transaction.atomic():
            lock_row(Opinion, self.opinion_id)
            Opinion.objects.filter(pk=self.opinion_id).update(
                versions_count=Version.objects.filter(
                    opinion_id=self.opinion_id, published=True
                ).count()
            )


class Argument(Contribution):
    class Kind(models.TextChoices):
        FOR = "for", _("Pour")
        AGAINST = "against", _("Contre")

    opinion = models.ForeignKey(
        Opinion, on_delete=models.CASCADE, related_name="arguments", null=True, blank=True
    )
    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, related_name="arguments", null=True, blank=True
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("argument"), max_length=limits.ARGUMENT)
    votes_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        ordering = ["-votes_count", "id"]
        indexes = [models.Index(fields=["opinion", "kind", "published"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(opinion__isnull=False, version__isnull=True)
                | Q(opinion__isnull=True, version__isnull=False),
                name="argument_on_opinion_xor_version",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def parent(self):
        return self.opinion if self.opinion_id else self.version

    @property
    def report_excerpt(self) -> str:
        return self.body[:200]

    def comments_allowed(self) -> Decision:
        return NO_COMMENTS

    def get_absolute_url(self) -> str:
        return f"{self.parent.get_absolute_url()}#argument-{self.pk}"

    def recount_parents(self) -> None:
        parent = self.parent
        rows = Argument.objects.filter(published=True, **{_parent_field(parent): parent.pk})
        with transaction.atomic():
            lock_row(type(parent), parent.pk)
            type(parent).objects.filter(pk=parent.pk).update(
                arguments_for_count=rows.filter(kind=Argument.Kind.FOR).count(),
                arguments_against_count=rows.filter(kind=Argument.Kind.AGAINST).count(),
            )


class Source(Contribution):
    class Category(models.TextChoices):
        STUDY = "study", _("Étude, rapport")
        LAW = "law", _("Texte juridique")
        PRESS = "press", _("Article de presse")
        DATA = "data", _("Données")
        OTHER = "other", _("Autre")

    opinion = models.ForeignKey(
        Opinion, on_delete=models.CASCADE, related_name="sources", null=True, blank=True
    )
    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, related_name="sources", null=True, blank=True
    )
    title = models.CharField(_("titre"), max_length=limits.TITLE)
    link = models.URLField(_("lien"), max_length=limits.LINK)
    category = models.CharField(_("catégorie"), max_length=10, choices=Category.choices)
    body = models.TextField(_("description"), max_length=limits.SOURCE_DESCRIPTION, blank=True)
    votes_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-votes_count", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opinion__isnull=False, version__isnull=True)
                | Q(opinion__isnull=True, version__isnull=False),
                name="source_on_opinion_xor_version",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def parent(self):
        return self.opinion if self.opinion_id else self.version

    @property
    def report_excerpt(self) -> str:
        return f"{self.title} — {self.link}"

    def comments_allowed(self) -> Decision:
        return NO_COMMENTS

    def get_absolute_url(self) -> str:
        return f"{self.parent.get_absolute_url()}#source-{self.pk}"

    def recount_parents(self) -> None:
        parent = self.parent
        with transaction.atomic():
            lock_row(type(parent), parent.pk)
            type(parent).objects.filter(pk=parent.pk).update(
                sources_count=Source.objects.filter(
                    published=True, **{_parent_field(parent): parent.pk}
                ).count()
            )


def lock_row(model, pk) -> None:
    """Lock a parent's row before recounting its children from their rows (rule 5).

    Under READ COMMITTED a count does not see the rows other transactions have not committed
    yet: two arguments posted at once each counted one, and the parent said 1 for 2 rows.
    Locked first, the second writer waits for the first to commit, then counts both.
    """
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def section_of(obj) -> Section:
    """The section of an opinion, an amendment, an argument or a source."""
    if isinstance(obj, Opinion):
        return obj.section
    if isinstance(obj, Version):
        return obj.opinion.section
    if isinstance(obj, (Argument, Source)):
        return section_of(obj.parent)
    raise TypeError(obj)


def _parent_field(parent) -> str:
    return "opinion_id" if isinstance(parent, Opinion) else "version_id"


class VoteValue(models.TextChoices):
    OK = "ok", _("D'accord")
    MITIGATED = "mitigated", _("Mitigé")
    NOK = "nok", _("Pas d'accord")


VALUE_FIELD = {
    VoteValue.OK: "votes_ok",
    VoteValue.MITIGATED: "votes_mitigated",
    VoteValue.NOK: "votes_nok",
}


class Vote(models.Model):
    """What the consultation's four kinds of vote share: one vote per account and target
    (``target_field``: the name of the subclass's foreign key, with its unique constraint).

    ``user`` is kept when the account is deleted (set to NULL): a closed step keeps its
    results (DESIGN.md); a step not closed has the votes withdrawn first, with their counts
    (``services.votes_withdraw_for_deleted_account``, the kind's account-deletion hook).
    """

    target_field: str  # the name of the foreign key to what is voted on

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user_id} → {self.serializable_value(self.target_field)}"


class ValueVote(Vote):
    """A vote with a value: d'accord, mitigé, pas d'accord (opinions and amendments)."""

    value = models.CharField(_("vote"), max_length=10, choices=VoteValue.choices)

    class Meta:
        abstract = True


class OpinionVote(ValueVote):
    target_field = "opinion"
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("vote sur une proposition")
        verbose_name_plural = _("votes sur les propositions")
        constraints = [
            models.UniqueConstraint(fields=["opinion", "user"], name="one_vote_per_opinion")
        ]


class VersionVote(ValueVote):
    target_field = "version"
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("vote sur un amendement")
        verbose_name_plural = _("votes sur les amendements")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_vote_per_version")
        ]


class ArgumentVote(Vote):
    target_field = "argument"
    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("vote sur un argument")
        verbose_name_plural = _("votes sur les arguments")
        constraints = [
            models.UniqueConstraint(fields=["argument", "user"], name="one_vote_per_argument")
        ]


class SourceVote(Vote):
    target_field = "source"
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("vote sur une source")
        verbose_name_plural = _("votes sur les sources")
        constraints = [
            models.UniqueConstraint(fields=["source", "user"], name="one_vote_per_source")
        ]
