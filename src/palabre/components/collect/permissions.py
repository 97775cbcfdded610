"""Who may do what in a collect step (house rule 6): each returns allowed + reason."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palabre.core.permissions import ALLOWED, Decision
from palabre.participation import requirements as req


def proposal_create(user, collect) -> Decision:
    return req.all_of(req.logged_in(user), req.step_open(collect.step))


def proposal_edit(user, proposal) -> Decision:
    if not user.is_authenticated or proposal.author_id != user.pk:
        return Decision(False, _("Seul·e l'auteur·rice peut modifier sa proposition."))
    if proposal.is_trashed:
        return Decision(False, _("Une proposition modérée ne peut plus être modifiée."))
    if proposal.is_withdrawn:
        return Decision(False, _("Cette proposition a été retirée."))
    return req.step_open(proposal.collect.step)


def proposal_withdraw(user, proposal) -> Decision:
    return proposal_edit(user, proposal)


def proposal_view(user, proposal) -> Decision:
    """Published proposals are public; an unpublished one only to its author and organisers."""
    if proposal.published:
        return ALLOWED
    if user.is_authenticated and (user.pk == proposal.author_id or user.is_organiser):
        return ALLOWED
    return Decision(False, _("Cette proposition n'est pas publiée."))


def draft_edit(user, draft) -> Decision:
    if user.is_authenticated and draft.author_id == user.pk:
        return ALLOWED
    return Decision(False, _("Ce brouillon n'est pas le vôtre."))


def comment(proposal) -> Decision:
    """Comments on a proposal: while its step is open, unless it was withdrawn."""
    if proposal.is_withdrawn:
        return Decision(False, _("Cette proposition a été retirée : les commentaires sont clos."))
    step = proposal.collect.step
    if step.status == "closed":
        return Decision(False, _("L'étape est terminée : les commentaires sont clos."))
    return ALLOWED


def analyse(user) -> Decision:
    """Statuses, official answers, exports: organisers only."""
    if user.is_authenticated and user.is_organiser:
        return ALLOWED
    return Decision(False, _("Réservé aux organisateurs."))
