"""Every measurement at one scale, each with its baseline in the same run (bench/run.py calls this
once per scale, in its own process, with BENCH_DATABASE_URL pointing at that scale's database).

    python -m bench.scale --scale nanning --out /tmp/nanning.json [--only pages,votes,export,fanout,lists]

The portal is served by gunicorn on 127.0.0.1:8765 (bench.settings: DEBUG off, Redis cache,
persistent connections); load comes from bench.load's client processes. Celery runs as a real
worker on the Redis broker. The data the measurements need (bench owners with tokens, bench staff
accounts) is added idempotently on the first run and reused; what a measurement writes (ballots,
surveys) is removed before it runs again.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))  # as bench.load
MEASUREMENTS = ["pages", "votes", "export", "fanout", "lists", "signed_in"]


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- processes ---------------------------------------------------------------------------------


def _env(**extra) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Server:
    """gunicorn with gthread workers on loopback (keep-alive, like behind a proxy)."""

    def __init__(self, workers: int = 2, threads: int = 4, **env):
        self.workers, self.threads, self.env = workers, threads, env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        from bench import load

        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                "-b",
                f"127.0.0.1:{PORT}",
                "-w",
                str(self.workers),
                "-k",
                "gthread",
                "--threads",
                str(self.threads),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
                "--timeout",
                "300",
            ],
            cwd=ROOT,
            env=_env(**self.env),
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        load.wait_until_up()
        return self

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        time.sleep(0.5)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class RssSampler(threading.Thread):
    """The highest resident set size of the given processes, sampled every 10 ms."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self._done = pids, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max([self.peak] + [rss_kib(p) for p in self.pids])
            time.sleep(0.01)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline else 0.0


