"""The one rich-text sanitiser. User and organiser HTML is stored raw, cleaned on output."""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
TAG_RE = re.compile(r"<[a-zA-Z!/]")


def clean(html: str | None) -> SafeString:
    """Sanitised HTML, safe to render. Plain text without tags keeps its paragraphs."""
    if not html:
        return mark_safe("")  # noqa: S308 - empty string
    if not TAG_RE.search(html):
        return mark_safe(linebreaks(escape(html)))  # noqa: S308 - escaped above
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 (ammonia)


def to_text(html: str | None) -> str:
    """Plain text of a rich body, for summaries and exports."""
    if not html:
        return ""
    return nh3.clean(html, tags=set()).strip()
