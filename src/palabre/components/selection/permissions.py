"""Permissions of the selection step (house rule 6): one function per action, allowed + reason.

Views show the reason, services check the same functions inside their transaction.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palabre.core.permissions import ALLOWED, Decision
from palabre.participation import requirements as checks

from .models import ResultsVisibility, Selection, VoteType


def requirements_missing(user, selection: Selection, ballot=None) -> list[Decision]:
    """Every requirement the participant does not meet yet (each with its reason)."""
    if not user.is_authenticated:
        return [checks.logged_in(user)]
    found = []
    if selection.require_confirmed_email:
        found.append(checks.confirmed_email(user))
    codes = checks.parse_zip_codes(selection.zip_codes)
    if codes:
        area = selection.zip_area.name if selection.zip_area_id else ""
        found.append(checks.zip_code_in(user, codes, area=area))
    if selection.min_age:
        found.append(checks.minimum_age(user, selection.min_age))
    found.append(
        checks.rules_accepted(
            selection.rules, ballot.rules_accepted_at if ballot is not None else None
        )
    )
    return [decision for decision in found if not decision]


def vote(user, selection: Selection, ballot=None, *, requirements: bool = True) -> Decision:
    """May ``user`` vote in this step now? ``ballot``: theirs, if any (rules accepted…).

    ``requirements=False`` checks only the account and the dates (enough to take a vote
    back or to reorder one's ballot).
    """
    decision = checks.logged_in(user)
    if not decision:
        return decision
    if selection.vote_type == VoteType.NONE:
        return Decision(False, _("Cette étape ne comporte pas de vote."))
    decision = checks.step_open(selection.step)
    if not decision:
        if selection.step.status == "closed":
            return Decision(False, _("Le vote est terminé : il n'est plus possible de voter."))
        return Decision(False, _("Le vote n'est pas encore ouvert."))
    if not requirements:
        return ALLOWED
    missing = requirements_missing(user, selection, ballot)
    return missing[0] if missing else ALLOWED


def results_view(user, selection: Selection) -> Decision:
    """May ``user`` see the results (counts, ranking) of this step?"""
    if selection.vote_type == VoteType.NONE:
        return Decision(False, _("Cette étape ne comporte pas de vote."))
    if user.is_authenticated and user.is_organiser:
        return ALLOWED
    if selection.results_visibility == ResultsVisibility.LIVE or _results_due(selection):
        return ALLOWED
    return Decision(False, results_when(selection))


def results_when(selection: Selection) -> str:
    """When the public sees the results, as one translated sentence: the vote's rules and the
    « Résultats » tab both say it (written once, so the two never disagree), the date and time
    in words (« le 9 décembre 2026 à 17:00 »), and what is not known yet said as such."""
    visibility = selection.results_visibility
    if visibility == ResultsVisibility.LIVE:
        return gettext("Les résultats sont visibles en direct.")
    if visibility == ResultsVisibility.FROM_DATE:
        at = selection.results_at
        if at is None:
            return gettext("La date de publication des résultats n'est pas encore fixée.")
        if _results_due(selection):
            return gettext("Les résultats sont publiés depuis le %(date)s à %(time)s.") % _when(at)
        return gettext("Les résultats seront publiés le %(date)s à %(time)s.") % _when(at)
    if _results_due(selection):
        return gettext("Les résultats sont publiés : le vote est terminé.")
    ends_at = selection.step.ends_at
    if ends_at is None:
        return gettext("Les résultats seront publiés à la fin du vote.")
    return gettext("Les résultats seront publiés à la fin du vote, le %(date)s à %(time)s.") % (
        _when(ends_at)
    )


def _results_due(selection: Selection) -> bool:
    """Has the moment the results become public come (live results aside)?"""
    if selection.results_visibility == ResultsVisibility.FROM_DATE:
        at = selection.results_at
        return at is not None and timezone.now() >= at
    return selection.step.status == "closed"


def _when(moment) -> dict:
    """A moment in words, for a sentence: « 9 décembre 2026 » and « 17:00 »."""
    moment = timezone.localtime(moment)
    return {"date": date_format(moment, "DATE_FORMAT"), "time": time_format(moment, "TIME_FORMAT")}
