from django import template

from .. import fragments, permissions
from ..formatting import euros as format_euros

register = template.Library()


@register.filter
def euros(value):
    """An amount in euros as the active language writes it ("12 400 €")."""
    return format_euros(value)


@register.filter
def item(mapping, key):
    """``mapping[key]`` or None (e.g. the participant's vote for a proposal)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def results_when(selection):
    """When the public sees the results, in words (``permissions.results_when``)."""
    return permissions.results_when(selection)


@register.filter
def points(selection, rank):
    """Points a ranked vote at ``rank`` earns in ``selection``."""
    return selection.points_for(rank)


@register.simple_tag(takes_context=True)
def vote_zone(context, proposal, where=None):
    """The proposal's vote zone (``fragments.vote_zone``) from the page's context: the
    participant's votes (``voted``), the step, the address to come back to (``here``), and
    in an htmx answer (``oob``) the refusal to show."""
    voted = context.get("voted") or {}
    refused = context.get("oob") and not context.get("status_ok")
    return fragments.vote_zone(
        proposal=proposal,
        selection=context["selection"],
        step=context["step"],
        project=context["project"],
        user=context["user"],
        vote=voted.get(proposal.pk),
        here=context.get("here", ""),
        where=where or context.get("where") or "list",
        csrf_token=context.get("csrf_token"),
        error=(context.get("status_message") or "") if refused else "",
    )


@register.simple_tag(takes_context=True)
def ballot_counter(context):
    """The ballot's counter (``fragments.ballot_counter``) for the context's ``state``."""
    return fragments.ballot_counter(
        selection=context["selection"], state=context["state"], user=context["user"]
    )
