"""A database that does not answer: ``/healthz`` says so within seconds, requests do not wait
for ever (PostgreSQL connect and statement timeouts, ``DATABASE_CONNECT_TIMEOUT`` and
``DATABASE_STATEMENT_TIMEOUT``).

The stall is real: every process of the test's own PostgreSQL server (the postmaster and its
backends) is stopped with SIGSTOP, as when its machine freezes or its disk hangs — nothing on
the server side answers, not even to a cancel request; then SIGCONT, and it answers again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]

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
def test_healthz_answers_503_within_seconds_while_postgresql_is_stalled():
    assert Client().get("/healthz").status_code == 200
    processes = _server_processes()
    try:
        for pid in processes:
            os.kill(pid, signal.SIGSTOP)
        thread, result, took = _get_in_thread("/healthz", timeout=6)
        answered = "response" in result
    finally:
        for pid in reversed(processes):
            os.kill(pid, signal.SIGCONT)
    thread.join(30)  # before the fix: the check was waiting on the server, answered now
    assert answered, f"/healthz still waiting after {took:.1f} s of a stalled database"
    assert result["response"].status_code == 503
    assert result["response"].content == b"database unreachable\n"
    assert took < 3.5
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


def _database_settings(**environ) -> dict:
    """DATABASES["default"]["OPTIONS"] as the settings build them from ``environ``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DATABASE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(DJANGO_SETTINGS_MODULE="palabre.settings.base", SECRET_KEY="x" * 50, **environ)
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return json.loads(out)


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
def test_postgresql_timeouts_from_the_environment(environ, options):
    assert _database_settings(DATABASE_URL=PG, **environ) == options


def test_a_statement_timeout_in_the_database_url_wins():
    url = PG + "?options=-c%20statement_timeout%3D5000"
    assert _database_settings(DATABASE_URL=url)["options"] == "-c statement_timeout=5000"


def test_a_bad_timeout_is_refused_at_start():
    with pytest.raises(subprocess.CalledProcessError) as error:
        _database_settings(DATABASE_URL=PG, DATABASE_STATEMENT_TIMEOUT="soon")
    assert "DATABASE_STATEMENT_TIMEOUT: expected a number of seconds" in error.value.stderr
