from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .. import richtext

register = template.Library()


@register.filter
def rich(value):
    """Render stored HTML through the sanitiser (never ``|safe``)."""
    return richtext.clean(value)


@register.simple_tag(takes_context=True)
def active(context, url_name, *args):
    """``aria-current="page"`` when the current page is ``url_name``."""
    request = context.get("request")
    try:
        url = reverse(url_name, args=args)
    except NoReverseMatch:
        return ""
    if request is not None and request.path == url:
        return "page"
    return ""


@register.filter
def status_class(status):
    return {"open": "badge--open", "upcoming": "badge--upcoming", "closed": "badge--closed"}.get(
        status, ""
    )


@register.simple_tag
def page_title(*parts):
    return " · ".join(str(p) for p in parts if p) or _("Palabre")


@register.simple_tag
def account_tabs():
    from palabre.core import settings_tabs

    return settings_tabs.tabs()
