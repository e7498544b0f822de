"""Open data (architecture §6): the OC4IDS project package passes the Open Contracting Partnership's
validator and says what the ledger says; the CSV shows the public figures; neither carries personal data."""

import copy
import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import LedgerEntry, Milestone, ProgressUpdate
from disclosure.opendata import CSV_COLUMNS
from projects import services as project_services
from projects.models import AcceptanceSignature, Project
from stakeholders.models import Resident
from tests.disclosure.oc4ids.validate_oc4ids import validate

from .conftest import accept, adopted_project, award, expense, income, publish_budget

OC4IDS_URL = "/disclosure/opendata/oc4ids.json"
CSV_URL = "/disclosure/opendata/projects.csv"
LAT, LNG = Decimal("22.817002"), Decimal("108.366543")  # 南宁


def progress(city, p, percent, item=None, text=""):
    return services.progress_post(project=p.project, actor=city.contractor, percent=percent, plan_item=item, text=text)


def works_project(city, *, income_amount="40000.00", expenses=("12000.00",)):
    """A project of estate a1 taken through budget, award and ledger by the real services."""
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    income(city, p, amount=income_amount)
    p.expenses = [expense(city, p, amount=amount) for amount in expenses]
    return p


def latest_percent(project: Project) -> int:
    latest = ProgressUpdate.objects.filter(project=project).order_by("-posted_at", "-id")
    return latest.values_list("project_percent", flat=True)[0]


def net(project: Project, kind: str) -> Decimal:
    """The ledger's net total of one kind, computed here independently of the selectors."""
    total = Decimal("0.00")
    for entry in LedgerEntry.objects.filter(project=project).select_related("reverses"):
        if entry.kind == kind:
            total += entry.amount
        elif entry.kind == LedgerEntry.Kind.REVERSAL and entry.reverses.kind == kind:
            total -= entry.amount
    return total


@pytest.fixture
def site(city, council_a1):
    """Three public projects and one that is not public yet:
    - building: under construction; income 40,000; expense 12,000 (reversed), expense 11,000; 30 %;
      two milestones, one met;
    - done: completed by the three acceptance signatures; income 60,000; expenses 20,000 + 15,000; 100 %;
    - early: estate a2, `planning` (no budget, award or ledger);
    - petition: estate b1, still `petitioning` (not public).
    Estate a1 has coordinates; a2 has none."""
    city.estate_a1.latitude, city.estate_a1.longitude = LAT, LNG
    city.estate_a1.save(update_fields=["latitude", "longitude"])

    building = works_project(city, expenses=("12000.00",))
    services.ledger_reverse(entry=building.expenses[0], actor=city.street_a_staff, memo="录错金额")
    building.expenses.append(expense(city, building, amount="11000.00", item=building.light))
    progress(city, building, 30, item=building.roof, text="屋面拆除完成")
    started = services.milestone_add(
        project=building.project,
        actor=city.contractor,
        title="进场施工",
        type=Milestone.Type.DELIVERY,
        due_date=timezone.localdate() - timedelta(days=3),
        description="施工队进场",
    )
    services.milestone_update(
        milestone=started,
        actor=city.contractor,
        status=Milestone.Status.MET,
        date_met=timezone.localdate() - timedelta(days=2),
    )
    services.milestone_add(
        project=building.project,
        actor=city.contractor,
        title="屋面完工",
        due_date=timezone.localdate() + timedelta(days=30),
    )

    done = works_project(city, income_amount="60000.00", expenses=("20000.00", "15000.00"))
    progress(city, done, 100, text="全部完工")
    services.milestone_add(
        project=done.project,
        actor=city.contractor,
        title="竣工验收",
        type=Milestone.Type.ASSESSMENT,
        due_date=timezone.localdate(),
    )
    accept(city, done, council_a1)
    done.project.refresh_from_db()
    building.project.refresh_from_db()
    assert building.project.status == Project.Status.UNDER_CONSTRUCTION
    assert done.project.status == Project.Status.COMPLETED and done.project.completed_on == timezone.localdate()

    early = project_services.project_create(estate=city.estate_a2, title="甲二小区改造", actor=None)
    Project.objects.filter(pk=early.pk).update(status=Project.Status.PLANNING, status_changed_at=timezone.now())
    early.refresh_from_db()
    petition = project_services.project_create(estate=city.estate_b1, title="乙一小区改造", actor=None)
    return SimpleNamespace(building=building, done=done, early=early, petition=petition)