def session_cookie(user) -> dict:
    """A signed-in browser's cookie for `user` (a real session row, as the login page writes)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


# --- 1. public pages ---------------------------------------------------------------------------


def public_project_with_most_entries(generated: bool):
    """The public project with the most ledger entries, among the demo city's own projects (the
    same project at both scales: the flatness pair) or among the generated ones (the heaviest page)."""
    from django.db.models import Count

    from disclosure import selectors as pub
    from projects.models import Project

    qs = (
        Project.objects.filter(estate__code__startswith="nn-e")
        if generated
        else Project.objects.exclude(estate__code__startswith="nn-e")
    )
    for project in qs.annotate(n=Count("ledger_entries")).order_by("-n", "code")[:20]:
        if pub.public_project(project.code) is not None:
            return project, project.n
    return None, 0


def count_queries(fn) -> tuple[int, object]:
    """How many statements `fn` sends (an execute wrapper: unlike the debug log, request signals
    do not reset it)."""
    from django.db import connection

    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        result = fn()
    return len(seen), result


def cold_queries(path: str) -> int:
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    n, response = count_queries(lambda: Client().get(path, HTTP_HOST="127.0.0.1"))
    assert response.status_code == 200, (path, response.status_code)
    return n


def measure_pages(quick: bool) -> dict:
    from bench import load

    project, entries = public_project_with_most_entries(generated=False)
    large, large_entries = public_project_with_most_entries(generated=True)
    street = project.estate.community.street.code  # the same rows at both scales: the flatness pair
    pages = {
        "index": "/disclosure/",
        "street index": f"/disclosure/?street={street}",
        "project": f"/disclosure/projects/{project.code}/",
    }
    if large is not None:
        pages["large project"] = f"/disclosure/projects/{large.code}/"
    n, secs = (800, 3) if quick else (4000, 8)
    out = {
        "project_code": project.code,
        "project_ledger_entries": entries,
        "cases": {},
        "large_project_code": large.code if large else None,
        "large_project_ledger_entries": large_entries,
    }

    # wrk (a C client) when installed, so the server runs out before the client does; otherwise the
    # Python client processes, whose own cost per request and per byte flattens the ratios.
    def run(request, max_requests):
        """Three runs, the median one by throughput (a shared machine has its hiccups)."""
        runs, before = [], load.load_average()
        for _ in range(1 if quick else 3):
            if load.have_wrk():
                runs.append(load.wrk(request, seconds=secs / 2).summary())
            else:
                runs.append(load.hammer(request, max_requests=max_requests, seconds=secs / 2).summary())
        runs.sort(key=lambda r: r["rps"])
        chosen = runs[len(runs) // 2]
        chosen["runs_rps"] = [r["rps"] for r in runs]
        chosen["load_average"] = [before, load.load_average()]
        return chosen

    out["client"] = "wrk" if load.have_wrk() else "python"
    for mode, env in (("cached", {}), ("cold", {"BENCH_COLD": 1})):
        with Server(**env):
            trivial = load.get("/bench/trivial/")
            load.warm(trivial)
            base = run(trivial, n)
            out["cases"][f"trivial ({mode} server)"] = base
            for name, path in pages.items():
                request = load.get(path, {"Accept-Language": "zh-hans"})
                assert load.warm(request, 5) == 200, path
                # One client, one request at a time: the page's own time, for the flatness pair.
                alone = load.hammer(
                    request, concurrency=1, max_requests=300 if mode == "cached" else 40, seconds=4
                ).summary()
                out.setdefault("one_client", {})[f"{name} {mode}"] = alone
                result = run(request, n if mode == "cached" else n // 4)
                result["ratio_to_trivial"] = ratio(result["rps"], base["rps"])
                out["cases"][f"{name} {mode}"] = result
    out["cold_queries"] = {name: cold_queries(path) for name, path in pages.items()}
    return out


# --- 2. voting -----------------------------------------------------------------------------------

BENCH_OWNER = "bench-owner-"


def bench_owners(households) -> dict[int, int]:
    """A verified voting owner with an API token for each household that has no owner yet (bulk,
    idempotent); returns household id → user id for every household given."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from stakeholders.models import Ownership, Resident, User

    household_ids = list(households)
    taken = set(Ownership.objects.filter(household_id__in=household_ids).values_list("household_id", flat=True))
    missing = [h for h in household_ids if h not in taken]
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(username=f"{BENCH_OWNER}{h}", password=unusable) for h in missing], batch_size=5000, ignore_conflicts=True
    )
    users = dict(User.objects.filter(username__in=[f"{BENCH_OWNER}{h}" for h in missing]).values_list("username", "pk"))
    Resident.objects.bulk_create(
        [Resident(user_id=users[f"{BENCH_OWNER}{h}"], name="压测业主", phone=f"199{h:08d}") for h in missing],
        batch_size=5000,
        ignore_conflicts=True,
    )
    residents = dict(Resident.objects.filter(user_id__in=users.values()).values_list("user_id", "pk"))
    Ownership.objects.bulk_create(
        [
            Ownership(
                resident_id=residents[users[f"{BENCH_OWNER}{h}"]],
                household_id=h,
                status=Ownership.Status.VERIFIED,
                is_voting_owner=True,
            )
            for h in missing
        ],
        batch_size=5000,
    )
    owners = dict(
        Ownership.objects.filter(household_id__in=household_ids, is_voting_owner=True).values_list(
            "household_id", "resident__user_id"
        )
    )
    have = set(Token.objects.filter(user_id__in=owners.values()).values_list("user_id", flat=True))
    import secrets

    Token.objects.bulk_create(
        [Token(key=secrets.token_hex(20), user_id=u) for u in set(owners.values()) - have], batch_size=5000
    )
    return owners


