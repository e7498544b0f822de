"""Redis stops in the middle of the day: the portal keeps serving and loses nothing.

The test starts its own redis-server on a free port and runs the portal (gunicorn) as production
does, with that Redis as cache and broker. Mid-test the server is stopped: public pages are built
from the database, a complaint filed through the API is stored with its e-mail in the outbox, an
XLSX export is saved and says it is waiting. Redis comes back (empty, as after a crash): the beat
sweeps send the export to a real worker, which builds it, and the outbox's e-mail goes out.
"""

import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import requests
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from core.tasks import enqueue
from feedback.models import Complaint
from portal.export_jobs import exports_sweep
from portal.models import ExportJob
from portal.settings.base import redis_cache
from portal.tasks import build_export
from stakeholders.models import Delivery
from stakeholders.services import deliveries_sweep
from tests.celery_worker import Worker, to_worker, wait_for  # noqa: F401
from tests.disclosure.conftest import adopted_project, award, income, publish_budget
from tests.factories import PASSWORD, login
from tests.gunicorn import Gunicorn, free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]


class RedisServer:
    """A redis-server of the test's own, on its own port, without persistence."""

    def __init__(self, tmp_path: Path):
        self.port, self.dir, self.process = free_port(), tmp_path, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=20)
        return self

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def keys(self) -> int:
        return redis.Redis.from_url(self.url).dbsize()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not self._answers()


class Portal(Gunicorn):
    """gunicorn serving the portal against the test database, with `redis_url` as cache and broker."""

    def __init__(self, worker: Worker, redis_url: str, tmp_path: Path):
        super().__init__({**worker.env, "TEST_REDIS_URL": redis_url, "TEST_CACHE_REDIS_URL": redis_url}, tmp_path)


def _celery_call(env: dict, task: str) -> None:
    """What beat does: send one task to the broker named in `env`."""
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "portal", "call", task], cwd=ROOT, env=env, check=True, timeout=60
    )


@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_breaks_no_page_and_loses_no_write(city, tmp_path):
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    income(city, p, amount="40000.00")
    code = p.project.code
    city.contractor.email = "site@contractor.example.cn"
    city.contractor.save(update_fields=["email"])

    store = RedisServer(tmp_path).start()
    worker = Worker(tmp_path)
    worker.env.update({"TEST_REDIS_URL": store.url, "TEST_CACHE_REDIS_URL": store.url})
    portal = Portal(worker, store.url, tmp_path)
    try:
        portal.start()
        # Redis up: the pages fill the cache.
        for path in ("/disclosure/", f"/disclosure/projects/{code}/"):
            assert portal.get(path).status_code == 200
        assert store.keys() > 0
        token = requests.post(
            portal.base + "/api/v1/auth/token/",
            json={"username": city.owner_a1.user.username, "password": PASSWORD},
            timeout=30,
        ).json()["token"]
        staff = portal.sign_in(city.street_a_staff.username)

        store.stop()  # ---- Redis is gone -----------------------------------------------------

        health = portal.get("/healthz")
        assert health.status_code == 200 and health.json() | {"checks": None} == {
            "status": "degraded",
            "down": ["redis"],
            "checks": None,
        }
        for path in ("/disclosure/", f"/disclosure/projects/{code}/", f"/disclosure/projects/{code}/ledger/"):
            page = portal.get(path)
            assert page.status_code == 200, (path, page.status_code, portal.log.read_text()[-3000:])
            assert p.project.title in page.text
            assert page.elapsed_s < 5, (path, page.elapsed_s)
        assert "40,000.00" in portal.get(f"/disclosure/projects/{code}/ledger/").text  # from the database
        # Signing in works (the lock-out counts in the database; the throttle starts from zero).
        assert portal.sign_in(city.comm_a1_staff.username).cookies.get("sessionid")

        filed = requests.post(
            portal.base + "/api/v1/complaints/",
            data={"project": code, "category": "safety", "text": "脚手架没有围挡"},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        assert filed.status_code == 201, filed.text[:1000]
        complaint = Complaint.objects.get(pk=filed.json()["id"])
        outbox = Delivery.objects.filter(user=city.contractor, status=Delivery.Status.PENDING)
        assert outbox.count() == 1  # stored, not sent: the broker was away
        assert complaint.project_id == p.project.pk

        csrf = staff.cookies["csrftoken"]
        started = staff.post(
            portal.base + "/reports/projects.xlsx", {"csrfmiddlewaretoken": csrf}, timeout=30, allow_redirects=False
        )
        assert started.status_code == 302, started.text[:1000]
        job = ExportJob.objects.get()
        assert job.status == ExportJob.Status.QUEUED and job.sent_at is None
        waiting = portal.get(started.headers["Location"], session=staff)
        assert waiting.status_code == 200 and 'data-testid="export-waiting"' in waiting.text
        assert "服务恢复后自动开始" in waiting.text

        store.start()  # ---- Redis is back, empty -------------------------------------------------
        worker.start()
        # Beat's sweeps: a minute later, the export goes to the worker, the e-mail out.
        ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        _celery_call(worker.env, "portal.tasks.sweep_exports")
        wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=120, worker=worker)
        job.refresh_from_db()
        assert job.sent_at is not None and job.rows_done >= 1
        assert deliveries_sweep(now=timezone.now() + timedelta(minutes=2))["sent"] == 1
        assert outbox.count() == 0 and [m.to for m in mail.outbox] == [["site@contractor.example.cn"]]
        assert re.search(str(complaint.pk), mail.outbox[0].body)
        # And the cache is used again.
        assert portal.get(f"/disclosure/projects/{code}/").status_code == 200 and store.keys() > 0
        assert "Traceback" not in portal.log.read_text()
    finally:
        portal.stop()
        worker.stop()
        store.stop()


