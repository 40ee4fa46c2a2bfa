"""The Redis cache backend keeps one client per pool and behaves as Django's own."""

import pytest
from django.core.cache.backends.redis import RedisCacheClient as DjangoClient

from core.cache import RedisCache


@pytest.fixture
def redis_cache(redis_server):
    # A Redis of its own, never the broker's: nothing in the portal assumes they are one.
    return RedisCache(redis_server.url(), {"KEY_PREFIX": "test-core-cache"})


def test_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client()

    assert redis_cache._cache.get_client(write=True) is client
    assert type(client) is type(DjangoClient(redis_cache._servers).get_client())


def test_values_are_stored_read_counted_and_deleted(redis_cache):
    redis_cache.set("page", "<html>é</html>", 30)
    redis_cache.set("counter", 1, 30)

    assert redis_cache.get_many(["page", "counter"]) == {"page": "<html>é</html>", "counter": 1}
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("page")
    assert redis_cache.get("page") is None