def measure_votes(quick: bool) -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bench import load
    from bench.urls import BASELINE_TABLE
    from projects import services
    from projects.models import Ballot, Project, Vote
    from stakeholders.models import Household

    # The largest estates with a project; one open vote on each, every household an owner.
    estates = 4 if quick else 12
    projects = list(Project.objects.annotate(h=Count("estate__buildings__households")).order_by("-h", "code")[:estates])
    votes, owners = [], {}
    for project in projects:
        homes = list(Household.objects.filter(building__estate_id=project.estate_id).values_list("pk", flat=True))
        owners.update(bench_owners(homes))
        vote = services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            title="压测表决",
            matter=Vote.Matter.ORDINARY,
            opens_at=timezone.now() - timedelta(seconds=1),
            closes_at=timezone.now() + timedelta(hours=1),
            actor=None,
            by_service=True,
        )
        votes.append(services.vote_open(vote=vote, actor=None, by_service=True))
    voters = []
    for vote in votes:
        voters += [
            (vote.code, uid) for uid in vote.voters.exclude(resident=None).values_list("resident__user_id", flat=True)
        ]
    tokens = dict(Token.objects.filter(user_id__in=[u for _c, u in voters]).values_list("user_id", "key"))
    requests, duplicates = [], 0
    for k, (code, uid) in enumerate(voters):
        request = (
            "POST",
            f"/api/v1/votes/{code}/ballots/",
            {"Authorization": f"Token {tokens[uid]}", "Content-Type": "application/json"},
            json.dumps({"choice": "agree" if k % 3 else "disagree"}),
        )
        requests.append(request)
        if k % 5 == 0:  # every fifth owner presses twice, in another client at the same moment
            requests.append(request)
            duplicates += 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id bigserial PRIMARY KEY, owner integer, at "
            f"timestamptz DEFAULT now())"
        )
        cursor.execute(f"TRUNCATE {BASELINE_TABLE}")
    with Server():
        load.warm(load.get("/bench/trivial/"))
        # The baseline repeats for a fixed time (a few hundred requests alone would be noise).
        insert = ("POST", "/bench/insert/", {"Content-Type": "application/x-www-form-urlencoded"}, "owner=1")
        base = load.hammer(insert, concurrency=8, max_requests=50_000, seconds=3 if quick else 6).summary()
        cast = load.hammer(requests=requests, concurrency=8).summary()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BASELINE_TABLE}")
        (baseline_rows,) = cursor.fetchone()
    stored = Ballot.objects.filter(vote__in=votes).count()
    per_voter = Ballot.objects.filter(vote__in=votes).values("voter").annotate(n=Count("id")).filter(n__gt=1).count()
    for vote in votes:  # closed and counted, so the next run starts clean (a vote of purpose "other" decides nothing)
        services.vote_close(vote=vote)
    statuses = cast["statuses"]
    return {
        "votes": len(votes),
        "owners": len(voters),
        "attempted": len(requests),
        "duplicates_attempted": duplicates,
        "created_201": statuses.get("201", 0),
        "refused_409": statuses.get("409", 0),
        "errors_5xx": cast["errors_5xx"],
        "ballots_stored": stored,
        "owners_with_two_ballots": per_voter,
        "exact": stored == len(voters)
        and statuses.get("201", 0) == len(voters)
        and statuses.get("409", 0) == duplicates
        and cast["errors_5xx"] == 0
        and per_voter == 0,
        "cast": cast,
        "baseline_insert": base,
        "baseline_rows_stored": baseline_rows,
        "ratio": ratio(cast["rps"], base["rps"]),
    }


# --- 3. export -----------------------------------------------------------------------------------


def _download(path: str, headers: dict, pids: list[int]) -> dict:
    import http.client

    sampler = RssSampler(pids)
    before = max(rss_kib(p) for p in pids)
    sampler.start()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{PORT}", **headers})
    response = conn.getresponse()
    assert response.status == 200, (path, response.status)
    lines = nbytes = 0
    while chunk := response.read(1 << 16):
        lines += chunk.count(b"\n")
        nbytes += len(chunk)
    seconds = time.perf_counter() - t0
    conn.close()
    peak = sampler.stop()
    rows = lines - 1  # the header
    return {
        "rows": rows,
        "bytes": nbytes,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "rss_before_kib": before,
        "rss_peak_kib": peak,
    }


def _copy_baseline(sql: str, params) -> dict:
    from django.db import connection

    t0 = time.perf_counter()
    lines = nbytes = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            chunk = bytearray()  # the same 64 KB chunks the export view yields
            for data in copy:
                chunk += data
                if len(chunk) >= 1 << 16:
                    lines, nbytes = lines + chunk.count(b"\n"), nbytes + len(chunk)
                    chunk.clear()
            lines, nbytes = lines + chunk.count(b"\n"), nbytes + len(chunk)
    seconds = time.perf_counter() - t0
    return {"rows": lines, "bytes": nbytes, "seconds": round(seconds, 3), "rows_per_s": round(lines / seconds)}


