"""/healthz against the real database and the real Redis."""

import pytest


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_ok_when_database_and_redis_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["down"] == []
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["redis"]["status"] == "up"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_names_redis_when_it_does_not_answer_and_stays_in_rotation(client, settings):
    """Without Redis the portal still serves (tests/portal/test_redis_outage.py), so a load balancer
    must not take it out: 200, "degraded", Redis named for monitoring."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["down"] == ["redis"]
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["redis"]["error"] == "ConnectionError"


@pytest.mark.django_db
def test_healthz_without_broker_is_eager_mode_and_ok(client, settings):
    settings.CELERY_BROKER_URL = ""
    body = client.get("/healthz").json()
    assert body["checks"]["redis"] == {"status": "not_configured", "mode": "eager"}
