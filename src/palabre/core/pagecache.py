"""Whole-page cache for anonymous visitors.

Public pages are the same for every anonymous visitor in one language (no CSRF token, no
per-visitor content), so they are rendered once and served from the cache until either
the content changes (``bump()``, called by every service that changes public content) or
``PAGE_CACHE_SECONDS`` pass (step and project statuses derive from the clock).

With one process the local-memory cache is enough; with several processes, ``REDIS_URL``
shares both the pages and the version, so a change is visible everywhere at once. Without
Redis, another process may serve a page up to ``PAGE_CACHE_SECONDS`` old.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language


# The "pages" cache (settings: Redis when there is one, else each process's memory), never the
# shared "default" one, whose database table would cost a query for every page it saves.
# Looked up on each use through ``caches[...]`` (Django's public accessor: one cache object per
# thread, and the one a test's ``override_settings(CACHES=...)`` installs).
class _PagesCache:
    def __getattr__(self, name):
        return getattr(caches["pages"], name)


cache = _PagesCache()

VERSION_KEY = "pagecache:version"


def version() -> int:
    value = cache.get(VERSION_KEY)
    if value is None:
        value = 1
        cache.add(VERSION_KEY, value, None)
    return value


def bump() -> None:
    """Invalidate every cached page (content changed)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) <= 0:
        return False
    if request.user.is_authenticated:
        return False
    # A pending flash message (e.g. "you are logged out") makes the page personal.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _key(request, variant: str = "") -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:{version()}:{get_language()}:{variant}:{path}"


# ``variant(request) -> (part, cookies)``: a page that differs between anonymous visitors in a
# few known ways (the consultation's random order: one of a few seeds, kept in a cookie) is
# cached once per ``part``; ``cookies`` ({name: (value, set_cookie options)}) are set on the
# response, cached or not, after the body is stored (a new visitor receives their seed).
Variant = Callable[[HttpRequest], tuple[str, dict[str, tuple[str, dict]]]]


def anonymous_page_cache(view=None, *, variant: Variant | None = None):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            part, cookies = variant(request) if variant else ("", {})
            key = _key(request, part)
            hit = cache.get(key)
            if hit is not None:
                status, content_type, body = hit
                response = HttpResponse(body, status=status, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                patch_vary_headers(response, ("Cookie",))
            else:
                response = view(request, *args, **kwargs)
                if (
                    response.status_code == 200
                    and getattr(response, "page_cacheable", True)
                    and not response.streaming
                    and not response.cookies
                    and not response.has_header("Set-Cookie")
                ):
                    cache.set(
                        key,
                        (response.status_code, response["Content-Type"], response.content),
                        settings.PAGE_CACHE_SECONDS,
                    )
                    response["X-Page-Cache"] = "miss"
            for name, (value, options) in cookies.items():
                response.set_cookie(name, value, **options)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
