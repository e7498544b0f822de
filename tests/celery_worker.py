"""A real Celery worker for the tests that are about Celery: its own process, its own queue, the
test database and the real Redis broker; `to_worker` makes the test process send tasks to it."""

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

from portal.celery import app

WORKER_CONCURRENCY = 2  # two tasks may run (and claim a chunk each) at once

ROOT = Path(__file__).resolve().parents[1]


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
            "TEST_DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "TEST_REDIS_URL": settings.REDIS_TEST_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            # The SIGKILL may land while the worker holds the restore lock (it sweeps every second).
            "CELERY_UNACKED_MUTEX_EXPIRE": "3",
            "SMS_BACKEND": "stakeholders.notifications.FileSmsBackend",
            "SMS_FILE_PATH": str(self.sms_file),
            "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TEST_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                f"{self.queue},{self.queue}.bulk",  # the interactive queue and the bulk one (portal/celery.py)
                f"--concurrency={WORKER_CONCURRENCY}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
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
        return r.llen(self.queue) == 0 and r.llen(f"{self.queue}.bulk") == 0 and r.hlen("unacked") == 0


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
        assert time.monotonic() < deadline, worker.log.read_text()[-3000:] if worker else "timed out"
        time.sleep(0.25)
