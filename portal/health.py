"""/healthz: is the database answering, and the Redis broker? Load balancers and docker-compose poll it;
it reveals no data. 503 only when the database is down: without Redis the portal still serves (pages
from the database, background work kept in the database until the broker is back — core/cache.py,
core/tasks.enqueue), so it answers 200 "degraded" naming Redis, for monitoring, and stays in rotation;
likewise without the read replica (public pages then read the primary, core/replica.py)."""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from core import replica


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the class name says which
        return {"status": "down", "error": error.__class__.__name__}
    return {"status": "up", "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if not url:
        # make run's zero-setup mode: tasks run in-process, there is no broker to be down.
        return {"status": "not_configured", "mode": "eager"}
    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as error:
        return {"status": "down", "error": error.__class__.__name__}
    return {"status": "up", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_replica() -> dict:
    """The read replica, when one is configured: public pages fall back to the primary without it."""
    current = replica.state()
    if not current.available:
        return {"status": "down"}
    return {"status": "up", "lag_seconds": round(current.lag_seconds, 1)}


@never_cache
def healthz(request):
    checks = {"database": _check_database(), "redis": _check_broker()}
    if replica.configured():
        checks["replica"] = _check_replica()
    down = [name for name, check in checks.items() if check["status"] == "down"]
    serving = "database" not in down
    status = "ok" if not down else "degraded" if serving else "unavailable"
    return JsonResponse({"status": status, "down": down, "checks": checks}, status=200 if serving else 503)
