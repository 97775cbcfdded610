"""The caches' plumbing: a Redis cache that keeps one client per server and counts in one
round trip; counters on any cache (``count``); the database cache's table.

Django's ``RedisCache`` builds a new ``redis.Redis`` object for every command; building one
fills its table of ~170 response callbacks, which costs as much as the round trip to Redis
itself (160 µs against 165 µs for a GET, measured on the shared VM). Django offers no public
way to keep one: its client class and connection pools are private attributes of its backend.
So ``RedisCache`` here is a backend of its own, written on the public interfaces only: Django's
``BaseCache`` (the documented base of cache backends) and redis-py's ``ConnectionPool`` and
``Redis``. It reads ``LOCATION`` and ``OPTIONS`` as Django's Redis backend does, and stores
what Django's stores (same keys, same serializer), so either can read the other's values:

- ``LOCATION``: one URL, or several (a list, or separated by ``,`` or ``;``): writes go to the
  first, reads to one of the others at random when there are others (replicas);
- ``OPTIONS``: ``pool_class`` and ``parser_class`` (classes or dotted paths), ``serializer``,
  and everything else passed to the pool's ``from_url`` (``socket_timeout``,
  ``socket_connect_timeout``, ``db``, ``max_connections``…).

One ``redis.Redis`` per server, built on first use. It is thread-safe (it takes a connection
from its pool for each command) and fork-safe (a pool used first in another process starts
afresh: redis-py compares the process id). The atomic counter (``count``) goes through the
same client: the same server, pool and timeouts as every other command.
"""

from __future__ import annotations

import random
import re

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from django.utils.module_loading import import_string


def _imported(value):
    return import_string(value) if isinstance(value, str) else value


class RedisCache(BaseCache):
    """A Redis cache (see the module), which also counts in one round trip (``count``)."""

    def __init__(self, server, params) -> None:
        super().__init__(params)
        locations = re.split("[;,]", server) if isinstance(server, str) else server
        self.servers = [location.strip() for location in locations]
        options = dict(params.get("OPTIONS") or {})
        serializer = _imported(options.pop("serializer", None))
        self.serializer = (serializer() if callable(serializer) else serializer) or (
            RedisSerializer()
        )
        self.pool_class = _imported(options.pop("pool_class", None)) or redis.ConnectionPool
        if options.get("parser_class"):
            options["parser_class"] = _imported(options["parser_class"])
        self.pool_options = options
        self.clients: dict[int, redis.Redis] = {}

    def client(self, *, write: bool = False) -> redis.Redis:
        """The client of the server to write to, or of one to read from (see the module)."""
        index = 0
        if not write and len(self.servers) > 1:
            index = random.randint(1, len(self.servers) - 1)  # noqa: S311 - spreads reads
        client = self.clients.get(index)
        if client is None:
            pool = self.pool_class.from_url(self.servers[index], **self.pool_options)
            # setdefault: two threads may build one at once; both then use the first.
            client = self.clients.setdefault(index, redis.Redis(connection_pool=pool))
        return client

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        """Seconds for Redis: None keeps the key for ever, 0 or less deletes it."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        client = self.client(write=True)
        value = self.serializer.dumps(value)
        if timeout == 0:
            if added := bool(client.set(key, value, nx=True)):
                client.delete(key)
            return added
        return bool(client.set(key, value, ex=timeout, nx=True))

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self.client().get(key)
        return default if value is None else self.serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        client = self.client(write=True)
        if timeout == 0:
            client.delete(key)
        else:
            client.set(key, self.serializer.dumps(value), ex=timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        client = self.client(write=True)
        if timeout is None:
            return bool(client.persist(key))
        return bool(client.expire(key, timeout))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client(write=True).delete(key))

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        values = self.client().mget(list(names))
        return {
            names[k]: self.serializer.loads(v)
            for k, v in zip(names, values, strict=True)
            if v is not None
        }

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self.client().exists(key))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        client = self.client(write=True)
        if not client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return client.incr(key, delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        values = {
            self.make_and_validate_key(key, version=version): self.serializer.dumps(value)
            for key, value in data.items()
        }
        timeout = self.get_backend_timeout(timeout)
        pipeline = self.client(write=True).pipeline()
        pipeline.mset(values)
        if timeout is not None:
            # Redis's MSET sets no expiry: one EXPIRE per key, in the same round trip.
            for key in values:
                pipeline.expire(key, timeout)
        pipeline.execute()
        return []

    def delete_many(self, keys, version=None):
        if keys:
            keys = [self.make_and_validate_key(key, version=version) for key in keys]
            self.client(write=True).delete(*keys)

    def clear(self):
        return bool(self.client(write=True).flushdb())

    def count(self, key: str, timeout: int) -> int:
        """Add one to ``key`` (created at 0, expiring ``timeout`` seconds later); its value.

        Django's ``add`` then ``incr`` cost three round trips on Redis (``incr`` asks whether
        the key exists first); a rate limit counted on every vote takes one: SET NX and INCR
        sent together in a MULTI block."""
        key = self.make_and_validate_key(key)
        pipeline = self.client(write=True).pipeline(transaction=True)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return int(pipeline.execute()[1])


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
