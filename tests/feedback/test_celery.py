"""The survey fan-out through a real Celery worker on the real Redis broker (no eager mode): a
worker process is started by the test, beat's job is sent to it, and its batches run there."""

import signal
import time

import pytest
import redis

from feedback.models import Invitation, Survey
from feedback.tasks import dispatch_surveys
from stakeholders.models import Delivery, Notification
from tests.celery_worker import WORKER_CONCURRENCY, Worker, to_worker, wait_for  # noqa: F401

from .conftest import bulk_estate, completed_project

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.mark.django_db(transaction=True)
def test_fan_out_of_1000_households_through_a_real_worker(city, tmp_path, to_worker, settings):
    built = bulk_estate(city, 1000)
    project = completed_project(city, built.estate)
    worker = Worker(tmp_path).start()
    try:
        to_worker.conf.task_default_queue = worker.queue
        started = time.monotonic()
        dispatch_surveys.delay()
        wait_for(
            lambda: Delivery.objects.filter(status=Delivery.Status.SENT, key__startswith="survey").count() >= 1000,
            worker=worker,
        )
        elapsed = time.monotonic() - started
        wait_for(worker.idle, worker=worker)
        survey = Survey.objects.get(project=project)
        assert Invitation.objects.filter(survey=survey).count() == 1000
        assert Notification.objects.filter(kind=Notification.Kind.SURVEY_INVITED).count() == 1000
        sms = worker.sms()
        assert len(sms) == 1000 and len({m["key"] for m in sms}) == 1000 and len({m["to"] for m in sms}) == 1000
        log = worker.log.read_text()
        assert log.count("feedback.tasks.send_survey_batch") >= 2  # batches (SURVEY_BATCH_SIZE=500), not 1,000 tasks

        # The job again (beat's next tick): nothing new, nothing sent twice.
        dispatch_surveys.delay()
        time.sleep(1)
        wait_for(worker.idle, worker=worker)
        time.sleep(1)
        assert Invitation.objects.filter(survey=survey).count() == 1000
        assert Delivery.objects.filter(key__startswith="survey").count() == 1000 and len(worker.sms()) == 1000
        print(f"\nfan-out through the worker: 1000 invitations sent in {elapsed:.1f}s")
    finally:
        worker.stop()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_task_is_redelivered_and_sends_nothing_twice(city, tmp_path, to_worker, settings):
    """SIGKILL the worker in the middle of sending; the broker re-delivers the unacknowledged batch
    (acks_late) to the next worker, which sends only what was not sent."""
    # Big enough that a fast machine cannot send everything between two polls (0.05 s) of the SMS file.
    households = 2400
    built = bulk_estate(city, households)
    completed_project(city, built.estate)
    first = Worker(tmp_path, visibility_timeout=5).start()
    to_worker.conf.task_default_queue = first.queue
    try:
        dispatch_surveys.delay()
        deadline = time.monotonic() + 120
        while len(first.sms()) < 50:
            assert time.monotonic() < deadline, first.log.read_text()[-3000:]
            time.sleep(0.05)
    finally:
        first.stop(signal.SIGKILL)
    sent_before = len(first.sms())
    assert sent_before < households, "the worker finished before it could be killed; make the estate bigger"
    # As if the SIGKILL caught the worker holding the broker's restore lock (it sweeps every second):
    # the lock must expire soon enough for the next worker to restore the task (it did not, once).
    assert (
        redis.Redis.from_url(settings.CELERY_BROKER_URL)
        .lock("unacked_mutex", timeout=int(first.env["CELERY_UNACKED_MUTEX_EXPIRE"]))
        .acquire(blocking_timeout=5)
    )
    second = Worker(tmp_path, visibility_timeout=5)
    second.queue, second.sms_file = first.queue, first.sms_file
    second.env.update({"CELERY_TASK_DEFAULT_QUEUE": first.queue})
    second.start()
    try:
        # Done when nothing is pending and every message is either sent or held back (`sending`: the
        # chunk the SIGKILL caught).
        wait_for(
            lambda: (
                Delivery.objects.filter(status="pending").count() == 0
                and len(second.sms()) + Delivery.objects.filter(status="sending").count() >= households
            ),
            worker=second,
            timeout=180,
        )
        wait_for(second.idle, worker=second)
        sms = second.sms()
        keys = [m["key"] for m in sms]
        assert len(keys) == len(set(keys)), "a message was sent twice"
        # A message in flight at the kill stays `sending` (never resent): the gateway may or may not
        # have taken it before the worker died, so it is either in the file once or not at all.
        stuck = set(Delivery.objects.filter(status=Delivery.Status.SENDING).values_list("key", flat=True))
        # The chunks the SIGKILL caught, at most: one per task in flight (the worker runs two).
        assert len(stuck) <= settings.DELIVERY_CLAIM_CHUNK * WORKER_CONCURRENCY
        every = set(Delivery.objects.filter(key__contains=":invite:", channel="sms").values_list("key", flat=True))
        assert len(every) == households
        assert set(keys) | stuck == every, "a message was neither sent nor held back"
        assert set(keys) - stuck == set(
            Delivery.objects.filter(status=Delivery.Status.SENT, key__in=every).values_list("key", flat=True)
        )
    finally:
        second.stop()
