"""Palabre's Redis cache (``palabre.core.cache.RedisCache``), on a real redis-server of the
test's own: what Django's Redis backend does, through public interfaces only, with one client
per server (Django's builds one per command), the counter on the same client and ``OPTIONS``,
several processes and forks, and a Redis that stops answering: bounded, never a hang.
"""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.test import Client, override_settings

from palabre.core import ratelimit
from palabre.core.cache import RedisCache, count


def _scenario(cache) -> list:
    """What a cache answers to every method of Django's cache API, in order."""
    said = []
    said.append(cache.set("text", "Réunion publique", 60))
    said.append(cache.get("text"))
    said.append(cache.get("missing", "default"))
    said.append(cache.add("text", "other", 60))
    said.append(cache.add("new", {"a": [1, 2]}, 60))
    said.append(cache.get("new"))
    said.append(cache.add("zero", 1, 0))  # added then deleted at once
    said.append(cache.has_key("zero"))
    said.append(cache.set("n", 41))
    said.append(cache.incr("n"))
    said.append(cache.incr("n", 10))
    said.append(cache.decr("n", 2))
    with pytest.raises(ValueError, match="not found"):
        cache.incr("absent")
    said.append(cache.get_many(["text", "n", "missing"]))
    said.append(cache.set_many({"a": 1, "b": "deux"}, 60))
    said.append(cache.get_many(["a", "b"]))
    said.append(cache.touch("a", None))
    said.append(cache.touch("missing", 60))
    said.append(cache.has_key("a"))
    said.append(cache.delete("a"))
    said.append(cache.delete("a"))
    said.append(cache.has_key("a"))
    said.append(cache.set("gone", 1, 0))  # a timeout of 0 deletes
    said.append(cache.get("gone"))
    said.append(cache.get_or_set("computed", lambda: "fait", 60))
    said.append(cache.set("versioned", "v2", version=2))
    said.append((cache.get("versioned"), cache.get("versioned", version=2)))
    said.append(cache.delete_many(["text", "b"]))
    said.append(cache.get_many(["text", "b", "n"]))
    said.append(cache.clear())
    said.append(cache.get("n"))
    return said


def test_it_answers_and_stores_as_djangos_redis_backend(redis_server):
    server = redis_server()
    params = {"KEY_PREFIX": "palabre", "TIMEOUT": 300}
    ours, djangos = RedisCache(server.url, params), DjangoRedisCache(server.url, params)
    assert _scenario(ours) == _scenario(djangos)
    # The same keys, values and expiries: either backend reads what the other wrote.
    raw = redis.Redis.from_url(server.url)
    ours.set("shared", {"vote": 3}, 120)
    assert djangos.get("shared") == {"vote": 3}
    djangos.set("counter", 7, None)
    assert ours.incr("counter") == 8 and djangos.get("counter") == 8
    assert raw.ttl(ours.make_and_validate_key("counter")) == -1  # None: kept for ever
    ours.set("default-timeout", "x")  # the TIMEOUT of the settings
    assert 295 <= raw.ttl(ours.make_and_validate_key("default-timeout")) <= 300


def test_one_client_per_server_not_one_per_command(redis_server, monkeypatch):
    server = redis_server()
    built = []

    class Counted(redis.Redis):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(redis, "Redis", Counted)
    cache = RedisCache(server.url, {})
    for i in range(20):
        cache.set(f"k{i}", i)
        assert cache.get(f"k{i}") == i
        count(cache, "counter", 60)
    assert len(built) == 1
    djangos = DjangoRedisCache(server.url, {})
    for i in range(5):
        djangos.get(f"k{i}")
    assert len(built) == 1 + 5  # what this backend saves: Django's builds one per command


def test_options_reach_the_pool_and_the_counter(redis_server):
    server = redis_server()
    cache = RedisCache(
        server.url.removesuffix("/0"),
        {
            "KEY_PREFIX": "p",
            "OPTIONS": {
                "pool_class": "redis.BlockingConnectionPool",
                "parser_class": "redis.connection.DefaultParser",
                "db": 3,
                "socket_timeout": 1.5,
                "socket_connect_timeout": 0.5,
                "max_connections": 7,
            },
        },
    )
    pool = cache.client(write=True).connection_pool
    assert isinstance(pool, redis.BlockingConnectionPool)
    assert pool.max_connections == 7
    assert pool.connection_kwargs["parser_class"] is redis.connection.DefaultParser
    assert pool.connection_kwargs["socket_timeout"] == 1.5
    assert pool.connection_kwargs["socket_connect_timeout"] == 0.5
    assert pool.connection_kwargs["db"] == 3
    # The counter goes through the same client: database 3, not the URL's default 0.
    assert count(cache, "c", 60) == 1
    db3 = redis.Redis.from_url(server.url.removesuffix("/0") + "/3")
    assert int(db3.get(cache.make_and_validate_key("c"))) == 1
    assert redis.Redis.from_url(server.url).dbsize() == 0


