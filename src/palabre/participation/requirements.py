"""Reusable participation requirements: each returns a Decision (allowed + reason)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from palabre.core.permissions import ALLOWED, Decision


def logged_in(user) -> Decision:
    if user.is_authenticated:
        return ALLOWED
    return Decision(False, _("Connectez-vous ou créez un compte pour participer."))


def has_confirmed_email(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_palabre_email_confirmed", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._palabre_email_confirmed = cached
    return cached


def confirmed_email(user) -> Decision:
    decision = logged_in(user)
    if not decision:
        return decision
    if has_confirmed_email(user):
        return ALLOWED
    return Decision(
        False,
        _("Confirmez votre adresse e-mail (lien reçu par e-mail) pour voter."),
    )


def step_open(step) -> Decision:
    if step.is_open:
        return ALLOWED
    if step.status == "upcoming":
        return Decision(False, _("Cette étape n'est pas encore ouverte."))
    return Decision(False, _("Cette étape est terminée : il n'est plus possible de participer."))


def all_of(*decisions: Decision) -> Decision:
    for decision in decisions:
        if not decision:
            return decision
    return ALLOWED