def _cursor_path(limit: int) -> dict:
    """The pre-COPY writer (server-side cursor + csv module) on the first `limit` rows: the "before"."""
    from itertools import islice

    from portal.exports import csv_stream
    from portal.reports import REPORTS, Filters

    report = REPORTS["ledger"]
    t0 = time.perf_counter()
    rows = sum(chunk.count("\n") for chunk in csv_stream(["h"], islice(report.rows(Filters()), limit))) - 1
    seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds)}


def measure_export(quick: bool) -> dict:
    from disclosure.models import LedgerEntry
    from portal.reports import REPORTS, Filters
    from stakeholders.models import User

    total = LedgerEntry.objects.count()
    # The date on which the 100,000th entry (in date order) falls: the "small" export ends there.
    small_to = LedgerEntry.objects.order_by("date").values_list("date", flat=True)[min(total, 100_000) - 1]
    headers = session_cookie(User.objects.get(username="bureau"))
    out = {"ledger_entries": total}
    with Server(workers=1, threads=1) as server:
        pids = server.worker_pids()
        _download(
            f"/reports/ledger.csv?date_to={small_to - timedelta(days=3650)}", headers, pids
        )  # warm: imports, connection
        out["small"] = _download(f"/reports/ledger.csv?date_to={small_to}", headers, pids)
        out["full"] = _download("/reports/ledger.csv", headers, pids)
    out["rss_growth_kib"] = out["full"]["rss_peak_kib"] - out["small"]["rss_peak_kib"]
    out["copy_baseline"] = _copy_baseline(*REPORTS["ledger"].copy_sql(Filters()))
    out["ratio"] = ratio(out["full"]["rows_per_s"], out["copy_baseline"]["rows_per_s"])
    out["before_cursor_path"] = _cursor_path(50_000 if quick else 200_000)
    return out


# --- 4. survey fan-out ---------------------------------------------------------------------------


def _fanout_reset() -> tuple[list, int]:
    """Every completed project back to "completed SURVEY_AFTER_DAYS+10 days ago, no survey yet"."""
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from feedback.models import Invitation, Response, Survey
    from projects.models import Project
    from stakeholders.models import Delivery, Household, Notification

    done = list(Project.objects.filter(status__in=[Project.Status.COMPLETED, Project.Status.MAINTAINED]))
    surveys = list(Survey.objects.filter(project__in=done).values_list("pk", flat=True))
    keys = Q()
    for pk in surveys:
        keys |= Q(key__startswith=f"survey{pk}:")
    if surveys:
        Delivery.objects.filter(keys).delete()
        Notification.objects.filter(keys).delete()
        Response.objects.filter(survey_id__in=surveys).delete()
        Invitation.objects.filter(survey_id__in=surveys).delete()
        Survey.objects.filter(pk__in=surveys).delete()
    Project.objects.filter(pk__in=[p.pk for p in done]).update(
        completed_on=timezone.localdate() - timedelta(days=settings.SURVEY_AFTER_DAYS + 10)
    )
    # The previous run's deleted rows would otherwise slow this one (a fresh database ran at 2,454/s,
    # the same database after ten runs at 1,300/s): clean the tables the fan-out writes.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (Survey, Invitation, Response, Notification, Delivery):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    homes = list(Household.objects.filter(building__estate__projects__in=done).values_list("pk", flat=True))
    return done, len(homes), homes


