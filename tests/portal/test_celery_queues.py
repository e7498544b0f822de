"""Two Celery queues (issue 23 item 3): bulk work on `<default>.bulk`, the rest on the default queue,
through the real broker; every name routed as bulk is a real task (a typo would route nothing)."""

import pytest
import redis
from django.conf import settings

from portal.celery import BULK_TASKS, app, bulk_queue
from stakeholders.tasks import send_deliveries
from tests.celery_worker import to_worker  # noqa: F401


def test_every_bulk_name_is_a_registered_task():
    app.loader.import_default_modules()
    assert BULK_TASKS <= set(app.tasks), BULK_TASKS - set(app.tasks)


@pytest.mark.redis
def test_an_export_waits_on_the_bulk_queue_and_a_notice_on_the_interactive_one(to_worker):  # noqa: F811
    queue = "test-queues-routing"
    to_worker.conf.task_default_queue = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue, f"{queue}.bulk")
    try:
        assert bulk_queue() == f"{queue}.bulk"
        app.tasks["portal.tasks.build_export"].delay("00000000-0000-0000-0000-000000000000")
        send_deliveries.delay("00000000-0000-0000-0000-000000000000")
        assert (broker.llen(queue), broker.llen(f"{queue}.bulk")) == (1, 1)
    finally:
        broker.delete(queue, f"{queue}.bulk")
