"""Permissions of the core (house rule 6): one function per action, allowed + reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def project_view(user, project) -> Decision:
    if user.is_authenticated and user.is_organiser:
        return ALLOWED
    if project.visibility == project.Visibility.DRAFT:
        return Decision(False, _("Ce projet n'est pas encore publié."))
    if project.published_at and project.published_at > timezone.now():
        return Decision(False, _("Ce projet n'est pas encore publié."))
    if project.visibility == project.Visibility.RESTRICTED:
        if not user.is_authenticated:
            return Decision(
                False, _("Ce projet est réservé à certaines personnes : connectez-vous.")
            )
        if project.allowed_users.filter(pk=user.pk).exists():
            return ALLOWED
        if project.allowed_groups.filter(user=user).exists():
            return ALLOWED
        return Decision(False, _("Ce projet est réservé à certaines personnes."))
    return ALLOWED


def backoffice_access(user) -> Decision:
    if user.is_authenticated and user.is_moderator:
        return ALLOWED
    return Decision(False, _("Réservé aux organisateurs et modérateurs."))
