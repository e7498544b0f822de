"""The survey fan-out through a real Celery worker on the real Redis broker (no eager mode): a
worker process is started by the test, beat's job is sent to it, and its batches run there."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from feedback.models import Invitation, Survey
from feedback.tasks import dispatch_surveys
from portal.celery import app
from stakeholders.models import Delivery, Notification

from .conftest import bulk_estate, completed_project

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.postgres]


class Worker:
    """`celery -A portal worker` in its own process, on its own queue, against the test database."""

    def __init__(self, tmp_path: Path, *, visibility_timeout: int = 3600):
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.sms_file = tmp_path / "sms.jsonl"
        self.log = tmp_path / f"worker-{self.queue}.log"
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "TEST_REDIS_URL": settings.REDIS_TEST_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "SMS_BACKEND": "stakeholders.notifications.FileSmsBackend",
            "SMS_FILE_PATH": str(self.sms_file),
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", self.queue, "--concurrency=2",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{self.queue}@%h"],
            cwd=ROOT, env=self.env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while b"ready." not in self.log.read_bytes():
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "worker did not start: " + self.log.read_text()
            time.sleep(0.2)
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def sms(self) -> list[dict]:
        if not self.sms_file.exists():
            return []
        return [json.loads(line) for line in self.sms_file.read_text(encoding="utf-8").splitlines()]

    def idle(self) -> bool:
        r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        return r.llen(self.queue) == 0 and r.hlen("unacked") == 0


@pytest.fixture
def to_worker():
    """Send tasks to a broker for real (the suite's default is eager)."""
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager, app.conf.task_default_queue = saved


def wait_for(condition, timeout=180, worker=None):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, (worker.log.read_text()[-3000:] if worker else "timed out")
        time.sleep(0.25)


@pytest.mark.django_db(transaction=True)
def test_fan_out_of_1000_households_through_a_real_worker(city, tmp_path, to_worker, settings):
    built = bulk_estate(city, 1000)
    project = completed_project(city, built.estate)
    worker = Worker(tmp_path).start()
    try:
        to_worker.conf.task_default_queue = worker.queue
        started = time.monotonic()
        dispatch_surveys.delay()
        wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() >= 1000, worker=worker)
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
        assert Delivery.objects.count() == 1000 and len(worker.sms()) == 1000
        print(f"\nfan-out through the worker: 1000 invitations sent in {elapsed:.1f}s")
    finally:
        worker.stop()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_task_is_redelivered_and_sends_nothing_twice(city, tmp_path, to_worker, settings):
    """SIGKILL the worker in the middle of sending; the broker re-delivers the unacknowledged batch
    (acks_late) to the next worker, which sends only what was not sent."""
    built = bulk_estate(city, 600)
    completed_project(city, built.estate)
    first = Worker(tmp_path, visibility_timeout=5).start()
    to_worker.conf.task_default_queue = first.queue
    try:
        dispatch_surveys.delay()
        wait_for(lambda: 50 <= len(first.sms()), worker=first, timeout=120)
    finally:
        first.stop(signal.SIGKILL)
    sent_before = len(first.sms())
    assert sent_before < 600, "the worker finished before it could be killed; make the estate bigger"
    second = Worker(tmp_path, visibility_timeout=5)
    second.queue, second.sms_file = first.queue, first.sms_file
    second.env.update({"CELERY_TASK_DEFAULT_QUEUE": first.queue})
    second.start()
    try:
        wait_for(lambda: Delivery.objects.filter(status__in=["pending"]).count() == 0 and len(second.sms()) >= 598, worker=second, timeout=180)
        wait_for(second.idle, worker=second)
        sms = second.sms()
        keys = [m["key"] for m in sms]
        assert len(keys) == len(set(keys)), "a message was sent twice"
        stuck = Delivery.objects.filter(status=Delivery.Status.SENDING).count()
        assert len(keys) + stuck == 600  # at most the message(s) in flight at the kill are held back, never doubled
        assert stuck <= 2
    finally:
        second.stop()
