"""A Redis cache that never takes a page down with it.

Django's ``RedisCache`` raises when Redis is unreachable, so a cached figure, a login throttle or a
rate limit that reads the cache turns a Redis outage into a 500. ``ResilientRedisCache`` answers
as an empty cache instead: reads miss (the caller computes the value), writes are dropped, a lock
taken with ``add()`` is granted (allauth's rate limits open rather than refuse everyone), and the
outage is logged once. After a failure it does not try Redis again for ``RETRY_AFTER`` seconds, so
a page does not wait for a dead server's timeout on every cache call. Nothing that must not be lost
lives in the cache: sessions, login lockouts, rate limits and background jobs are in PostgreSQL.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 2.0

# Per process: when this process may try Redis again (a monotonic clock reading), 0 when healthy.
_state = {"down_until": 0.0}
_lock = threading.Lock()


def reset() -> None:
    """Forget a past outage (tests call it after restarting Redis)."""
    _state["down_until"] = 0.0


def is_down() -> bool:
    return time.monotonic() < _state["down_until"]


def _failed(error: BaseException) -> None:
    with _lock:
        was_up = not is_down()
        _state["down_until"] = time.monotonic() + RETRY_AFTER
    if was_up:
        logger.warning("Redis cache unavailable (%s); serving without cache", error)


class ReusedClient(RedisCacheClient):
    """Django's client builds a ``redis.Redis`` object (with its table of ~160 reply callbacks) on
    every cache call; a cached page's hit spent a tenth of its time there. A ``Redis`` object only
    wraps a thread-safe connection pool, so one per pool is kept and shared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def _call(self, fallback, method: str, *args, **kwargs):
        if is_down():
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            _failed(error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call(default, "get", key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call(False, "has_key", key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Callers use add() as a lock (allauth's rate limits do): while Redis is down, let them
        # through (fail open) rather than have every sign-up and login wait and answer 429.
        return self._call(True, "add", key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, "set", key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), "set_many", data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, "delete_many", keys, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call(missing, "incr", key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value

    def clear(self):
        return self._call(None, "clear")
