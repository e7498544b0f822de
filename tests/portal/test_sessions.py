"""Sessions from the cache (issue 23 item 2): with Redis, a signed-in request reads no session row;
the cached copy lives at most SESSION_CACHE_SECONDS; logging out ends the session in both places;
with Redis down, sessions come from PostgreSQL and nothing fails."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.settings.base import redis_cache
from tests import factories as f

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def _redis_sessions(url=None, **extra):
    return override_settings(
        SESSION_ENGINE="core.sessions",
        SESSION_CACHE_SECONDS=120,
        CACHES={**settings.CACHES, "default": {**redis_cache(url or settings.REDIS_TEST_URL), "KEY_PREFIX": "sess-t"}},
        **extra,
    )


def _session_queries(client, path="/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_a_signed_in_request_reads_no_session_row_and_logout_ends_it(city):
    with _redis_sessions():
        client = Client()
        assert f.login(client, city.street_a_staff.username, f.PASSWORD)
        client.get("/")  # the first read after sign-in may fill the cache
        assert _session_queries(client) == []
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        ttl = caches["default"].ttl(f"django.contrib.sessions.cached_db{key}")
        assert 0 < ttl <= 120  # SESSION_CACHE_SECONDS, not the cookie's two weeks
        caches["default"].delete(f"django.contrib.sessions.cached_db{key}")  # cold: from PostgreSQL once, then cached
        assert len(_session_queries(client)) == 1
        assert _session_queries(client) == []
        client.post(reverse("logout"))
        assert "_auth_user_id" not in client.session
        assert not Session.objects.filter(session_key=key).exists()
        assert caches["default"].get(f"django.contrib.sessions.cached_db{key}") is None


def test_with_redis_down_sessions_come_from_postgresql(city):
    with _redis_sessions(url="redis://127.0.0.1:1/0", CACHE_RETRY_SECONDS=60):  # nothing listens on port 1
        client = Client()
        assert f.login(client, city.street_a_staff.username, f.PASSWORD)
        assert client.get("/").status_code == 200
        assert len(_session_queries(client)) == 1  # from the database, every time, and no error
        assert len(_session_queries(client)) == 1
        assert client.session["_auth_user_id"] == str(city.street_a_staff.pk)  # still signed in


def test_a_signed_in_request_that_uses_no_user_sends_no_query(city):
    """auditlog gets the lazy user (portal.middleware.LazyActorAuditlogMiddleware): a request that
    changes nothing never loads it. (That a change through the browser still names its actor is
    tests/portal/test_reports.py's test_audit_records_each_listed_change_with_its_actor.)"""
    with _redis_sessions():
        client = Client()
        assert f.login(client, city.street_a_staff.username, f.PASSWORD)
        client.get("/robots.txt")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/robots.txt").status_code == 200
        assert len(queries) == 0, [q["sql"][:80] for q in queries]