@pytest.mark.django_db
def test_the_cache_stops_asking_a_hung_redis_and_asks_again_later(tmp_path, settings):
    """A Redis that hangs (SIGSTOP) costs one call its socket timeout; the next calls within
    CACHE_RETRY_SECONDS do not wait at all, and the cache is used again once Redis answers."""
    store = RedisServer(tmp_path).start()
    try:
        settings.CACHE_RETRY_SECONDS = 1
        settings.CACHES = {**settings.CACHES, "default": redis_cache(store.url)}
        cache = caches["default"]
        cache.set("page", "built", 60)
        assert cache.get("page") == "built"
        store.process.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        assert cache.get("page", "miss") == "miss"
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("page") is None and cache.set("page", "x") is False and cache.get_many(["page"]) == {}
            cache.delete_many(["page"])
        rest = time.monotonic() - started
        assert 0.5 < first < 3 and rest < 0.05, (first, rest)
        with pytest.raises(ValueError):
            cache.incr("counter")  # as an empty cache answers
        store.process.send_signal(signal.SIGCONT)
        time.sleep(1.1)
        assert cache.get("page") == "built"  # asked again, and the value was never lost
    finally:
        store.process.send_signal(signal.SIGCONT)
        store.stop()


@pytest.mark.django_db
def test_the_export_sweep_sends_what_the_broker_missed_and_fails_what_waited_too_long(city, settings, to_worker):
    """Through the real broker: an unsent job (the broker was away) and one whose message was lost
    are sent again; a job no worker started within EXPORT_GIVE_UP_MINUTES fails and its page says so."""
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    to_worker.conf.task_default_queue = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    now = timezone.now()

    def job(minutes_ago, sent_minutes_ago=None):
        made = ExportJob.objects.create(requested_by=city.street_a_staff, report="projects")
        sent = None if sent_minutes_ago is None else now - timedelta(minutes=sent_minutes_ago)
        ExportJob.objects.filter(pk=made.pk).update(created_at=now - timedelta(minutes=minutes_ago), sent_at=sent)
        return made.pk

    unsent, lost, fresh_unsent, just_sent, too_old = job(2), job(15, 11), job(0), job(5, 4), job(61)
    try:
        counts = exports_sweep(send=lambda pk: enqueue(build_export, pk), now=now)
        assert counts == {"sent": 2, "failed": 1}
        assert broker.llen(f"{queue}.bulk") == 2 and broker.llen(queue) == 0  # exports go to the bulk queue
        sent = {pk for pk in ExportJob.objects.filter(sent_at__gte=now).values_list("pk", flat=True)}
        assert sent == {unsent, lost}
        assert ExportJob.objects.get(pk=too_old).status == ExportJob.Status.FAILED
        assert {ExportJob.objects.get(pk=pk).status for pk in (unsent, lost, fresh_unsent, just_sent)} == {"queued"}
        staff = Client()
        assert login(staff, city.street_a_staff.username, PASSWORD)
        page = staff.get(f"/reports/exports/{too_old}/").content.decode()
        assert "60 分钟内后台服务未能开始这次导出" in page
    finally:
        broker.delete(queue, f"{queue}.bulk")
