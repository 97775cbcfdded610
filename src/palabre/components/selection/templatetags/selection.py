from django import template

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
def points(selection, rank):
    """Points a ranked vote at ``rank`` earns in ``selection``."""
    return selection.points_for(rank)
