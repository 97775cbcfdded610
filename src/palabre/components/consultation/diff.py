"""A readable word-level diff between an opinion's text and an amendment."""

from __future__ import annotations

import difflib
import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from palabre.core import richtext

TOKEN = re.compile(r"\s+|[^\s]+")


def _blocks(body: str) -> str:
    """Plain text (entities decoded) with paragraph breaks kept as blank lines."""
    text = re.sub(r"(?i)</(p|li|h[2-4]|blockquote)>|<br\s*/?>", "\n\n", body or "")
    # ``to_text`` returns HTML-escaped text; decode it, since every piece is escaped once
    # below (else "&" showed as "&amp;" and "<" as "&lt;" in the diff).
    text = html.unescape(richtext.to_text(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def word_diff(before_html: str, after_html: str) -> SafeString:
    before = TOKEN.findall(_blocks(before_html))
    after = TOKEN.findall(_blocks(after_html))
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    # Rendered in an element with ``white-space: pre-wrap``: line breaks stay visible and no
    # <del>/<ins> ever straddles a paragraph tag.
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
