from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def bound(form, name):
    """``form|bound:name``: the bound field called ``name``."""
    return form[name]


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def select_options(context, choices, current):
    """``{% select_options field.field.choices current %}``: the ``<option>`` elements of a
    filter, ``current`` selected, as the template loop wrote them (each value and label
    rendered as ``{{ value }}`` would), in one call: the list's filters have dozens of options,
    and a loop iteration with its ``if`` cost more than the option."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                render_value_in_context(value, context),
                mark_safe(" selected") if value == current else "",
                render_value_in_context(label, context),
            )
            for value, label in choices
        ),
    )


@register.simple_tag(takes_context=True)
def card_meta(context, proposal):
    """``{% card_meta proposal %}``: a proposal card's cost and number of comments
    (« 12 000 € · 3 commentaires »), as the card's two ``blocktranslate`` wrote it (same
    messages, values rendered as ``blocktranslate`` renders them), at a fraction of their cost
    on a list of cards."""
    comments = proposal.comment_count
    count = format_html(
        "<span>{}</span>",
        _interpolate(
            context,
            ngettext("%(n)s commentaire", "%(n)s commentaires", comments),
            n=comments,
        ),
    )
    if proposal.cost is None:
        return count
    cost = _interpolate(context, _("%(cost)s €"), cost=intcomma(proposal.cost))
    return format_html("<span>{}</span> · {}", cost, count)


def _interpolate(context, text: str, **values) -> str:
    """``text % values`` as ``blocktranslate`` renders it: the translation as is, each value
    rendered as a template variable (localised, escaped)."""
    rendered = {name: render_value_in_context(value, context) for name, value in values.items()}
    return mark_safe(text % rendered)  # noqa: S308 - translated text, values escaped
