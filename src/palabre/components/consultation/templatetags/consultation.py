"""Template helpers of the consultation pages."""

from django import template
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        created.isoformat(),  # what ``date:"c"`` gives, without the date-format machinery
        date_format(created, "j F Y"),
        edited,
    )


@register.simple_tag(takes_context=True)
def can_edit(context, obj):
    """``{% can_edit argument as editable %}``: whether the visitor may edit ``obj`` now
    (``permissions.contribution_edit``), for the « Modifier » link next to one's argument or
    source. No query: the rows of an opinion's page carry their parent, section and step."""
    from ..permissions import contribution_edit

    user = context.get("user") or context["request"].user
    return contribution_edit(user, obj)


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with ``param`` set to ``number``: paging one list of an
    opinion's page (arguments for, against, sources) keeps the others on their page."""
    query = context["request"].GET.copy()
    query[param] = number
    return query.urlencode()


@register.simple_tag
def vote_bars(obj, widget):
    """The vote figures of an opinion or amendment (one stacked bar and three figures for
    « d'accord / mitigé / pas d'accord », a count of supports for a simple vote).

    In Python for the same reason as ``byline``: a section's page shows twenty of them, and
    as an included template they cost three quarters of the page.
    """
    if widget == "agree":
        total = obj.votes_total
        bar = ""
        if total:
            # One stacked bar, drawn as three layered <progress> (no inline style: the CSP
            # forbids it).
            bar = format_html(
                '<div class="votebars__bar" aria-hidden="true">'
                '<progress class="bar bar--nok" max="{0}" value="{0}"></progress>'
                '<progress class="bar bar--mitigated" max="{0}" value="{1}"></progress>'
                '<progress class="bar bar--ok" max="{0}" value="{2}"></progress></div>',
                total,  # attribute values: plain integers, never localised ("4 026")
                obj.votes_ok + obj.votes_mitigated,
                obj.votes_ok,
            )
        figures = [
            ("vote-ok", _("D'accord : %(n)s (%(p)s %%)"), obj.votes_ok, obj.percent_ok),
            (
                "vote-mitigated",
                _("Mitigé : %(n)s (%(p)s %%)"),
                obj.votes_mitigated,
                obj.percent_mitigated,
            ),
            ("vote-nok", _("Pas d'accord : %(n)s (%(p)s %%)"), obj.votes_nok, obj.percent_nok),
        ]
        items = format_html_join(
            "",
            '<li class="{}">{}</li>',
            ((css, _translated(text, n=n, p=p)) for css, text, n, p in figures),
        )
        body = format_html('{}<ul class="votebars__figures" role="list">{}</ul>', bar, items)
    elif widget == "simple":
        n = obj.votes_ok
        body = format_html(
            '<p class="votebars__figures">{}</p>',
            _translated(ngettext("%(n)s soutien", "%(n)s soutiens", n), n=n),
        )
    else:
        body = ""
    return format_html('<div class="votebars">{}</div>', body)


def _translated(text: str, **values) -> str:
    """``text % values`` as ``blocktranslate`` renders it: the translation as is, the values
    localised and escaped."""
    escaped = {k: conditional_escape(localize(v)) for k, v in values.items()}
    return mark_safe(text % escaped)  # noqa: S308 - translated text, escaped values