def _bulk_baseline(done, owners: dict[int, int]) -> dict:
    """The same rows (surveys, invitations, in-app notices, SMS deliveries) by plain bulk_create,
    in a transaction rolled back afterwards."""
    import secrets
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from feedback.models import Invitation, Survey
    from stakeholders.models import Delivery, Household, Notification

    class Rollback(Exception):
        pass

    now = timezone.now()
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            Survey.objects.bulk_create(
                [
                    Survey(
                        project=p,
                        kind=Survey.Kind.COMPLETION,
                        opened_at=now,
                        remind_at=now,
                        closes_at=now + timedelta(days=21),
                    )
                    for p in done
                ]
            )
            rows = []
            for survey in Survey.objects.filter(project__in=done):
                rows += [
                    Invitation(
                        survey=survey, household_id=h, nonce=secrets.token_hex(8), delivery="message", sent_at=now
                    )
                    for h in Household.objects.filter(building__estate_id=survey.project.estate_id).values_list(
                        "pk", flat=True
                    )
                ]
            Invitation.objects.bulk_create(rows, batch_size=2000)
            batch = uuid.uuid4()
            Notification.objects.bulk_create(
                [
                    Notification(user_id=owners[i.household_id], kind="survey_invited", key=f"bench{i.household_id}:n")
                    for i in rows
                    if i.household_id in owners
                ],
                batch_size=2000,
            )
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        key=f"bench{i.household_id}:sms",
                        batch=batch,
                        channel="sms",
                        user_id=owners[i.household_id],
                        kind="survey_invited",
                        address="19900000000",
                        body="bench",
                        status="sent",
                        sent_at=now,
                    )
                    for i in rows
                    if i.household_id in owners
                ],
                batch_size=2000,
            )
            seconds = time.perf_counter() - t0
            raise Rollback
    except Rollback:
        pass
    return {"invitations": len(rows), "seconds": round(seconds, 3), "per_s": round(len(rows) / seconds)}


def measure_fanout(quick: bool) -> dict:
    from feedback.models import Invitation, Survey
    from feedback.tasks import dispatch_surveys
    from stakeholders.models import Delivery

    done, households, homes = _fanout_reset()
    owners = bench_owners(homes)
    baseline = _bulk_baseline(done, owners)
    sms_file = Path(os.environ.get("SMS_FILE_PATH", "/tmp/portal-bench-sms.jsonl"))
    sms_file.unlink(missing_ok=True)
    subprocess.run(
        [str(BIN / "celery"), "-A", "portal", "purge", "-f", "-Q", "bench,bench.bulk"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
    )
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "-Q",
            "bench,bench.bulk",  # the fan-out's batches go to the bulk queue (portal/celery.py)
            "-c",
            os.environ.get("BENCH_WORKER_CONCURRENCY", "2"),
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "bench@%h",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker connects before the clock starts
        t0 = time.perf_counter()
        dispatch_surveys.delay()
        surveys = Survey.objects.filter(project__in=done)
        deadline = time.time() + 900
        while time.time() < deadline:
            sent = Invitation.objects.filter(survey__in=surveys, sent_at__isnull=False).count()
            pending = Delivery.objects.filter(key__startswith="survey", status__in=["pending", "sending"]).count()
            if sent == households and pending == 0:
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - t0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    invitations = Invitation.objects.filter(survey__in=Survey.objects.filter(project__in=done)).count()
    keys = [json.loads(line)["key"] for line in sms_file.read_text().splitlines()] if sms_file.exists() else []
    return {
        "projects": len(done),
        "households": households,
        "owners_with_phone": len(owners),
        "invitations": invitations,
        "sent": Invitation.objects.filter(
            survey__in=Survey.objects.filter(project__in=done), sent_at__isnull=False
        ).count(),
        "sms_sent": len(keys),
        "sms_duplicates": len(keys) - len(set(keys)),
        "seconds": round(seconds, 2),
        "per_s": round(invitations / seconds) if seconds else 0,
        "baseline_bulk_create": baseline,
        "ratio": ratio(invitations / seconds if seconds else 0, baseline["per_s"]),
        "exact": invitations == households and len(keys) == len(set(keys)) == len(owners),
    }


# --- 5. permission-scoped lists ------------------------------------------------------------------


def _bench_member(organization, username: str):
    from stakeholders.models import Membership, User
    from stakeholders.services import membership_add

    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "压测"})
    if not Membership.objects.filter(user=user, organization=organization).exists():
        membership_add(organization=organization, user=user)
    return User.objects.get(pk=user.pk)


