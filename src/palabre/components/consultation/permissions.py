"""Who may do what in a consultation (house rule 6): each returns allowed + reason.

Comments are the exception: ``participation`` asks the contribution itself
(``comments_allowed``, in ``models.py``), so that the models need not import this module.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palabre.core.permissions import ALLOWED, Decision
from palabre.participation import requirements as req

from .models import Argument, Section, Source, Version, VoteWidget, section_of


def _step(section: Section):
    return section.consultation.step


def contribute(user, section: Section) -> Decision:
    return req.all_of(req.logged_in(user), req.step_open(_step(section)))


def opinion_create(user, section: Section) -> Decision:
    decision = contribute(user, section)
    if not decision:
        return decision
    if section.authors == Section.Authors.ORGANISERS and not user.is_organiser:
        return Decision(
            False, _("Dans cette section, seuls les organisateurs proposent des textes.")
        )
    return ALLOWED


def _debatable(parent) -> Decision:
    """One answers only a published contribution that moderation has not hidden."""
    for obj in (parent, getattr(parent, "opinion", None)):
        if obj is not None and (not obj.published or obj.is_trashed):
            return Decision(False, _("Cette contribution n'est pas ouverte au débat."))
    return ALLOWED


def version_create(user, opinion) -> Decision:
    if not opinion.section.allow_versions:
        return Decision(False, _("Les amendements ne sont pas ouverts sur cette section."))
    return req.all_of(contribute(user, opinion.section), _debatable(opinion))


def argument_create(user, parent) -> Decision:
    section = section_of(parent)
    if not section.allow_arguments:
        return Decision(False, _("Les arguments ne sont pas ouverts sur cette section."))
    return req.all_of(contribute(user, section), _debatable(parent))


def source_create(user, parent) -> Decision:
    section = section_of(parent)
    if not section.allow_sources:
        return Decision(False, _("Les sources ne sont pas ouvertes sur cette section."))
    return req.all_of(contribute(user, section), _debatable(parent))


def contribution_author(user, obj) -> Decision:
    """Whether ``user`` wrote ``obj`` (an edit page refuses anyone else outright: 403)."""
    if not user.is_authenticated or obj.author_id != user.pk:
        return Decision(False, _("Seul·e l'auteur·rice peut modifier sa contribution."))
    return ALLOWED


def contribution_edit(user, obj) -> Decision:
    """The author edits an opinion, amendment, argument or source while the step is open,
    unless moderation hid it or what it answers."""
    decision = contribution_author(user, obj)
    if not decision:
        return decision
    if obj.is_trashed:
        return Decision(False, _("Une contribution modérée ne peut plus être modifiée."))
    parent = _parent_of(obj)
    if parent is not None and not (debatable := _debatable(parent)):
        return debatable
    return req.step_open(_step(section_of(obj)))


def vote(user, section: Section) -> Decision:
    if section.vote_widget == VoteWidget.NONE:
        return Decision(False, _("Le vote n'est pas ouvert sur cette section."))
    # The step first: once it is closed, that is the reason, whoever asks (a visitor is not
    # invited to log in to vote on a closed consultation).
    return req.all_of(req.step_open(_step(section)), req.confirmed_email(user))


def small_vote(user, parent) -> Decision:
    """Votes on arguments and sources ("utile"), under a parent still open to debate."""
    return req.all_of(
        req.confirmed_email(user), req.step_open(_step(section_of(parent))), _debatable(parent)
    )


def consultation_import(user) -> Decision:
    """Pasting a text as articles (the back office's import)."""
    if user.is_authenticated and user.is_organiser:
        return ALLOWED
    return Decision(False, _("Seuls les organisateurs importent un texte."))


def _parent_of(obj):
    """What a contribution answers: an amendment its opinion, an argument or a source its
    opinion or amendment; an opinion nothing."""
    if isinstance(obj, Version):
        return obj.opinion
    if isinstance(obj, (Argument, Source)):
        return obj.parent
    return None
