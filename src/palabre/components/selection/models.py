"""A selection step: participants vote on the proposals of a collect step.

``Selection`` holds the step's vote rules. ``SelectionProposal`` is a proposal taking part in
the vote, with its cached counts (votes and points from *counted* ballots). A participant has at
most one ``Ballot`` per step (the row locked by every vote), holding ``Vote`` rows: one per
proposal (a database constraint), ranked 1..n for ranked votes, with the proposal's cost as it
was when the vote was cast (so that what a ballot spent is the sum of its rows).

A ballot with fewer votes than the step's minimum is kept but not *counted*: its votes add
nothing to the proposals' counts until it reaches the minimum.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.models import District, Step


class VoteType(models.TextChoices):
    NONE = "none", _("Pas de vote")
    SIMPLE = "simple", _("Vote simple (un vote par proposition)")
    BUDGET = "budget", _("Vote budgétaire (les projets choisis tiennent dans un budget)")
    RANKED = "ranked", _("Vote classé (le rang 1 rapporte N points, le rang N un point)")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("En direct, pendant le vote")
    AFTER_END = "end", _("Cachés jusqu'à la fin de l'étape")
    FROM_DATE = "date", _("Secrets jusqu'à une date choisie")


class ProposalsFrom(models.TextChoices):
    ALL = "all", _("Toutes les propositions publiées du dépôt")
    CHOSEN = "chosen", _("Les propositions sélectionnées par les organisateurs")


# Fields whose change would alter the ballots already counted: refused once a vote exists.
LOCKED_FIELDS = ("collect", "proposals_from", "vote_type", "votes_max", "votes_min", "budget")


class Selection(models.Model):
    step = models.OneToOneField(
        Step, verbose_name=_("étape"), on_delete=models.CASCADE, related_name="selection"
    )
    collect = models.ForeignKey(
        "collect.Collect",
        verbose_name=_("dépôt d'où viennent les propositions"),
        on_delete=models.PROTECT,
        related_name="selections",
    )
    proposals_from = models.CharField(
        _("propositions soumises au vote"),
        max_length=10,
        choices=ProposalsFrom.choices,
        default=ProposalsFrom.ALL,
    )
    intro = models.TextField(_("introduction"), blank=True)
    vote_type = models.CharField(
        _("type de vote"), max_length=10, choices=VoteType.choices, default=VoteType.SIMPLE
    )
    votes_max = models.PositiveIntegerField(
        _("nombre maximal de votes par participant·e"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite. Pour un vote classé, le nombre N de rangs."),
    )
    votes_min = models.PositiveIntegerField(
        _("nombre minimal de votes par participant·e"),
        default=0,
        help_text=_("Un bulletin en dessous du minimum est conservé mais pas compté."),
    )
    budget = models.PositiveBigIntegerField(
        _("budget (€)"), null=True, blank=True, help_text=_("Pour un vote budgétaire.")
    )
    threshold = models.PositiveIntegerField(
        _("seuil de qualification (votes)"),
        null=True,
        blank=True,
        help_text=_("Une proposition qui atteint ce nombre de votes est qualifiée."),
    )
    results_visibility = models.CharField(
        _("visibilité des résultats"),
        max_length=10,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_END,
    )
    results_at = models.DateTimeField(
        _("résultats publiés le"),
        null=True,
        blank=True,
        help_text=_("Pour des résultats secrets jusqu'à une date."),
    )
    anonymous_allowed = models.BooleanField(
        _("vote anonyme possible"),
        default=False,
        help_text=_("Une personne qui vote anonymement n'apparaît jamais publiquement."),
    )
    # Requirements (participation.requirements): an account is always needed.
    require_confirmed_email = models.BooleanField(_("adresse e-mail confirmée"), default=True)
    zip_codes = models.TextField(
        _("codes postaux acceptés"),
        blank=True,
        help_text=_(
            "Séparés par des virgules ou des espaces ; « 75* » accepte tous les codes "
            "commençant par 75. Vide : aucune condition."
        ),
    )
    zip_area = models.ForeignKey(
        District,
        verbose_name=_("quartier ou zone de ces codes postaux"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Nommé dans le message aux personnes dont le code postal n'est pas accepté."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("âge minimal"), null=True, blank=True, help_text=_("Demande la date de naissance.")
    )
    rules = models.TextField(
        _("règlement du vote"),
        blank=True,
        help_text=_("Texte simple. S'il est rempli, il faut l'accepter pour voter."),
    )

    class Meta:
        verbose_name = _("vote sur des propositions")
        verbose_name_plural = _("votes sur des propositions")

    def __str__(self) -> str:
        return str(self.step)

    def get_absolute_url(self) -> str:
        return self.step.get_absolute_url()

    @property
    def is_ranked(self) -> bool:
        return self.vote_type == VoteType.RANKED

    @property
    def is_budget(self) -> bool:
        return self.vote_type == VoteType.BUDGET

    @property
    def has_vote(self) -> bool:
        return self.vote_type != VoteType.NONE

    def points_for(self, rank: int | None) -> int:
        """Rank 1 earns N points, rank N one point; 0 for unranked votes."""
        if not self.is_ranked or not rank or not self.votes_max:
            return 0
        return max(self.votes_max + 1 - rank, 0)

    def counts(self, votes_count: int) -> bool:
        """Whether a ballot of ``votes_count`` votes is counted (the minimum is reached): the
        one place this rule is written (house rule 11)."""
        return votes_count >= self.votes_min

    def candidates(self):
        """The proposals taking part in this vote, as a queryset of ``collect.Proposal``: the
        one place that says which they are (house rule 11). The published, not trashed,
        submitted proposals of the step's collect; only those the organisers put in the vote
        when it takes the chosen ones. (The vote path's SQL repeats it in one statement,
        ``services._rules_statement``; a test proves both agree over every combination.)"""
        from palabre.components.collect.models import Proposal

        rows = Proposal.objects.filter(
            collect_id=self.collect_id,
            published=True,
            trashed_at__isnull=True,
            state=Proposal.State.SUBMITTED,
        )
        if self.proposals_from == ProposalsFrom.CHOSEN:
            chosen = SelectionProposal.objects.filter(selection_id=self.pk, proposal=OuterRef("pk"))
            rows = rows.filter(Exists(chosen))
        return rows

    def votes_exist(self) -> bool:
        return self.pk is not None and Vote.objects.filter(ballot__selection_id=self.pk).exists()

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.vote_type == VoteType.RANKED and not self.votes_max:
            errors.setdefault("votes_max", []).append(
                _("Un vote classé demande le nombre N de rangs (nombre maximal de votes).")
            )
        if self.vote_type == VoteType.BUDGET and not self.budget:
            errors.setdefault("budget", []).append(_("Un vote budgétaire demande un budget."))
        if self.votes_max is not None and self.votes_min > self.votes_max:
            errors.setdefault("votes_min", []).append(
                _("Le minimum ne peut pas dépasser le maximum.")
            )
        if self.results_visibility == ResultsVisibility.FROM_DATE and not self.results_at:
            errors.setdefault("results_at", []).append(
                _("Indiquez la date de publication des résultats.")
            )
        if self.step_id and self.step.kind != "selection":
            errors.setdefault("step", []).append(_("Choisissez une étape de type « Vote »."))
        errors_locked = self.locked_changes()
        for name, message in errors_locked.items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def locked_changes(self) -> dict[str, str]:
        """Rule changes refused because votes exist: {field: explanation}."""
        if self.pk is None:
            return {}
        stored = Selection.objects.filter(pk=self.pk).first()
        if stored is None:
            return {}
        changed = [f for f in LOCKED_FIELDS if getattr(stored, f) != getattr(self, f)]
        # Turning anonymity off would expose those who voted anonymously.
        if stored.anonymous_allowed and not self.anonymous_allowed:
            changed.append("anonymous_allowed")
        if not changed or not self.votes_exist():
            return {}
        message = _(
            "Des votes ont déjà été exprimés : changer cette règle modifierait les bulletins "
            "déjà comptés. Elle ne peut plus changer (le texte de présentation, le seuil et "
            "la date des résultats restent modifiables)."
        )
        return {name: message for name in changed}


class SelectionProposal(models.Model):
    """A proposal in a selection step, with its cached counts (house rule 5)."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="entries"
    )
    proposal = models.ForeignKey(
        "collect.Proposal",
        verbose_name=_("proposition"),
        on_delete=models.CASCADE,
        related_name="selection_entries",
    )
    # Caches of the Vote rows of counted ballots.
    votes_count = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    points = models.PositiveIntegerField(_("points"), default=0, editable=False)
    added_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("proposition soumise au vote")
        verbose_name_plural = _("propositions soumises au vote")
        ordering = ["selection", "proposal"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "proposal"], name="selection_proposal_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.proposal)


