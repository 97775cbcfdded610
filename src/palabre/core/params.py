"""What a request says, read once and the same way everywhere: ids, numbers, return URLs.

A request may carry anything: a number beyond the database's integer range (SQLite overflows,
PostgreSQL refuses it), digits ``str.isdigit()`` accepts and ``int()`` does not (``²``) or does
(``٣``), ``1e5``, a NUL byte. Views read ids, page numbers, seeds, filters and ``next`` URLs
through these functions: a value they do not accept is a 404 or an ignored filter, never a 500.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Primary keys are 64-bit signed integers (``BigAutoField``) on every supported database.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an integer if it is written in ASCII digits only (no sign, no space, no
    exponent) and lies between ``minimum`` and ``maximum``; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A primary key from the request (a URL, a query parameter, a form field, a cookie):
    a positive integer within the database's key range, else ``None``."""
    return parse_int(value, minimum=1)


def id_or_404(value) -> int:
    """``parse_id``, or a 404 for a value no row can have."""
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def parse_ids(values) -> list[int]:
    """The ids among ``values`` (a form's repeated field); the others are dropped."""
    return [pk for pk in (parse_id(v) for v in values) if pk is not None]


class IdConverter:
    """The ``<id:…>`` path converter: ASCII digits within the database's key range.

    ``<int:…>`` accepts any number of digits, so a 30-digit id reached the database; with this
    converter such a URL matches no route and answers 404."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        pk = parse_id(value)
        if pk is None:
            raise ValueError(value)  # no match: the resolver answers 404
        return pk

    def to_url(self, value) -> str:
        return str(value)


def local_url(request, value, default: str) -> str:
    """``value`` if it is a path on this site (``/…``, the only return URLs Palabre writes),
    else ``default``. Never a view name (``redirect("42")`` would look one up), never another
    host, never a NUL byte."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and "\x00" not in value
        and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure())
    ):
        return value
    return default


def redirect_back(request, fallback: str):
    """A redirect to the posted ``next`` when it is a path on this site, else to ``fallback``:
    where a vote form sends its author back (selection and consultation views)."""
    return redirect(local_url(request, request.POST.get("next"), fallback))


class NulCookieMiddleware:
    """A cookie holding a NUL character is ignored, as if absent: the session's, for one,
    would reach the database, and PostgreSQL refuses NUL in any text it compares. Listed
    before the session and language middlewares, the first to read cookies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if "\x00" in value]:
            del request.COOKIES[name]
        return self.get_response(request)


class NulRefusalMiddleware:
    """A NUL character in the address (path or query string) is refused with a 400: no link
    of Palabre has one, PostgreSQL refuses it in any text it compares, and every view and
    filter would otherwise have to be guarded against it. Listed right after the language
    middleware, so the refusal speaks the visitor's language, and before anything that reads
    the address (nothing before it does: the session reads its cookie, the language its cookie
    and the organisation). Form fields are left to the forms, which refuse NUL with a message
    beside the field and keep what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                _("Adresse de page invalide : elle contient un caractère nul."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
