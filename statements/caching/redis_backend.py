"""The shared cache on Redis: Django's backend, keeping its client."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every operation (only the connection
    pool is kept), and making one cost about a tenth of a page-cache hit's time in the
    worker. A ``redis.Redis`` may be shared between threads (each command takes a
    connection from the pool and gives it back), so one per pool is kept."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[object, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``KeptClient``."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = KeptClient
