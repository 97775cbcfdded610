"""The health check, ``/healthz``: 200 when the database answers, else 503 within seconds.

``HealthCheckMiddleware`` answers it first, before the other middleware: a probe must not
depend on sessions, on the organisation the locale middleware reads (a query, which would
wait on a stalled database before any check could time out), nor on the host it is sent to.

The database is asked on a connection of its own, opened with a short connect timeout and a
short statement timeout: the request thread's persistent connection may be the very one
waiting on a stalled server, and a server that does not answer at all (its processes stopped,
its machine frozen) is only found by the client's connect timeout. One connection per probe
(a few milliseconds on PostgreSQL): load balancers probe every few seconds, not per request.
"""

from __future__ import annotations

from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.utils import timezone

# Seconds a probe waits for the database: libpq's shortest connect timeout (2 s).
HEALTH_TIMEOUT = 2


def database_answers() -> bool:
    """Whether the default database answers ``SELECT 1`` within ``HEALTH_TIMEOUT`` seconds."""
    probe = connections["default"].copy()
    if probe.vendor == "postgresql":
        options = probe.settings_dict.setdefault("OPTIONS", {})
        options.pop("pool", None)  # one plain connection, not a pool of its own
        options["connect_timeout"] = HEALTH_TIMEOUT
        statement_timeout = f"-c statement_timeout={HEALTH_TIMEOUT * 1000}"
        options["options"] = f"{options.get('options', '')} {statement_timeout}".strip()
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    finally:
        probe.close()
    return True


def healthz(request) -> HttpResponse:
    if not database_answers():
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse(f"ok {timezone.now().isoformat()}\n", content_type="text/plain")


class HealthCheckMiddleware:
    """Answers ``GET``/``HEAD /healthz`` before any other middleware (see the module)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
