"""The read replica (core/replica.py) against a REAL streaming replica: the second PostgreSQL cluster
`.ci/replica start` makes with pg_basebackup on 127.0.0.1:5433, replaying the test cluster's WAL.

A gunicorn of the test's own serves the portal with that replica as DATABASE_REPLICA_URL. Replay is
paused (pg_wal_replay_pause) to make the replica fall behind for real: public pages built from it say
how current they are; a person who just wrote reads the primary; once the replica is further behind
than REPLICA_MAX_LAG_SECONDS everyone does. Then the replica is stopped: every page still answers,
from the primary, and /healthz names the replica; started again, the pages go back to it.
"""

import subprocess
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction

from core import replica
from projects.models import Project
from projects.revision import project_touch, public_revision_keys
from stakeholders.models import User
from tests.celery_worker import Worker, wait_for
from tests.disclosure.conftest import adopted_project, income, publish_budget
from tests.gunicorn import Gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.replica]

ROOT = Path(__file__).resolve().parents[2]
AS_OF = 'data-testid="data-as-of"'


class Replica:
    """The CI's streaming replica of the test cluster, as seen from the test."""

    def __init__(self):
        cfg = settings.DATABASES["default"]
        url = psycopg.conninfo.conninfo_to_dict(
            f"postgresql://{settings.TEST_REPLICA_URL.split('://', 1)[1]}".rsplit("/", 1)[0]
        )
        self.host, self.port = url.get("host", "127.0.0.1"), int(url.get("port", 5433))
        self.dbname = cfg["NAME"]  # the test database, replayed from the primary
        self.url = f"postgres://{cfg['USER']}@{self.host}:{self.port}/{self.dbname}"

    def sql(self, query: str, dbname: str = "postgres"):
        with psycopg.connect(host=self.host, port=self.port, user="postgres", dbname=dbname, autocommit=True) as c:
            return c.execute(query).fetchone()

    def shows(self, query: str) -> bool:
        return bool(self.sql(query, self.dbname)[0])

    def caught_up(self) -> bool:
        return self.sql("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()")[0]

    def pause(self):
        self.sql("SELECT pg_wal_replay_pause()")

    def resume(self):
        self.sql("SELECT pg_wal_replay_resume()")

    def control(self, verb: str):
        subprocess.run(["bash", str(ROOT / ".ci" / "replica"), verb], check=True, timeout=180, cwd=ROOT)


class Portal(Gunicorn):
    """gunicorn serving the portal from the test database, reading public pages from the replica."""

    def __init__(self, tmp_path: Path, replica_url: str, **settings_env):
        env = {
            **Worker(tmp_path).env,
            "TEST_DATABASE_REPLICA_URL": replica_url,
            # Cached pages are this process's own; a short life lets the test's changes show.
            "DISCLOSURE_REVISION_SECONDS": "1",
            "DISCLOSURE_NEAR_SECONDS": "1",
            **{key: str(value) for key, value in settings_env.items()},
        }
        super().__init__(env, tmp_path)

    def get(self, path: str, session=None) -> requests.Response:
        response = super().get(path, session)
        assert response.status_code == 200, (path, response.status_code, self.log.read_text()[-3000:])
        return response


def _retitle(project: Project, title: str) -> None:
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(title=title)
        project_touch(project=project)


def _published(city):
    p = adopted_project(city)
    publish_budget(city, p)
    income(city, p, amount="40000.00")
    return p.project


