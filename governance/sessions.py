"""Sessions kept in the database and read through the cache, as Django's `cached_db` keeps
them, that go on working while the cache is down: the database is the store of record, so a
cache that fails costs a query, never the request.

Django's store already survives a failed cache read and a failed save; it fails the request when
the cache fails while being refilled after a database read, or when asked whether a new
session's key is taken. A failed delete still fails: the cache may keep the session it could
not drop, and a sign-out that cannot end it must not say that it did."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBSessionStore
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore
from redis import RedisError

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBSessionStore):
    def load(self) -> dict:
        try:
            return super().load()
        except RedisError:
            logger.exception("Error refilling the cache (%s)", self._cache)
            session = self._get_session_from_db()
            return self.decode(session.session_data) if session else {}

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except RedisError:
            logger.exception("Error reading the cache (%s)", self._cache)
            return DBSessionStore.exists(self, session_key)
