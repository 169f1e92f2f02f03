"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new `redis.Redis` around its pool for every cache call. With redis-py
8 that construction (response callbacks, event dispatcher, metrics hooks) costs more than the
network round trip, and a cached public page is served in one call. A `redis.Redis` is
thread-safe and takes a connection from its pool per command, so one per pool is enough; the pool
itself notices a fork and reconnects in the child.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
