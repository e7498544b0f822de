"""Sessions read from the cache and written through to the database (issue 23 item 2): Django's
`cached_db`, with the cached copy kept at most SESSION_CACHE_SECONDS. A signed-in request then reads
no session row; and if a logout's delete could not reach a failing Redis (core/cache.py answers as an
empty cache), the copy left there outlives the logout by that long at most, not by the session's
two weeks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(CachedDBStore):
    def _cached_for(self, age: int) -> int:
        return max(1, min(age, settings.SESSION_CACHE_SECONDS))

    def load(self):
        data = self._cache.get(self.cache_key)  # the fail-soft cache answers None when Redis fails
        if data is None:
            row = self._get_session_from_db()
            if row is None:
                return {}
            data = self.decode(row.session_data)
            self._cache.set(self.cache_key, data, self._cached_for(self.get_expiry_age(expiry=row.expire_date)))
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session, self._cached_for(self.get_expiry_age()))
