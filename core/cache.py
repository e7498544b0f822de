"""The shared cache when Redis is away: a miss, not a 500.

Public pages, revisions and throttle counters live in Redis (settings CACHES). Everything in it can
be rebuilt from PostgreSQL, so when Redis stops answering `FailSoftRedisCache` answers as an empty
cache would — `get` gives the default, writes and deletes are dropped — and pages are built from the
database. After a failure it does not try Redis again for CACHE_RETRY_SECONDS, so a hung server
(every call waiting for its socket timeout) costs one request that wait, not every request.

What an outage costs, and why it is safe (docs/security.md):
- pages are built from the database (slower, never wrong);
- a `project_touch` delete dropped while Redis is away cannot serve a stale page afterwards: page
  and revision entries expire within DISCLOSURE_REVISION_SECONDS, fragments are keyed by revision;
- throttle counters start again from zero (the lock-out itself is in the database, django-axes).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (ConnectionInterrupted, RedisError, OSError)


class FailSoftRedisCache(RedisCache):
    """django-redis's cache whose calls fall back to an empty cache's answer while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, name: str, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            self._down_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
            logger.warning(
                "cache unavailable (%s: %s); serving from the database for %ss",
                error.__class__.__name__,
                error,
                settings.CACHE_RETRY_SECONDS,
            )
            return fallback

    def get(self, key, default=None, version=None, client=None):
        return self._call("get", default, key, default=default, version=version, client=client)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", False, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", False, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", False, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", [], *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", 0, *args, **kwargs)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None, client=None):
        value = self._call("incr", None, key, delta=delta, version=version, client=client)
        if value is None:  # as an empty cache answers incr on a missing key
            raise ValueError(f"Key '{key}' not found")
        return value
