"""Template helpers of the consultation pages."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.participation.templatetags.participation import report_url

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


# kind -> the URL names of its « Utile » vote and of its edit page
_SMALL_VOTE_URLS = {
    "argument": ("consultation:argument_vote", "consultation:argument_edit"),
    "source": ("consultation:source_vote", "consultation:source_edit"),
}


@register.simple_tag(takes_context=True)
def small_vote_actions(context, obj, kind):
    """``{% small_vote_actions argument "argument" %}``: what goes under an argument or a
    source (``kind``): the « Utile » vote (a plain form, its count, pressed when one voted it)
    or the count alone, « Modifier » for its author while they may edit it, « Signaler » for
    the other participants.

    In Python for the same reason as ``byline``: an opinion's page shows sixty of them (40
    arguments, 20 sources), and as template code they cost two thirds of the page for a
    logged-in participant (a form, a CSRF token, two URLs and six translations each).
    """
    from ..permissions import contribution_edit

    vote_url, edit_url = _SMALL_VOTE_URLS[kind]
    this = _("cet argument") if kind == "argument" else _("cette source")
    request = context["request"]
    user = context.get("user") or request.user
    url_args = [context["project"].slug, context["step"].slug, obj.pk]
    here = request.get_full_path()
    if context.get("can_small_vote"):
        value = context.get("csrf_token")  # as {% csrf_token %} writes it
        csrf = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', value)
            if value and value != "NOTPROVIDED"
            else ""
        )
        voted = bool(getattr(obj, "my_vote", None))
        vote = format_html(
            '\n    <form method="post" action="{}">\n'
            '      {}<input type="hidden" name="next" value="{}#{}-{}">\n'
            '      <input type="hidden" name="on" value="{}">\n'
            '      <button type="submit" class="small-vote" aria-pressed="{}">{} '
            '<span class="small-vote__count">{}</span></button>\n'
            "    </form>\n    ",
            reverse(vote_url, args=url_args),
            csrf,
            here,
            kind,
            obj.pk,
            "0" if voted else "1",
            "true" if voted else "false",
            _("Utile"),
            localize(obj.votes_count),
        )
    else:
        n = obj.votes_count
        vote = format_html(
            '<span class="small-vote small-vote--static">{}</span>',
            _translated(ngettext("%(n)s vote « utile »", "%(n)s votes « utile »", n), n=n),
        )
    edit = report = ""
    if contribution_edit(user, obj):
        edit = format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            reverse(edit_url, args=url_args),
            _("Modifier"),
            this,
        )
    if user.is_authenticated and obj.author_id != user.pk:
        report = format_html(
            '<a class="report-link" href="{}">{}<span class="visually-hidden"> {}</span></a>',
            report_url(obj, here),
            _("Signaler"),
            this,
        )
    return format_html("\n    {}\n    {}\n    {}\n  ", vote, edit, report)


@register.simple_tag
def opinion_counts(opinion, section):
    """An opinion card's counts, those the section allows: « 12 arguments · 3 amendements ·
    1 source », as the card's three ``blocktranslate`` wrote them (same messages, same
    spacing), at a fraction of their cost on a section's page of twenty cards."""
    parts = []
    if section.allow_arguments:
        n = opinion.arguments_count
        parts.append(_translated(ngettext("%(n)s argument", "%(n)s arguments", n), n=n))
    parts.append("\n    ")
    if section.allow_versions:
        n = opinion.versions_count
        text = ngettext("%(n)s amendement", "%(n)s amendements", n)
        parts.append(format_html(" · {}", _translated(text, n=n)))
    parts.append("\n    ")
    if section.allow_sources:
        n = opinion.sources_count
        parts.append(
            format_html(" · {}", _translated(ngettext("%(n)s source", "%(n)s sources", n), n=n))
        )
    return format_html_join("", "{}", ((part,) for part in parts))


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
