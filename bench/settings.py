"""Settings for `make bench`: the production shape on loopback — PostgreSQL, Redis cache and broker,
DEBUG off, persistent connections — with the two baseline endpoints added (bench/urls.py).

BENCH_DATABASE_URL picks the seeded database (one per scale); BENCH_COLD=1 swaps the cache for
Django's DummyCache, so every public page is built from the database (the "cold" measurement).
"""

from portal.settings.base import *  # noqa: F401,F403
from portal.settings.base import LOGGING, env, redis_cache

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="bench-only-secret-key-never-used-in-production-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

DATABASES = {"default": env.db("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal_bench_demo")}
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["ATOMIC_REQUESTS"] = False

BENCH_REDIS_URL = env("BENCH_REDIS_URL", default="redis://127.0.0.1:6379/12")
if env.bool("BENCH_COLD", default=False):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "near": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
else:
    CACHES = {
        "default": redis_cache(BENCH_REDIS_URL),  # the portal's own (fail-soft) Redis cache
        "near": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "near", "TIMEOUT": 2},
    }

# As production with Redis (portal/settings/base.py): sessions read from the cache (core/sessions.py);
# the cold measurement keeps the cache away from them too.
SESSION_ENGINE = "django.contrib.sessions.backends.db" if env.bool("BENCH_COLD", default=False) else "core.sessions"

CELERY_BROKER_URL = env("BENCH_BROKER_URL", default="redis://127.0.0.1:6379/11")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = "bench"

SMS_BACKEND = "stakeholders.notifications.FileSmsBackend"
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default="/tmp/portal-bench-sms.jsonl")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Access logs and INFO lines would cost the server more than some of the pages measured.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
