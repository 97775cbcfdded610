"""The health check, ``/healthz``: 200 when the database answers, else 503 within seconds.

``HealthCheckMiddleware`` answers it first, before the other middleware: a probe must not
depend on sessions, on the organisation the locale middleware reads (a query, which would
wait on a stalled database before any check could time out), nor on the host it is sent to.

The database is asked on a connection of its own, opened with a short connect timeout and a
short statement timeout: the request thread's persistent connection may be the very one
waiting on a stalled server, and a server that does not answer at all (its processes stopped,
its machine frozen) is only found by the client's connect timeout. One connection per probe
(a few milliseconds on PostgreSQL): load balancers probe every few seconds, not per request;
and probes that arrive while one is running share its answer (``shared_check``), so a flood of
``/healthz`` holds at most one extra connection per process, never ``max_connections``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

# Seconds a probe waits for the database: libpq's shortest connect timeout (2 s).
HEALTH_TIMEOUT = 2
# Keys of Django's PostgreSQL OPTIONS that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = frozenset(
    {"isolation_level", "server_side_binding", "assume_role", "pool", "prepare_threshold"}
)


def database_answers(database: dict | None = None) -> bool:
    """Whether the default database answers ``SELECT 1`` within ``HEALTH_TIMEOUT`` seconds.

    Connected with the driver itself, from the documented ``DATABASES`` keys: a connection of
    the probe's own, with its own timeouts, outside Django's per-thread connections."""
    database = database or settings.DATABASES["default"]
    try:
        if database["ENGINE"] == "django.db.backends.postgresql":
            import psycopg
            from psycopg.conninfo import make_conninfo

            options = {
                k: v
                for k, v in database.get("OPTIONS", {}).items()
                if k not in DJANGO_ONLY_OPTIONS and isinstance(v, str | int)
            }
            timeout = f"-c statement_timeout={HEALTH_TIMEOUT * 1000}"
            options["options"] = f"{options.get('options', '')} {timeout}".strip()
            conninfo = make_conninfo(
                dbname=database.get("NAME") or "postgres",
                user=database.get("USER") or None,
                password=database.get("PASSWORD") or None,
                host=database.get("HOST") or None,
                port=database.get("PORT") or None,
                **{**options, "connect_timeout": HEALTH_TIMEOUT},
            )
            with psycopg.connect(conninfo, autocommit=True) as probe:
                probe.execute("SELECT 1").fetchone()
        else:
            import sqlite3
            from pathlib import Path
            from urllib.parse import quote

            name = str(database["NAME"])
            # Read-write, never created: a missing database file is not a healthy database.
            uri = name if name.startswith("file:") else f"file:{quote(str(Path(name)))}?mode=rw"
            probe = sqlite3.connect(uri, timeout=HEALTH_TIMEOUT, uri=True)
            try:
                probe.execute("SELECT 1").fetchone()
            finally:
                probe.close()
    except Exception:  # noqa: BLE001 - whatever the driver raises, the database is not healthy
        return False
    return True


@dataclass
class _Probe:
    """One check running in this process: later callers wait for its answer."""

    done: threading.Event = field(default_factory=threading.Event)
    answer: bool = False


_running: _Probe | None = None
_guard = threading.Lock()


def shared_check() -> bool:
    """``database_answers()``, run once for all the requests that ask while it runs."""
    global _running
    with _guard:
        probe, mine = _running, _running is None
        if mine:
            probe = _running = _Probe()
    if not mine:
        # Beyond the connect and statement timeouts, the running check is stuck: unhealthy.
        return probe.done.wait(HEALTH_TIMEOUT * 3) and probe.answer
    try:
        probe.answer = database_answers()
    finally:
        with _guard:
            _running = None
        probe.done.set()
    return probe.answer


def healthz(request) -> HttpResponse:
    if not shared_check():
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
