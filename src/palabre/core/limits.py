"""How long what a participant writes may be: every limit, written once.

Models (the size of a column), forms (validation, help text) and services (the authority for
callers that bypass a form) read these numbers; no other module writes a text length.

What is counted is the text as the person typed it, in characters, never a truncated copy:
nothing is cut before it is checked, the message gives the real length, and a refused form
is shown again with everything that was typed. A line break counts once (browsers send a
textarea's line breaks as CRLF; the person sees one character, and so does a counter).

Rich text. A proposal's body accepts a few HTML tags typed by hand (``<strong>``, lists,
links): the limit applies to the raw text, markup included, because that is what the person
sees in the field and what is stored (text is stored raw, sanitised on output), and because
counting the visible text only would let markup grow without bound. A consultation body
(opinion, amendment) is typed as plain text and turned into paragraphs by ``plain_to_html``:
the form checks the typed text; the services, which receive that HTML, check its visible text
(``visible_length``), which is never longer than what was typed, so a service never refuses
what a form accepted.

The browser gets no ``maxlength``: browsers silently cut pasted text at ``maxlength``. The
limit is said in the help text and carried by ``data-maxlength`` for a counter.
"""

from __future__ import annotations

import html

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import ngettext

# Titles of every contribution kind (proposal, opinion, amendment, source).
TITLE = 200
# A proposal's summary.
SUMMARY = 500
# The body of a proposal, an opinion or an amendment.
BODY = 20_000
# An amendment's explanation (« exposé des motifs »).
EXPLANATION = 5_000
# An argument « pour » or « contre ».
ARGUMENT = 2_000
# A source: its link and its description.
LINK = 500
SOURCE_DESCRIPTION = 2_000
# A comment or a reply.
COMMENT = 5_000
# What a participant adds to a report.
REPORT_COMMENT = 2_000
# A proposal's address and the description of its illustration.
ADDRESS = 250
IMAGE_ALT = 250
# Answers to an organiser-built form: defaults, and the most an organiser may allow.
SHORT_ANSWER = 250
LONG_ANSWER = 10_000
ANSWER_MAX = BODY
# A profile's public fields (the public name: the column of Django's ``AbstractUser``).
USERNAME = 150
BIO = 1_000
WEBSITE = 200
ZIP_CODE = 10


def count(text: str | None) -> int:
    """The length of ``text`` as the person typed it (a CRLF line break counts once)."""
    return len((text or "").replace("\r\n", "\n"))


def visible_length(body_html: str | None) -> int:
    """The length of the visible text of an HTML body (tags dropped, entities decoded)."""
    from palabre.core import richtext

    return len(html.unescape(richtext.to_text(body_html)))


def version_body(original_html: str | None) -> int:
    """The limit of an amendment's body: it rewrites the whole text of an opinion, so it may
    be as long as ``BODY``, or as that text plus a quarter of ``BODY`` when it is longer (an
    organiser's text may exceed ``BODY``; its amendments must still fit)."""
    return max(BODY, visible_length(original_html) + BODY // 4)


def number(n: int) -> str:
    """``n`` with the active language's thousands separator (« 20 000 », "20,000")."""
    return formats.number_format(n, force_grouping=True)


def too_long(limit: int, length: int) -> str:
    """The message for a text of ``length`` characters over ``limit``."""
    return ngettext(
        "Ce texte est trop long : %(limit)s caractère au plus (actuellement %(length)s).",
        "Ce texte est trop long : %(limit)s caractères au plus (actuellement %(length)s).",
        limit,
    ) % {"limit": number(limit), "length": number(length)}


def check(text: str | None, limit: int, *, field: str | None = None, length=None) -> None:
    """Raise ``ValidationError`` (code ``max_length``) when ``text`` is over ``limit``;
    ``length`` measures it (``count`` by default; ``visible_length`` for HTML bodies)."""
    n = (length or count)(text)
    if n > limit:
        error = ValidationError(too_long(limit, n), code="max_length")
        raise ValidationError({field: error}) if field else error


def said(limit: int, help_text="") -> str:
    """``help_text`` followed by the limit (« 20 000 caractères au plus. »)."""
    sentence = ngettext("%(limit)s caractère au plus.", "%(limit)s caractères au plus.", limit) % {
        "limit": number(limit)
    }
    return f"{help_text} {sentence}" if help_text else sentence


stated = lazy(said, str)
"""``said``, in the language active when it is rendered (help texts of form fields)."""


@deconstructible
class MaxLength:
    """A validator: the text is at most ``limit`` characters, as typed (see ``count``)."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        check(value, self.limit)

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxLength) and other.limit == self.limit


class LimitedText(forms.CharField):
    """A text field checked on what was typed: never cut, its limit said in the help text.

    No ``maxlength`` attribute (browsers would cut a pasted text without a word); the limit
    rides in ``data-maxlength``. ``say_limit=False`` keeps the help text as given (the limit
    is still checked).
    """

    def __init__(self, *, limit: int, say_limit: bool = True, **kwargs):
        self.limit = limit
        if say_limit:
            kwargs["help_text"] = stated(limit, kwargs.get("help_text") or "")
        super().__init__(**kwargs)
        self.validators.append(MaxLength(limit))

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["data-maxlength"] = str(self.limit)
        return attrs