def _fresh_commit_replayed(replica: Replica, project: Project) -> None:
    """A commit on the primary, waited for on the replica: its last replayed commit is now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
    _retitle(project, project.title)
    wait_for(replica.caught_up, timeout=30)


@pytest.mark.django_db(transaction=True)
def test_public_pages_read_the_replica_say_how_current_and_writers_read_the_primary(city, tmp_path):
    project = _published(city)
    code, old, new = project.code, project.title, project.title + "（更新后）"
    store = Replica()
    wait_for(lambda: store.shows(f"SELECT count(*) FROM projects_project WHERE code = '{code}'"), timeout=30)
    portal = Portal(
        tmp_path,
        store.url,
        REPLICA_CHECK_SECONDS="0.2",
        REPLICA_MAX_LAG_SECONDS="15",
        REPLICA_CACHE_SECONDS="1",
        REPLICA_STICKY_SECONDS="3",
    )
    try:
        portal.start()
        page = portal.get(f"/disclosure/projects/{code}/")
        assert page.headers["X-Portal-Read"] == "replica"
        assert old in page.text and AS_OF not in page.text  # caught up: nothing to say
        assert portal.get("/disclosure/").headers["X-Portal-Read"] == "replica"
        assert "40,000.00" in portal.get(f"/disclosure/projects/{code}/ledger/").text
        # Pages that are not public read the primary.
        assert requests.get(portal.base + "/accounts/login/", timeout=30).headers["X-Portal-Read"] == "primary"

        _fresh_commit_replayed(store, project)
        store.pause()  # ---- the replica stops replaying: it falls behind for real ------------------
        paused_at = time.monotonic()
        _retitle(project, new)
        time.sleep(2.5)  # past REPLICA_NOTICE_SECONDS (2), REPLICA_CHECK_SECONDS and the cached pages' second

        page = portal.get(f"/disclosure/projects/{code}/")
        assert page.headers["X-Portal-Read"] == "replica"
        assert old in page.text and new not in page.text
        assert AS_OF in page.text and "本页数据截至" in page.text, page.text[:3000]

        # A person who just wrote (signing in is a POST) reads the primary, and sees the change.
        resident = portal.sign_in(city.owner_a1.user.username)
        page = portal.get(f"/disclosure/projects/{code}/", resident)
        assert page.headers["X-Portal-Read"] == "primary"
        assert new in page.text and AS_OF not in page.text
        time.sleep(3.2)  # REPLICA_STICKY_SECONDS later they read the replica again, like everyone
        page = portal.get(f"/disclosure/projects/{code}/", resident)
        assert time.monotonic() - paused_at < 14, "the machine is too slow for this test's timing"
        assert page.headers["X-Portal-Read"] == "replica" and old in page.text

        # Further behind than REPLICA_MAX_LAG_SECONDS: everyone reads the primary.
        time.sleep(max(0.0, 16 - (time.monotonic() - paused_at)))
        page = portal.get(f"/disclosure/projects/{code}/")
        assert page.headers["X-Portal-Read"] == "primary"
        assert new in page.text and AS_OF not in page.text
        health = requests.get(portal.base + "/healthz", timeout=30).json()
        assert health["checks"]["replica"]["status"] == "up"
        assert health["checks"]["replica"]["lag_seconds"] > 15

        store.resume()  # ---- replay again: the replica catches up and serves the new title --------
        wait_for(store.caught_up, timeout=30)
        time.sleep(1.2)
        page = portal.get(f"/disclosure/projects/{code}/")
        assert page.headers["X-Portal-Read"] == "replica"
        assert new in page.text and AS_OF not in page.text
        assert requests.get(portal.base + "/healthz", timeout=30).json()["status"] == "ok"
    finally:
        store.resume()
        portal.stop()


@pytest.mark.django_db(transaction=True)
def test_the_replica_going_away_fails_no_page(city, tmp_path):
    project = _published(city)
    code = project.code
    store = Replica()
    wait_for(lambda: store.shows(f"SELECT count(*) FROM projects_project WHERE code = '{code}'"), timeout=30)
    # The replica's state is trusted a minute: the first request after it stops is sent to it and
    # fails there, and is answered from the primary all the same. Nothing built from it is cached
    # (a cached page would be served without asking any database).
    portal = Portal(
        tmp_path,
        store.url,
        REPLICA_CHECK_SECONDS="60",
        REPLICA_RETRY_SECONDS="1",
        REPLICA_CACHE_SECONDS="0",
        REPLICA_STICKY_SECONDS="2",
    )
    staff = None
    paths = (
        f"/disclosure/projects/{code}/",
        "/disclosure/",
        f"/disclosure/projects/{code}/ledger/",
        f"/disclosure/projects/{code}/ledger.json",
        "/disclosure/opendata/projects.csv",
    )
    try:
        portal.start()
        for path in paths:
            assert portal.get(path).headers["X-Portal-Read"] == "replica", path
        staff = portal.sign_in(city.bureau.username)

        store.control("stop")  # ---- the replica is gone ---------------------------------------------
        time.sleep(1.2)  # this process's own copies of pages (DISCLOSURE_NEAR_SECONDS) expire
        for path in paths:
            page = portal.get(path)
            assert page.headers["X-Portal-Read"] == "primary", path
        assert project.title in portal.get(f"/disclosure/projects/{code}/").text
        health = requests.get(portal.base + "/healthz", timeout=30)
        assert health.status_code == 200
        assert health.json()["status"] == "degraded" and health.json()["down"] == ["replica"]
        time.sleep(1.2)  # REPLICA_RETRY_SECONDS: tried again, still gone, still answered
        assert portal.get(paths[0]).headers["X-Portal-Read"] == "primary"
        assert "replica unavailable" in portal.log.read_text()

        store.control("start")  # ---- back: pages read it again -----------------------------------
        time.sleep(1.2)
        wait_for(lambda: portal.get(paths[0]).headers["X-Portal-Read"] == "replica", timeout=30)
        assert requests.get(portal.base + "/healthz", timeout=30).json()["status"] == "ok"
        # The street office's export streams from the replica too.
        export = portal.get("/reports/projects.csv", staff)
        assert export.headers["X-Portal-Read"] == "replica"
        assert code in export.text
    finally:
        store.control("start")
        portal.stop()


def test_what_is_cached_from_the_replica_is_kept_apart_and_deleted_by_a_change(settings):
    token = replica._reading.set(True)
    try:
        assert replica.cache_namespace() == "replica:"
        assert replica.cache_seconds(600) == settings.REPLICA_CACHE_SECONDS
    finally:
        replica._reading.reset(token)
    assert replica.cache_namespace() == "" and replica.cache_seconds(600) == 600
    keys = public_revision_keys("P-1")
    assert "disclosure:rev:P-1" in keys and "disclosure:replica:rev:P-1" in keys
    assert "disclosure:replica:page:zh-hans:project:P-1" in keys


# The router only looks for the alias in settings; no connection to it is opened here.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db
def test_the_router_sends_only_public_reads_outside_a_transaction_to_the_replica(settings):
    router = replica.ReplicaRouter()
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert router.db_for_read(Project) == "default"  # not reading: the primary
    token = replica._reading.set(True)
    try:
        # pytest-django holds the test in a transaction on the primary: reads stay there.
        assert connection.in_atomic_block and router.db_for_read(Project) == "default"
        connection.in_atomic_block, held = False, connection.in_atomic_block
        try:
            assert router.db_for_read(Project) == "replica"
            assert replica.read_alias() == "replica"
            assert router.db_for_read(User) == "default" and router.db_for_read(Session) == "default"
            assert router.db_for_write(Project) == "default"
        finally:
            connection.in_atomic_block = held
    finally:
        replica._reading.reset(token)
    assert router.allow_migrate("replica", "projects") is False and router.allow_migrate("default", "projects")
