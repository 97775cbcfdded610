"""The vote zone of a proposal and the ballot's counter, written in Python.

Both are on every answer to a vote (the hottest request of a national vote: hundreds a
second), and the vote zone is repeated for each proposal of the list. Rendered by Django's
template engine they cost more than the vote's own SQL; here they are a few string joins.
The templates use them through ``{% vote_zone %}`` and ``{% ballot_counter %}``
(``templatetags/selection.py``): one implementation for the pages and the htmx answers.

Every value is escaped (``conditional_escape``); the only text not escaped is our own
translated messages, as ``{% blocktranslate %}`` does. Translatable strings stay out of
f-strings: ``makemessages`` does not look inside them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import euros


def _message(template: str, **values) -> str:
    """Our translated ``template`` with ``values`` escaped (``{% blocktranslate %}``)."""
    return template % {k: conditional_escape(localize(v)) for k, v in values.items()}


def _csrf_input(token) -> str:
    """What ``{% csrf_token %}`` writes for ``token`` (nothing without one)."""
    token = str(token) if token else ""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - the CSRF module's marker
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'


def vote_zone(
    *,
    proposal,
    selection,
    step,
    project,
    user,
    vote,
    here: str,
    where: str,
    csrf_token,
    error: str = "",
) -> SafeString:
    """A proposal's vote zone: the participant's vote, a refusal, the vote/unvote form.

    ``vote``: the participant's vote for this proposal, or None; ``error``: a refusal to show
    in the zone (an htmx answer), else empty.
    """
    pk = int(proposal.pk)
    parts = [f'<div class="vote-zone{" vote-zone--voted" if vote else ""}" id="vote-{pk}">']
    if vote:
        if selection.is_ranked:
            mine = _message(_("Votre choix n° %(rank)s"), rank=vote.rank)
        else:
            mine = _("Vous avez voté pour cette proposition")
        parts.append(f'\n  <p class="vote-zone__mine"><span aria-hidden="true">✓</span> {mine}</p>')
    if error:
        parts.append(
            f'\n  <p class="vote-zone__message vote-status__error">{conditional_escape(error)}</p>'
        )
    if selection.has_vote and step.is_open and user.is_authenticated:
        url = conditional_escape(reverse("selection:vote", args=[project.slug, step.slug, pk]))
        here = conditional_escape(here)
        title = conditional_escape(proposal.title)
        where = conditional_escape(where)
        if vote:
            action, label, style = "unvote", _("Retirer mon vote"), " button--secondary"
        else:
            action, label, style = "vote", _("Voter"), ""
        parts.append(
            f'\n  <form method="post" action="{url}" hx-post="{url}" hx-target="#vote-{pk}" '
            'hx-swap="outerHTML" class="vote-zone__form">\n    '
            f"{_csrf_input(csrf_token)}\n"
            f'    <input type="hidden" name="next" value="{here}#proposal-{pk}">\n'
            f'    <input type="hidden" name="here" value="{here}">\n'
            f'    <input type="hidden" name="where" value="{where}">\n'
            f'    <input type="hidden" name="action" value="{action}">\n'
            f'    <button type="submit" id="vote-button-{pk}" class="button button--small{style}">'
            f'{label}<span class="visually-hidden"> — {title}</span></button>\n  </form>'
        )
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def ballot_counter(*, selection, state, user) -> SafeString:
    """The ballot's counter: what remains (votes, budget) and whether the ballot counts."""
    if not user.is_authenticated:
        text = _("Connectez-vous pour voter.")
        return mark_safe(f'<p class="ballot-counter__main">{text}</p>')  # noqa: S308 - ours
    parts = []
    if selection.is_budget:
        text = _message(
            _("%(remaining)s restants sur %(budget)s"),
            remaining=euros(state.remaining_budget),
            budget=euros(selection.budget),
        )
        parts.append(f'<p class="ballot-counter__main">{text}</p>')
    if selection.votes_max is not None:
        n = state.remaining_votes
        text = _message(
            ngettext("%(n)s vote restant sur %(max)s", "%(n)s votes restants sur %(max)s", n),
            n=n,
            max=selection.votes_max,
        )
        kind = "detail" if selection.is_budget else "main"
        parts.append(f'<p class="ballot-counter__{kind}">{text}</p>')
    elif not selection.is_budget:
        n = state.count
        text = _message(
            ngettext(
                "Vous avez voté pour %(n)s proposition",
                "Vous avez voté pour %(n)s propositions",
                n,
            ),
            n=n,
        )
        parts.append(f'<p class="ballot-counter__main">{text}</p>')
    if selection.votes_min:
        missing = state.missing_for_minimum
        if missing:
            detail = _message(
                ngettext(
                    "il manque %(n)s vote (minimum %(min)s).",
                    "il manque %(n)s votes (minimum %(min)s).",
                    missing,
                ),
                n=missing,
                min=selection.votes_min,
            )
            label = _("Bulletin pas encore compté :")
            parts.append(
                f'<p class="ballot-counter__warning"><strong>{label}</strong> {detail}</p>'
            )
        elif not state.count:
            text = _message(
                ngettext(
                    "Votre bulletin est compté à partir de %(n)s vote.",
                    "Votre bulletin est compté à partir de %(n)s votes.",
                    selection.votes_min,
                ),
                n=selection.votes_min,
            )
            parts.append(f'<p class="ballot-counter__detail">{text}</p>')
        else:
            text = _("Votre bulletin est compté.")
            parts.append(f'<p class="ballot-counter__detail">{text}</p>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped
