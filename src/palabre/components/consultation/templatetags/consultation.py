"""Template helpers of the consultation pages."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def byline(obj):
    """A contribution's author and date: « camille, 3 mars 2027 · modifié ».

    In Python rather than an included template: an opinion's page shows dozens of them
    (arguments, sources, amendments), and an include cost more than the rest of an argument.
    """
    author = obj.author
    if author is not None and author.is_active:
        who = format_html('<a href="{}">{}</a>', author.get_absolute_url(), author.username)
    else:
        who = _("Compte supprimé")
    created = localtime(obj.created_at)
    edited = (
        format_html(' · <span class="badge">{}</span>', _("modifié"))
        if obj.edited_after_votes
        else ""
    )
    return format_html(
        '<span class="byline">{}, <time datetime="{}">{}</time>{}</span>',
        who,
        date_format(created, "c"),
        date_format(created, "j F Y"),
        edited,
    )


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with ``param`` set to ``number``: paging one list of an
    opinion's page (arguments for, against, sources) keeps the others on their page."""
    query = context["request"].GET.copy()
    query[param] = number
    return query.urlencode()