def measure_lists(quick: bool) -> dict:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from projects.models import Award
    from stakeholders.models import Organization

    office = (
        Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE)
        .annotate(n=Count("street__communities__estates__projects"))
        .order_by("-n", "pk")
        .first()
    )
    builder = (
        Organization.objects.filter(kind=Organization.Kind.CONTRACTOR, awards__role=Award.Role.CONTRACTOR)
        .annotate(n=Count("awards"))
        .order_by("-n", "pk")
        .first()
    )
    out = {}
    for label, org, username in (
        ("street staff", office, "bench-street-staff"),
        ("contractor", builder, "bench-contractor"),
    ):
        user = _bench_member(org, username)
        client = Client()
        client.force_login(user)
        path = reverse("projects:list")
        assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
        queries, _response = count_queries(lambda: client.get(path, HTTP_HOST="127.0.0.1"))
        times = []
        for _ in range(10 if quick else 30):
            t0 = time.perf_counter()
            client.get(path, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - t0) * 1000)
        visible = org.n
        out[label] = {
            "organization": org.name,
            "projects_in_scope": visible,
            "queries": queries,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
        }
    return out


# --- 6. signed-in pages (issue 23 item 2) -----------------------------------------------------------


def measure_signed_in(quick: bool) -> dict:
    """The pages residents and staff get (never the anonymous page cache): the trivial view signed
    in, a resident's home, project page and vote page, the street office's home — each as a ratio of
    the anonymous trivial view under load in the same server, and p50 one client at a time."""
    from django.db.models import Count

    from bench import load
    from projects.models import Vote, Voter
    from stakeholders.models import Organization

    voter = (
        Voter.objects.filter(vote__status=Vote.Status.CLOSED, resident__user__isnull=False)
        .select_related("vote__project", "resident__user")
        .order_by("-vote__closes_at", "pk")
        .first()
    )
    office = (
        Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE)
        .annotate(n=Count("street__communities__estates__projects"))
        .order_by("-n", "pk")
        .first()
    )
    resident = session_cookie(voter.resident.user)
    street = session_cookie(_bench_member(office, "bench-street-staff"))
    pages = {
        "trivial signed in": ("/bench/trivial/", resident),
        "resident home": ("/", resident),
        "resident project": (f"/projects/{voter.vote.project.code}/", resident),
        "vote page": (f"/projects/votes/{voter.vote.code}/", resident),
        "street office home": ("/", street),
    }
    secs = 3 if quick else 6
    out = {"cases": {}, "one_client": {}, "resident_project": voter.vote.project.code}
    with Server():
        trivial = load.get("/bench/trivial/")
        load.warm(trivial)
        before = load.load_average()
        run = load.wrk if load.have_wrk() else None
        base = (run(trivial, seconds=secs) if run else load.hammer(trivial, seconds=secs)).summary()
        base["load_average"] = [before, load.load_average()]
        out["cases"]["trivial anonymous"] = base
        for name, (path, cookie) in pages.items():
            request = load.get(path, {"Accept-Language": "zh-hans", **cookie})
            assert load.warm(request, 5) == 200, path
            alone = load.hammer(request, concurrency=1, max_requests=200, seconds=4).summary()
            out["one_client"][name] = alone
            before = load.load_average()
            result = (run(request, seconds=secs) if run else load.hammer(request, seconds=secs)).summary()
            result["ratio_to_trivial"] = ratio(result["rps"], base["rps"])
            result["load_average"] = [before, load.load_average()]
            out["cases"][name] = result
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default=",".join(MEASUREMENTS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    setup_django()
    results = {}
    for name in args.only.split(","):
        started = time.perf_counter()
        print(f"bench [{args.scale}] {name} …", file=sys.stderr, flush=True)
        before = os.getloadavg()[0]
        results[name] = globals()[f"measure_{name}"](args.quick)
        results[name]["wall_seconds"] = round(time.perf_counter() - started, 1)
        # The machine's load before and after the figure: a reader tells a quiet run from a noisy one.
        results[name]["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
