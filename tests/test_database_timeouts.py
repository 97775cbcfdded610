"""A database that does not answer: ``/healthz`` says so within seconds, requests do not wait
for ever (PostgreSQL connect and statement timeouts, ``DATABASE_CONNECT_TIMEOUT`` and
``DATABASE_STATEMENT_TIMEOUT``).

The stall is real: every process of the test's own PostgreSQL server (the postmaster and its
backends) is stopped with SIGSTOP, as when its machine freezes or its disk hangs — nothing on
the server side answers, not even to a cancel request; then SIGCONT, and it answers again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's timeouts; .ci/run runs the suite again on PostgreSQL",
)


def _parent(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return None


def _server_processes() -> list[int]:
    """The postmaster (the parent of this test's backend) and every process it started."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    postmaster = _parent(backend)
    if postmaster is None:
        pytest.skip("the PostgreSQL server does not run on this machine: it cannot be stopped")
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(int(entry.name)) == postmaster
    ]
    return [postmaster, *children]


def _check_may_signal(processes: list[int]) -> None:
    """Fail, before stopping anything, if this test may not signal the server's processes."""
    for pid in processes:
        try:
            os.kill(pid, 0)  # no signal sent: only whether it may be
        except ProcessLookupError:
            continue  # a backend that ended meanwhile
        except PermissionError:
            pytest.fail(
                f"this test may not send signals to PostgreSQL's process {pid} (PermissionError): "
                "run it as the user who owns the server (scripts/pg-cluster starts one of the "
                "test's own) or as root"
            )


def _send(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # a backend that ended meanwhile
        os.kill(pid, sig)


def _get_in_thread(path: str, timeout: float):
    """GET ``path``; (response or None if still waiting after ``timeout``, seconds taken)."""
    result: dict = {}

    def get():
        result["response"] = Client().get(path)

    thread = threading.Thread(target=get, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(timeout)
    return thread, result, time.monotonic() - started


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_healthz_answers_503_within_seconds_while_postgresql_is_stalled(monkeypatch):
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    # The probe connects where the settings say (an address, not ``localhost``: libpq tries
    # each address ``localhost`` resolves to, ::1 then 127.0.0.1, each with its own timeout).
    probes = []
    connect = psycopg.connect

    def spy(conninfo="", **kwargs):
        if conninfo:  # the probe's (Django's own connections pass keywords)
            probes.append(conninfo_to_dict(conninfo))
        return connect(conninfo, **kwargs)

    monkeypatch.setattr(psycopg, "connect", spy)
    assert Client().get("/healthz").status_code == 200
    configured = connection.settings_dict
    assert [(p.get("host"), p.get("port"), p["connect_timeout"]) for p in probes] == [
        (configured["HOST"] or None, str(configured["PORT"]) or None, "2")
    ]
    processes = _server_processes()
    _check_may_signal(processes)
    try:
        for pid in processes:
            _send(pid, signal.SIGSTOP)
        thread, result, took = _get_in_thread("/healthz", timeout=10)
        answered = "response" in result
    finally:
        for pid in reversed(processes):
            _send(pid, signal.SIGCONT)
    thread.join(30)  # before the fix: the check was waiting on the server, answered now
    assert answered, f"/healthz still waiting after {took:.1f} s of a stalled database"
    assert result["response"].status_code == 503
    assert result["response"].content == b"database unreachable\n"
    # The probe's connect timeout is 2 s; libpq applies it to each address it tries, and a
    # loaded two-core machine adds its share: well under the 10 s a probe may wait.
    assert took < 6, f"/healthz answered after {took:.1f} s"
    # The server answers again: so does the check.
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content.startswith(b"ok ")


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_connections_carry_the_timeouts():
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


@pytest.fixture
def database_settings(settings_in_process):
    """``database_settings(**environ)``: DATABASES["default"]["OPTIONS"] as the settings build
    them from ``environ``."""

    def read(**environ) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DATABASE_") and k != "DJANGO_SETTINGS_MODULE"
        }
        env.update(DJANGO_SETTINGS_MODULE="palabre.settings.base", SECRET_KEY="x" * 50, **environ)
        return settings_in_process(env, "settings.DATABASES['default'].get('OPTIONS', {})")

    return read


PG = "postgres://palabre@db.example.org:5432/palabre"


@pytest.mark.parametrize(
    ("environ", "options"),
    [
        ({}, {"connect_timeout": 5, "options": "-c statement_timeout=30000"}),
        (
            {"DATABASE_CONNECT_TIMEOUT": "3", "DATABASE_STATEMENT_TIMEOUT": "1.5"},
            {"connect_timeout": 3, "options": "-c statement_timeout=1500"},
        ),
        ({"DATABASE_CONNECT_TIMEOUT": "0", "DATABASE_STATEMENT_TIMEOUT": "0"}, {}),
    ],
    ids=["defaults", "set", "off"],
)
def test_postgresql_timeouts_from_the_environment(database_settings, environ, options):
    assert database_settings(DATABASE_URL=PG, **environ) == options


def test_a_statement_timeout_in_the_database_url_wins(database_settings):
    url = PG + "?options=-c%20statement_timeout%3D5000"
    assert database_settings(DATABASE_URL=url)["options"] == "-c statement_timeout=5000"


def test_a_bad_timeout_is_refused_at_start(database_settings):
    with pytest.raises(subprocess.CalledProcessError) as error:
        database_settings(DATABASE_URL=PG, DATABASE_STATEMENT_TIMEOUT="soon")
    assert "DATABASE_STATEMENT_TIMEOUT: expected a number of seconds" in error.value.stderr
