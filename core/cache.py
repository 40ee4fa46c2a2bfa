"""Django's Redis cache backend, failing soft and keeping one client per connection pool.

Failing soft: the cache holds nothing that cannot be made again (sessions are written through
to the database, cached values are recomputed), so when Redis is down or slow an operation is
logged and answered as if the key were missing, never with an error to the user. After a
failure the cache is left alone for `RESTING_SECONDS`, so that a request does not wait on a
dead server once per cache call.

One client per pool: Django builds a new `redis.Redis` for every operation; with redis-py 8
that costs more than a small GET on the loopback. A client is safe to share between threads,
and its pool hands out the connections.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RESTING_SECONDS = 5.0
# What each operation answers while the cache is unavailable: what a missing key would give.
FALLBACKS = {
    "get": lambda *args, **kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda *args, **kwargs: list(args[0]) if args else [],
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "incr": lambda *args, **kwargs: None,
    "decr": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


def _soft(name, method):
    @wraps(method)
    def guarded(self, *args, **kwargs):
        if time.monotonic() < self.resting_until:
            return FALLBACKS[name](*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except RedisError:
            self.resting_until = time.monotonic() + RESTING_SECONDS
            logger.warning("Cache unavailable (%s): answered as a miss", name, exc_info=True)
            return FALLBACKS[name](*args, **kwargs)

    return guarded


class RedisCache(django_redis.RedisCache):
    resting_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


for _name in FALLBACKS:
    setattr(RedisCache, _name, _soft(_name, getattr(django_redis.RedisCache, _name)))
