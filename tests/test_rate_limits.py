"""Rate limits hold across processes on the embedded default (no Redis): the shared cache.

``make demo`` serves with two granian workers. With a cache per process, each process counted
its own sign-ups: 13 of 14 went through a limit of 10 a minute. Here two separate Python
processes, on the settings an operator runs (``palabre.settings.base``, no ``REDIS_URL``) and
one SQLite database, post sign-ups at the same time: no more than the limit pass, together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings

from palabre.core.cache import count, create_cache_tables
from palabre.settings.env import parse_rate

ROOT = Path(__file__).resolve().parents[1]

SIGNUPS = r"""
import json, os, time
import django
django.setup()
from django.test import Client

start = float(os.environ["START_AT"])
while time.time() < start:
    time.sleep(0.005)
tag = os.environ["TAG"]
codes = []
for i in range(7):
    response = Client().post("/accounts/signup/", {
        "email": f"{tag}{i}@example.org",
        "username": f"{tag}{i}",
        "password1": "une phrase de passe longue",
        "password2": "une phrase de passe longue",
        "charter": "on",
    })
    codes.append(response.status_code)
print("CODES " + json.dumps(codes))
"""


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="palabre.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'palabre.sqlite3'}",
        PALABRE_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="test-rate-limits-" + "x" * 40,
        DEBUG="true",  # static files without collectstatic
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        EMAIL_URL="locmem://",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def test_sign_up_limit_holds_across_two_processes(tmp_path):
    env = _env(tmp_path)
    # ``migrate`` alone leaves the shared cache ready (its table: core/cache.py).
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    start_at = time.time() + 4  # both processes imported Django by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SIGNUPS],
            cwd=ROOT,
            env=dict(env, TAG=tag, START_AT=str(start_at)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alix", "bao")
    ]
    codes = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        [line] = [line for line in out.splitlines() if line.startswith("CODES ")]
        codes.append(json.loads(line.removeprefix("CODES ")))
    accepted = [c.count(302) for c in codes]
    refused = [c.count(429) for c in codes]
    # allauth's "signup": "10/m/ip", both processes together (the old cache let 14 pass).
    assert sum(accepted) <= 10, codes
    assert sum(accepted) + sum(refused) == 14, codes
    assert sum(refused) >= 4, codes


def test_the_embedded_default_cache_is_shared(tmp_path, settings_in_process):
    """Without REDIS_URL the default cache (limits) is the database's, pages stay in memory."""
    backends = settings_in_process(
        _env(tmp_path),
        "[settings.CACHES['default']['BACKEND'], settings.CACHES['pages']['BACKEND']]",
    )
    assert backends == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "palabre_cache",
        }
    }
)
def test_counter_on_the_database_cache():
    from django.core.cache import caches

    create_cache_tables()  # what every migrate does (the test settings keep no such cache)
    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    assert [count(cache, "k", 60) for _ in range(3)] == [1, 2, 3]
    assert count(cache, "other", 60) == 1
    cache.delete("k")  # as when the period's key expires
    assert count(cache, "k", 60) == 1


@pytest.mark.parametrize(
    ("value", "rate"),
    [
        (None, (60, 60)),  # unset: the default
        ("", None),
        ("0", None),
        ("30", (30, 60)),
        ("30/m", (30, 60)),
        ("5/s", (5, 1)),
        ("100/h", (100, 3600)),
        ("20/10m", (20, 600)),
    ],
)
def test_vote_rate_limit_setting(value, rate):
    assert parse_rate(value, (60, 60)) == rate


@pytest.mark.parametrize("value", ["lots", "10/w", "10/0m", "-/m"])
def test_a_bad_vote_rate_limit_is_refused_at_start(value):
    with pytest.raises(ValueError, match="bad rate"):
        parse_rate(value, (60, 60))


@pytest.fixture
def redis_url(redis_server):
    return redis_server().url


def test_counter_on_redis_is_one_round_trip_and_expires(redis_url):
    import redis

    from palabre.core.cache import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": "palabre"})
    assert [count(cache, "ratelimit:k", 60) for _ in range(3)] == [1, 2, 3]
    assert cache.get("ratelimit:k") == 3  # the same key as Django's cache API
    client = redis.Redis.from_url(redis_url)
    ttl = client.ttl(cache.make_and_validate_key("ratelimit:k"))
    assert 0 < ttl <= 60  # set by the first count, not pushed back by the next ones
    commands_before = client.info("stats")["total_commands_processed"]
    count(cache, "ratelimit:k", 60)
    # One pipelined MULTI/SET/INCR/EXEC (4 commands, one round trip), +1 for INFO itself.
    assert client.info("stats")["total_commands_processed"] - commands_before == 5