def package(client) -> dict:
    response = client.get(OC4IDS_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def csv_rows(client) -> tuple[str, list[list[str]]]:
    response = client.get(CSV_URL)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def by_role(parties: list[dict]) -> dict[str, set[str]]:
    return {party["name"]: set(party["roles"]) for party in parties}


# --- OC4IDS ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_oc4ids_package_validates_and_says_what_the_ledger_says(client, city, site):
    data = package(client)
    assert validate(data) == []

    assert data["version"] == "0.9"
    assert data["uri"] == "http://testserver" + reverse("disclosure:oc4ids")
    projects = {p["id"]: p for p in data["projects"]}
    building, done, early = site.building.project, site.done.project, site.early
    assert set(projects) == {building.code, done.code, early.code}  # the petition is not public
    b, d, e = projects[building.code], projects[done.code], projects[early.code]
    assert (b["status"], d["status"], e["status"]) == ("implementation", "completion", "preparation")
    assert b["title"] == building.title and b["type"] == "rehabilitation"

    # budget: the published total and its funding sources
    for doc, p in ((b, site.building), (d, site.done)):
        assert doc["budget"]["amount"] == {"amount": float(p.budget.total), "currency": "CNY"}
        assert doc["budget"]["amount"]["amount"] == 100000.0
        breakdown = doc["budget"]["budgetBreakdowns"][0]["budgetBreakdown"]
        lines = {line["id"]: line["amount"]["amount"] for line in breakdown}
        assert lines == {"central_subsidy": 40000.0, "local_finance": 50000.0, "residents": 10000.0}
    assert "budget" not in e and "contractingProcesses" not in e

    # transactions: exactly the expense entries that were not reversed; their sum is the net expense
    works = b["contractingProcesses"][0]["summary"]
    assert works["status"] == "active"
    assert works["contractValue"] == {"amount": 95000.0, "currency": "CNY"}
    kept = site.building.expenses[1]
    transactions = [(t["id"], t["value"]["amount"]) for t in works["transactions"]]
    assert transactions == [(f"{building.code}-{kept.seq}", 11000.0)]
    paid = sum(Decimal(str(t["value"]["amount"])) for t in works["transactions"])
    assert paid == net(building, "expense") == Decimal("11000.00")
    done_works = d["contractingProcesses"][0]["summary"]
    assert done_works["status"] == "closed"
    assert sorted(t["value"]["amount"] for t in done_works["transactions"]) == [15000.0, 20000.0]
    assert sum(Decimal(str(t["value"]["amount"])) for t in done_works["transactions"]) == net(done, "expense")
    office_ref = {"id": f"org-{city.street_a_org.pk}", "name": city.street_a_org.name}
    assert all(t["payer"] == office_ref and t["payee"] == {"name": "施工公司"} for t in works["transactions"])

    # completion only for the completed project
    assert d["completion"]["endDate"].startswith(done.completed_on.isoformat())
    assert d["completion"]["finalValue"] == {"amount": 35000.0, "currency": "CNY"}
    assert "completion" not in b and "completion" not in e

    # parties and their roles
    assert (
        by_role(b["parties"])
        == by_role(d["parties"])
        == {
            city.street_a_org.name: {"publicAuthority", "buyer", "procuringEntity", "payer"},
            city.contractor_org.name: {"supplier", "payee", "tenderer"},
            city.supervisor_org.name: {"independentMonitor", "tenderer"},
        }
    )
    # the procurement record behind each award (a direct award below the threshold, in the fixtures)
    assert works["tender"]["procurementMethod"] == "direct" and works["tender"]["numberOfTenderers"] == 1
    assert works["tender"]["tenderers"] == works["suppliers"]
    supervision = b["contractingProcesses"][1]
    assert supervision["id"] == f"{building.code}-supervision"
    assert supervision["summary"]["contractValue"] == {"amount": 8000.0, "currency": "CNY"}
    assert b["publicAuthority"] == office_ref and e["publicAuthority"] == office_ref
    assert by_role(e["parties"]) == {city.street_a_org.name: {"publicAuthority", "buyer", "procuringEntity", "payer"}}
    assert works["suppliers"] == [{"id": f"org-{city.contractor_org.pk}", "name": city.contractor_org.name}]
    party_ids = {party["id"] for party in b["parties"]}
    assert {b["publicAuthority"]["id"], works["suppliers"][0]["id"]} <= party_ids

    # milestones: one met (with its date), one scheduled, in date order
    assert [(m["title"], m["status"]) for m in b["milestones"]] == [("进场施工", "met"), ("屋面完工", "scheduled")]
    assert b["milestones"][0]["dateMet"].startswith((timezone.localdate() - timedelta(days=2)).isoformat())
    assert "dateMet" not in b["milestones"][1]
    assert [m["id"] for m in works["milestones"]] == [m["id"] for m in b["milestones"]]

    # updated: the latest project-level change (status, budget, awards, milestones), not a ledger entry
    met = Milestone.objects.filter(project=building).latest("updated_at")
    assert met.updated_at > building.status_changed_at
    assert b["updated"] == timezone.localtime(met.updated_at).isoformat()
    assert d["updated"] == timezone.localtime(done.status_changed_at).isoformat()
    assert e["updated"] == timezone.localtime(early.status_changed_at).isoformat()

    # locations: a point (GeoJSON order: longitude, latitude) where the estate has coordinates
    assert b["locations"][0]["geometry"] == {"type": "Point", "coordinates": [float(LNG), float(LAT)]}
    assert "geometry" not in e["locations"][0] and city.estate_a2.name in e["locations"][0]["description"]


@pytest.mark.django_db
def test_validator_reports_a_broken_package(client, city, site):
    """The validator is live: a package that breaks the schema or a closed codelist is reported."""
    good = package(client)
    assert validate(good) == []

    bad_status = copy.deepcopy(good)
    bad_status["projects"][0]["status"] = "building"
    problems = validate(bad_status)
    assert problems and any("building" in p for p in problems)

    bad_currency = copy.deepcopy(good)
    project = next(p for p in bad_currency["projects"] if "budget" in p)
    project["budget"]["amount"]["currency"] = "RMB"  # not ISO 4217
    assert any("RMB" in p for p in validate(bad_currency))

    no_id = copy.deepcopy(good)
    del no_id["projects"][0]["id"]
    assert validate(no_id)


# --- CSV ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_csv_shows_the_public_figures(client, city, site):
    text, rows = csv_rows(client)
    assert text.startswith("\ufeff")
    assert (
        rows[0]
        == CSV_COLUMNS
        == [
            "code",
            "estate",
            "street",
            "status",
            "budget",
            "income",
            "expense",
            "progress_percent",
            "satisfaction",
        ]
    )
    body = {row[0]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert len(rows) - 1 == len(body) == 3
    building, done, early = site.building.project, site.done.project, site.early
    assert set(body) == {building.code, done.code, early.code}

    b = body[building.code]
    assert b == {
        "code": building.code,
        "estate": "甲一小区",
        "street": "甲街道",
        "status": "under_construction",
        "budget": "100000.00",
        "income": "40000.00",
        "expense": "11000.00",
        "progress_percent": "18",
        "satisfaction": "",
    }
    # 30 % of the roof (¥60,000 of the ¥100,000 plan) is 18 % of the project: the latest project percent
    assert b["progress_percent"] == str(latest_percent(building)) == "18"
    assert b["income"] == f"{net(building, 'income'):.2f}" and b["expense"] == f"{net(building, 'expense'):.2f}"
    d = body[done.code]
    assert (d["status"], d["budget"], d["income"], d["expense"], d["progress_percent"]) == (
        "completed",
        "100000.00",
        f"{net(done, 'income'):.2f}",
        f"{net(done, 'expense'):.2f}",
        str(latest_percent(done)),
    )
    assert (d["income"], d["expense"], d["progress_percent"]) == ("60000.00", "35000.00", "100")
    e = body[early.code]
    assert (e["estate"], e["status"], e["budget"], e["income"], e["expense"], e["progress_percent"]) == (
        "甲二小区",
        "planning",
        "",
        "0.00",
        "0.00",
        "",
    )


# --- privacy -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_data_carries_no_personal_data(client, city, site):
    residents = list(Resident.objects.values_list("name", "phone"))
    assert len(residents) >= 8 and Resident.objects.filter(is_party_member=True).exists()
    # the council member signed the acceptance: her name must not leak through it either
    assert AcceptanceSignature.objects.filter(project=site.done.project, role="council").exists()
    outputs = {
        "oc4ids": client.get(OC4IDS_URL).content.decode("utf-8"),
        "csv": csv_rows(client)[0],
    }
    for label, text in outputs.items():
        assert site.building.project.code in text, label  # the output is not empty
        for name, phone in residents:
            assert name not in text, (label, name)
            if phone:
                assert phone not in text, (label, phone)
        for word in ("党员", "中共", "Party", "party_member"):
            assert word not in text, (label, word)


# --- query budget ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_oc4ids_queries_do_not_grow_with_projects(client, city, site, django_assert_max_num_queries):
    client.get(OC4IDS_URL)  # warm anything cached per process (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert len(package(client)["projects"]) == 3
    for n in range(3):
        p = works_project(city, expenses=("5000.00", "3000.00"))
        services.ledger_reverse(entry=p.expenses[1], actor=city.street_a_staff, memo="重复录入")
        progress(city, p, 10 * (n + 1), text="施工中")
        services.milestone_add(project=p.project, actor=city.contractor, title="进场", due_date=timezone.localdate())
    with django_assert_max_num_queries(len(small.captured_queries)):
        bigger = package(client)
    assert len(bigger["projects"]) == 6
    assert validate(bigger) == []