class Ballot(models.Model):
    """A participant's ballot in one step: the row locked by every vote of theirs."""

    selection = models.ForeignKey(
        Selection, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots"
    )
    # SET_NULL: a deleted account's ballot in a closed step keeps the results it made.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant·e"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="selection_ballots",
    )
    anonymous = models.BooleanField(_("vote anonyme"), default=False)
    # Caches of the ballot's Vote rows.
    votes_count = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    spent = models.PositiveBigIntegerField(_("montant choisi (€)"), default=0, editable=False)
    counted = models.BooleanField(_("compté"), default=True, editable=False)
    rules_accepted_at = models.DateTimeField(_("règlement accepté le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["selection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "user"], name="ballot_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.selection} · #{self.pk}"


class Vote(models.Model):
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("bulletin"), on_delete=models.CASCADE, related_name="votes"
    )
    proposal = models.ForeignKey(
        "collect.Proposal",
        verbose_name=_("proposition"),
        on_delete=models.PROTECT,
        related_name="selection_votes",
    )
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)
    cost = models.PositiveIntegerField(_("coût au moment du vote (€)"), default=0)
    created_at = models.DateTimeField(_("voté le"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["ballot", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="vote_once_per_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} → {self.proposal_id}"


# What the step's page shows around the vote, not a rule of it. Every other field of
# ``Selection`` is a rule of the vote (``rule_fields``), read fresh by each vote inside its
# transaction (the endpoints keep a step's settings a few seconds): a field added to the model
# is a rule unless named here, so none can be read stale by omission.
NOT_RULES = frozenset({"id", "step", "intro"})


@functools.cache
def rule_fields() -> tuple[models.Field, ...]:
    """The vote's rule fields, from the model (``_meta.get_fields``, once the models are
    loaded): every column of ``Selection`` but ``NOT_RULES``."""
    return tuple(f for f in Selection._meta.get_fields() if f.concrete and f.name not in NOT_RULES)


@functools.cache
def ballot_fields() -> tuple[models.Field, ...]:
    """A ballot as the vote path reads it: every column, in the model's order
    (``Ballot.from_db``)."""
    return tuple(f for f in Ballot._meta.get_fields() if f.concrete)


def selection_url(step: Step, name: str, *args) -> str:
    return reverse(f"selection:{name}", args=[step.project.slug, step.slug, *args])
