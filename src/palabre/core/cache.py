"""The caches' plumbing: Django's Redis cache, keeping one client per connection pool and
counting in one round trip; counters on any cache (``count``); the database cache's table.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every
command; building one fills its table of ~170 response callbacks, which costs more than the
round trip to Redis itself. A client is thread-safe (it takes a connection from its pool for
each command), so one per pool is enough.
"""

from __future__ import annotations

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            # setdefault: two threads may build one at once; both then use the first.
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, with one client per pool, which also counts in one round trip.

    Django's ``add`` then ``incr`` cost three round trips on Redis (``incr`` asks whether the
    key exists first); a rate limit counted on every vote takes one (``count``): SET NX and
    INCR sent together in a MULTI block, through a client of its own on the same server.
    """

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        locations = server.split(",") if isinstance(server, str) else list(server)
        self.counter_location = locations[0].strip()
        self.counter_client = None

    def count(self, key: str, timeout: int) -> int:
        """Add one to ``key`` (created at 0, expiring ``timeout`` seconds later); its value."""
        client = self.counter_client
        if client is None:
            client = self.counter_client = redis.Redis.from_url(self.counter_location)
        key = self.make_and_validate_key(key)
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])


# --- counters ------------------------------------------------------------------------------


def count(cache, key: str, timeout: int) -> int:
    """Add one to the counter ``key`` of ``cache`` (expiring ``timeout`` seconds after it was
    created) and return its value: one round trip on Redis; elsewhere ``add`` (atomic on the
    database cache: the key is the table's primary key), else ``incr``. The database cache's
    ``incr`` reads then writes: two requests of one participant at the same instant in two
    processes may count once — a brake on scripts, not a ledger (the vote's own transaction
    enforces the ballot's rules)."""
    counter = getattr(cache, "count", None)
    if counter is not None:
        return counter(key, timeout)
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new period
        cache.add(key, 1, timeout)
        return 1


def create_cache_tables(using="default", **kwargs) -> None:
    """``post_migrate``: create the database cache's table if the settings use one (Django's
    ``createcachetable``, which skips a table that exists), so that every ``migrate`` — the
    demo, the tests, a deployment — leaves the shared cache ready."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
