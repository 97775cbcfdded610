"""The vote zone of a proposal and the ballot's counter, written with ``format_html``.

Both are on every answer to a vote (the hottest request of a national vote: hundreds a
second), and the vote zone is repeated for each proposal of the list. Rendered by Django's
template engine they cost more than the vote's own SQL; here they are a few ``format_html``
calls. The templates use them through ``{% vote_zone %}`` and ``{% ballot_counter %}``
(``templatetags/selection.py``): one implementation for the pages and the htmx answers.

``format_html`` escapes every value put into its template (what a participant typed, the
addresses, the CSRF token, and our translated messages alike); only the fragments it built
itself are inserted as they are. Translatable strings stay out of the templates:
``makemessages`` reads the ``gettext`` calls.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .formatting import euros


def _message(template: str, **values) -> str:
    """Our translated ``template`` (``%(name)s`` placeholders) with ``values`` localised: the
    text ``format_html`` then escapes as a whole."""
    return template % {k: localize(v) for k, v in values.items()}


def _csrf_input(token) -> SafeString:
    """What ``{% csrf_token %}`` writes for ``token`` (nothing without one)."""
    token = str(token) if token else ""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - the CSRF module's marker
        return _EMPTY
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


_EMPTY = SafeString()

# The zone's form, to vote or to take the vote back: its fixed parts written in each template,
# the values put in (and escaped) by ``format_html``.
_FORM = (
    '\n  <form method="post" action="{url}" hx-post="{url}" hx-target="#vote-{pk}" '
    'hx-swap="outerHTML" class="vote-zone__form">\n    '
    "{csrf}\n"
    '    <input type="hidden" name="next" value="{here}#proposal-{pk}">\n'
    '    <input type="hidden" name="here" value="{here}">\n'
    '    <input type="hidden" name="where" value="{where}">\n'
    '    <input type="hidden" name="action" value="%s">\n'
    '    <button type="submit" id="vote-button-{pk}" class="button button--small%s">'
    '{label}<span class="visually-hidden"> — {title}</span></button>\n  </form>'
)
_VOTE_FORM = _FORM % ("vote", "")
_UNVOTE_FORM = _FORM % ("unvote", " button--secondary")
_ZONE = '<div class="vote-zone" id="vote-{}">{}{}{}\n</div>'
_VOTED_ZONE = '<div class="vote-zone vote-zone--voted" id="vote-{}">{}{}{}\n</div>'


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
    mine = form = message = _EMPTY
    if vote:
        if selection.is_ranked:
            text = _message(_("Votre choix n° %(rank)s"), rank=vote.rank)
        else:
            text = _("Vous avez voté pour cette proposition")
        mine = format_html(
            '\n  <p class="vote-zone__mine"><span aria-hidden="true">✓</span> {}</p>', text
        )
    if error:
        message = format_html('\n  <p class="vote-zone__message vote-status__error">{}</p>', error)
    if selection.has_vote and step.is_open and user.is_authenticated:
        form = format_html(
            _UNVOTE_FORM if vote else _VOTE_FORM,
            url=reverse("selection:vote", args=[project.slug, step.slug, pk]),
            pk=pk,
            csrf=_csrf_input(csrf_token),
            here=here,
            where=where,
            label=_("Retirer mon vote") if vote else _("Voter"),
            title=proposal.title,
        )
    return format_html(_VOTED_ZONE if vote else _ZONE, pk, mine, message, form)


def ballot_counter(*, selection, state, user) -> SafeString:
    """The ballot's counter: what remains (votes, budget) and whether the ballot counts."""
    if not user.is_authenticated:
        return format_html(
            '<p class="ballot-counter__main">{}</p>', _("Connectez-vous pour voter.")
        )
    parts = []  # (class, text), each a paragraph
    if selection.is_budget:
        text = _message(
            _("%(remaining)s restants sur %(budget)s"),
            remaining=euros(state.remaining_budget),
            budget=euros(selection.budget),
        )
        parts.append(("main", text))
    if selection.votes_max is not None:
        n = state.remaining_votes
        text = _message(
            ngettext("%(n)s vote restant sur %(max)s", "%(n)s votes restants sur %(max)s", n),
            n=n,
            max=selection.votes_max,
        )
        parts.append(("detail" if selection.is_budget else "main", text))
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
        parts.append(("main", text))
    warning = ""
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
            warning = format_html(
                '<p class="ballot-counter__warning"><strong>{}</strong> {}</p>',
                _("Bulletin pas encore compté :"),
                detail,
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
            parts.append(("detail", text))
        else:
            parts.append(("detail", _("Votre bulletin est compté.")))
    paragraphs = format_html_join("\n", '<p class="ballot-counter__{}">{}</p>', parts)
    if warning:
        return format_html("{}\n{}", paragraphs, warning) if parts else warning
    return paragraphs
