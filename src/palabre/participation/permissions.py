"""Who may comment and follow (house rule 6): each function returns allowed + reason.

A target may refuse comments by defining ``comments_allowed() -> Decision`` (for instance
when its step is closed). Comments of an account whose email address is not confirmed yet
are accepted and kept unpublished until the confirmation, like every contribution.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palabre.core.permissions import ALLOWED, Decision

from . import requirements as req


def _open_target(target) -> Decision:
    """One comments only a published contribution that moderation has not hidden."""
    if getattr(target, "published", True) is False or getattr(target, "trashed_at", None):
        return Decision(False, _("Ce contenu n'est pas ouvert aux commentaires."))
    allowed = getattr(target, "comments_allowed", None)
    if allowed is not None:
        decision = allowed()
        if not decision:
            return decision
    return ALLOWED


def comment_view(target) -> Decision:
    """Whether the comment form is offered at all, whoever looks."""
    return _open_target(target)


def comment_create(user, target, parent=None) -> Decision:
    decision = req.all_of(req.logged_in(user), _open_target(target))
    if not decision or parent is None:
        return decision
    if (parent.content_type_id, parent.object_id) != (
        _content_type_id(target),
        target.pk,
    ):
        return Decision(False, _("Ce commentaire ne se rapporte pas à ce contenu."))
    if not parent.published or parent.is_trashed:
        return Decision(False, _("On ne peut pas répondre à ce commentaire."))
    return ALLOWED


def comment_edit(user, comment) -> Decision:
    if not user.is_authenticated or comment.author_id != user.pk:
        return Decision(False, _("Seul·e l'auteur·rice peut modifier son commentaire."))
    if comment.is_trashed:
        return Decision(False, _("Un commentaire modéré ne peut plus être modifié."))
    target = comment.target
    if target is None:
        return Decision(False, _("Ce contenu n'est pas ouvert aux commentaires."))
    return _open_target(target)


def follow(user, target) -> Decision:
    decision = req.logged_in(user)
    if not decision:
        return Decision(False, _("Connectez-vous ou créez un compte pour suivre ce contenu."))
    if getattr(target, "published", True) is False or getattr(target, "trashed_at", None):
        return Decision(False, _("Ce contenu ne peut pas être suivi."))
    return ALLOWED


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
