"""Reusable participation requirements: each returns a Decision (allowed + reason)."""

from __future__ import annotations

import datetime as dt
import re

from allauth.account.models import EmailAddress
from django.utils import timezone
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


def parse_zip_codes(text: str) -> list[str]:
    """An organiser's list of zip codes ("75001, 75002 69*"), upper-cased, without repeats."""
    codes = [code.strip().upper() for code in re.split(r"[\s,;]+", text or "")]
    return list(dict.fromkeys(code for code in codes if code))


def zip_code_matches(zip_code: str, codes: list[str]) -> bool:
    """Whether ``zip_code`` is one of ``codes``; a code ending in ``*`` is a prefix."""
    value = (zip_code or "").strip().upper().replace(" ", "")
    if not value:
        return False
    for code in codes:
        if code.endswith("*") and value.startswith(code[:-1]):
            return True
        if value == code:
            return True
    return False


def zip_code_in(user, codes: list[str], *, area: str = "") -> Decision:
    """The participant's zip code is in ``codes`` (e.g. the zip codes of a district)."""
    decision = logged_in(user)
    if not decision or not codes:
        return decision
    if not (user.zip_code or "").strip():
        return Decision(False, _("Indiquez votre code postal pour participer."))
    if zip_code_matches(user.zip_code, codes):
        return ALLOWED
    if area:
        return Decision(
            False,
            _(
                "Cette étape est réservée aux habitant·es de %(area)s : votre code postal "
                "%(zip)s n'en fait pas partie."
            )
            % {"area": area, "zip": user.zip_code},
        )
    return Decision(
        False,
        _("Votre code postal %(zip)s ne fait pas partie de ceux acceptés pour cette étape.")
        % {"zip": user.zip_code},
    )


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def minimum_age(user, years: int | None, *, on: dt.date | None = None) -> Decision:
    """The participant is at least ``years`` old on ``on`` (today by default)."""
    decision = logged_in(user)
    if not decision or not years:
        return decision
    birth_date = getattr(user, "birth_date", None)
    if birth_date is None:
        return Decision(False, _("Indiquez votre date de naissance pour participer."))
    if age_on(birth_date, on or timezone.localdate()) >= years:
        return ALLOWED
    return Decision(
        False, _("Cette étape est réservée aux personnes d'au moins %(n)s ans.") % {"n": years}
    )


def rules_accepted(rules: str, accepted_at) -> Decision:
    """The step's rules, when it has any, were accepted (``accepted_at`` is when)."""
    if not (rules or "").strip() or accepted_at is not None:
        return ALLOWED
    return Decision(False, _("Acceptez le règlement de l'étape pour participer."))


def all_of(*decisions: Decision) -> Decision:
    for decision in decisions:
        if not decision:
            return decision
    return ALLOWED
