"""Django's Redis cache backend, keeping one client per connection pool.

Django builds a new `redis.Redis` for every cache operation; with redis-py 8 that costs more
than a small GET on the loopback (each client sets up its table of response callbacks). A
client is safe to share between threads, and its pool hands out the connections, so one per
pool serves every call. Sessions, rate limits and cached pages all go through here.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
