"""pytest settings. PostgreSQL and Redis when they answer; SQLite and no broker otherwise.

Which real services were found is recorded in TEST_SERVICES; tests/conftest.py skips the tests that
need a missing one, prints the list loudly, and fails the run instead when CI=true.
"""

import tempfile

import psycopg
import redis

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env, redis_cache, with_replica

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"
DEBUG = False

POSTGRES_URL = env("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal")
REDIS_TEST_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")


def _postgres_answers(url: str) -> bool:
    cfg = env.db_url_config(url)
    try:
        psycopg.connect(
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
            user=cfg["USER"] or None,
            password=cfg["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=2,
        ).close()
    except psycopg.Error:
        return False
    return True


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


TEST_SERVICES = {
    "postgresql": _postgres_answers(POSTGRES_URL),
    "redis": _redis_answers(REDIS_TEST_URL),
}

if TEST_SERVICES["postgresql"]:
    DATABASES = {"default": env.db_url_config(POSTGRES_URL)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "var" / "test.sqlite3"}}

# A test's own server process reads public pages from the streaming replica it names (tests/portal/
# test_replica.py); the suite's process never does.
TEST_REPLICA_URL = env("TEST_REPLICA_URL", default="postgres://postgres@127.0.0.1:5433/postgres")
DATABASES = with_replica(DATABASES, env("TEST_DATABASE_REPLICA_URL", default=""))


def _replica_answers(url: str) -> bool:
    cfg = env.db_url_config(url)
    try:
        with psycopg.connect(
            host=cfg["HOST"] or None,
            port=cfg["PORT"] or None,
            user=cfg["USER"] or None,
            dbname="postgres",
            connect_timeout=2,
        ) as conn:
            return bool(conn.execute("SELECT pg_is_in_recovery()").fetchone()[0])
    except psycopg.Error:
        return False


TEST_SERVICES["replica"] = TEST_SERVICES["postgresql"] and _replica_answers(TEST_REPLICA_URL)

# The broker is real when Redis answers; tasks still run eagerly unless a test is about Celery.
CELERY_BROKER_URL = REDIS_TEST_URL if TEST_SERVICES["redis"] else ""
# A test that starts a real worker runs it with CELERY_TASK_ALWAYS_EAGER=false in its environment.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# A process started by a test (tests/portal/test_redis_outage.py) may use a Redis cache as production
# does; the suite itself keeps a per-process one.
CACHE_REDIS_URL = env("TEST_CACHE_REDIS_URL", default="")
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": redis_cache(CACHE_REDIS_URL) if CACHE_REDIS_URL else LOCMEM,
    "near": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "near",
        "TIMEOUT": env.int("DISCLOSURE_NEAR_SECONDS", default=2),
    },
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The SMS gateway lies outside: tests in one process read LocmemSmsBackend.outbox; a real worker's
# messages are read back from SMS_FILE_PATH (tests/feedback/test_celery.py sets both).
SMS_BACKEND = env("SMS_BACKEND", default="stakeholders.notifications.LocmemSmsBackend")
# A worker started by a test shares the test process's folders (tests/celery_worker.py passes them).
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="portal-test-media-")
PRIVATE_MEDIA_ROOT = env("TEST_PRIVATE_MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="portal-test-private-")
LANGUAGE_CODE = "zh-hans"

# Static files from the app folders, without collectstatic (as in local development).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