def test_a_serializer_of_the_options(redis_server):
    class Text:
        def dumps(self, value):
            return f"text:{value}"

        def loads(self, data):
            return data.decode().removeprefix("text:")

    server = redis_server()
    cache = RedisCache(server.url, {"OPTIONS": {"serializer": Text}})
    cache.set("k", 12)
    assert cache.get("k") == "12"
    assert redis.Redis.from_url(server.url).get(cache.make_and_validate_key("k")) == b"text:12"


def test_several_locations_write_to_the_first_and_read_from_the_others(redis_server):
    primary, replica = redis_server(), redis_server()
    cache = RedisCache(f"{primary.url},{replica.url}", {})
    cache.set("k", "écrit")
    assert redis.Redis.from_url(primary.url).exists(cache.make_and_validate_key("k"))
    assert cache.get("k") is None  # read from the replica (not replicating in this test)
    RedisCache(replica.url, {}).set("k", "lu")  # as replication would
    assert cache.get("k") == "lu"


def _count_in_child(url: str, times: int, results) -> None:
    cache = _SHARED[url]  # built and used by the parent before the fork
    results.put([count(cache, "votes", 60) for _ in range(times)])


_SHARED: dict[str, RedisCache] = {}


def test_counts_hold_across_forked_processes(redis_server):
    """A cache used before a fork (a server's master process) counts right in every child:
    the pool starts afresh in the child (redis-py compares the process id) and INCR is atomic
    on the server, so no two increments return the same value."""
    server = redis_server()
    cache = _SHARED[server.url] = RedisCache(server.url, {})
    try:
        assert count(cache, "votes", 60) == 1  # the parent's connection, in the pool
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        children = [
            context.Process(target=_count_in_child, args=(server.url, 200, results))
            for _ in range(3)
        ]
        for child in children:
            child.start()
        mine = [count(cache, "votes", 60) for _ in range(200)]
        theirs = [results.get(timeout=60) for _ in children]
        for child in children:
            child.join(timeout=60)
            assert child.exitcode == 0
    finally:
        del _SHARED[server.url]
    values = sorted([1, *mine, *(value for values in theirs for value in values)])
    assert values == list(range(1, 802))


def _bounded(seconds: float, call) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the test looks at what was raised
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_a_stalled_redis_fails_within_the_timeout(redis_server):
    server = redis_server()
    cache = RedisCache(server.url, {"OPTIONS": {"socket_timeout": 0.5}})
    assert count(cache, "k", 60) == 1 and cache.get("k") == 1
    server.stop()
    try:
        for call in (lambda: count(cache, "k", 60), lambda: cache.get("k")):
            spent, error = _bounded(0.5, call)
            assert isinstance(error, redis.exceptions.TimeoutError), error
            assert spent < 3, spent  # 0.5 s, on a loaded machine
    finally:
        server.cont()
    assert count(cache, "k", 60) >= 2  # answers again once Redis does


def test_a_redis_that_is_gone_fails_at_once(redis_server):
    server = redis_server()
    cache = RedisCache(server.url, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    server.process.terminate()
    server.process.wait(timeout=10)
    spent, error = _bounded(0.5, lambda: count(cache, "k", 60))
    assert isinstance(error, redis.exceptions.ConnectionError), error
    assert spent < 3, spent


def _redis_settings(url: str, timeout: float) -> dict:
    cache = {
        "BACKEND": "palabre.core.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "palabre",
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }
    return {"default": cache, "pages": dict(cache)}


def test_with_redis_stalled_healthz_answers_and_the_vote_limit_does_not_hang(redis_server, db):
    server = redis_server()
    with override_settings(CACHES=_redis_settings(server.url, 0.5), VOTE_RATE_LIMIT=(60, 60)):

        class Voter:
            pk = 1

        assert ratelimit.vote(Voter) is None  # counted on Redis
        server.stop()
        try:
            started = time.monotonic()
            response = Client().get("/healthz")
            assert response.status_code == 200  # the database's health: no Redis on its way
            assert time.monotonic() - started < 2
            spent, error = _bounded(0.5, lambda: ratelimit.vote(Voter))
            assert isinstance(error, redis.exceptions.TimeoutError), error
            assert spent < 3, spent
        finally:
            server.cont()
        assert ratelimit.vote(Voter) is None


def test_the_settings_bound_redis_timeouts(tmp_path, settings_in_process):
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="palabre.settings.base",
        REDIS_URL="redis://127.0.0.1:1/0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'palabre.sqlite3'}",
        PALABRE_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="test-redis-cache-" + "x" * 40,
    )
    caches = settings_in_process(env, "settings.CACHES")
    for alias in ("default", "pages"):
        assert caches[alias]["BACKEND"] == "palabre.core.cache.RedisCache"
        options = caches[alias]["OPTIONS"]
        assert 0 < options["socket_connect_timeout"] <= 5
        assert 0 < options["socket_timeout"] <= 5
