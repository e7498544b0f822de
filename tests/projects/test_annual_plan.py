"""年度项目库 and 负面清单 (issue 22 item 3): the bureau opens a year; street offices propose their
accepted projects; the bureau confirms (the project knows its plan year, on its public timeline) or
declines with a reason; the negative list refuses a plan item as it is added and a plan that has one.
Roles × states, HTTP answers, a double decision, query budgets."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import permissions as pp
from projects import services
from projects.models import AnnualPlan, CatalogItem, PlanEntry, PlanItem, PlanVersion, Project, ProjectEvent
from stakeholders.models import Notification
from tests.projects.conftest import project_at
from tests.stakeholders.test_permissions import ROLES, actor

S = Project.Status
NEXT = timezone.localdate().year + 1


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def plan(city):
    return services.annual_plan_open(actor=city.bureau, year=NEXT, note="各街道请于月底前申报")


@pytest.fixture
def rules(city):
    services.exclusion_save(
        actor=city.bureau,
        name="拆除重建",
        reason="老旧小区改造资金不得用于拆除新建（国办发〔2020〕23号）。",
        keywords="拆除重建、推倒重建",
    )
    services.exclusion_save(
        actor=city.bureau,
        name="豪华景观",
        reason="不得建设脱离实际的景观工程。",
        keywords="雕塑",
        items=[CatalogItem.objects.get(code="greening")],
    )


def _item(project, catalog_code: str, description: str):
    version = PlanVersion.objects.filter(project=project).first() or PlanVersion.objects.create(
        project=project, number=1
    )
    return PlanItem.objects.create(
        version=version,
        catalog_item=CatalogItem.objects.get(code=catalog_code),
        description=description,
        quantity=Decimal("1"),
        unit="项",
        estimated_cost=Decimal("1000"),
    )


@pytest.mark.django_db
def test_a_year_proposed_confirmed_and_declined(city, plan):
    with pytest.raises(ValidationError) as again:
        services.annual_plan_open(actor=city.bureau, year=NEXT)
    assert again.value.error_dict["year"][0].code == "year_exists"
    with pytest.raises(ValidationError) as far:
        services.annual_plan_open(actor=city.bureau, year=NEXT + 5)
    assert far.value.error_dict["year"][0].code == "year_range"
    accepted, planning = project_at(city, S.ACCEPTED), project_at(city, S.PLANNING)
    one = services.plan_entry_propose(plan=plan, project=accepted, actor=city.street_a_staff, reason="居民意愿强")
    two = services.plan_entry_propose(plan=plan, project=planning, actor=city.street_a_staff)
    with pytest.raises(ValidationError) as twice:
        services.plan_entry_propose(plan=plan, project=accepted, actor=city.street_a_staff)
    assert twice.value.error_dict["project"][0].code == "already_proposed"
    with pytest.raises(PermissionDenied):  # another street's project
        services.plan_entry_propose(plan=plan, project=project_at(city, S.ACCEPTED), actor=city.street_b_staff)
    services.plan_entry_decide(entry=one, actor=city.bureau, confirm=True)
    accepted.refresh_from_db()
    assert accepted.plan_year == NEXT
    assert ProjectEvent.objects.filter(project=accepted, note__contains=f"{NEXT}").exists()
    assert Notification.objects.filter(user=city.street_a_staff, kind="plan_year_decided").count() == 1
    with pytest.raises(ValidationError) as silent:
        services.plan_entry_decide(entry=two, actor=city.bureau, confirm=False)
    assert silent.value.error_dict["answer"][0].code == "answer_required"
    services.plan_entry_decide(entry=two, actor=city.bureau, confirm=False, answer="住房安全鉴定未完成，明年再报")
    # Declined, it may be proposed again (next time); confirmed, it is in the plan.
    assert services.plan_entry_propose(plan=plan, project=planning, actor=city.street_a_staff).status == "proposed"
    with pytest.raises(ValidationError) as planned:
        services.plan_entry_propose(plan=plan, project=accepted, actor=city.street_a_staff)
    assert planned.value.error_dict["project"][0].code == "already_planned"
    services.annual_plan_close(plan=plan, actor=city.bureau)
    with pytest.raises(ValidationError) as closed:
        services.plan_entry_propose(plan=plan, project=project_at(city, S.ACCEPTED), actor=city.street_a_staff)
    assert closed.value.code == "closed"


@pytest.mark.django_db
def test_the_negative_list_refuses_a_plan_item_and_a_plan_that_has_one(city, plan, rules):
    project = project_at(city, S.PLANNING)
    drafter = city.comm_a1_staff
    version = services.plan_version_start(project=project, actor=drafter)
    common = {"quantity": Decimal("1"), "unit": "项", "estimated_cost": Decimal("1000"), "funding": {}}
    common["funding"] = {"local_finance": Decimal("1000")}
    with pytest.raises(ValidationError) as words:
        services.plan_item_add(
            version=version,
            actor=drafter,
            catalog_item=CatalogItem.objects.get(code="exterior-wall"),
            description="3号楼拆除重建",
            **common,
        )
    message = words.value.error_dict["description"][0]
    assert message.code == "excluded" and "拆除重建" in message.messages[0] and "国办发" in message.messages[0]
    with pytest.raises(ValidationError) as item:
        services.plan_item_add(
            version=version,
            actor=drafter,
            catalog_item=CatalogItem.objects.get(code="greening"),
            description="中心花园",
            **common,
        )
    assert item.value.error_dict["catalog_item"][0].code == "excluded"
    services.plan_item_add(
        version=version,
        actor=drafter,
        catalog_item=CatalogItem.objects.get(code="roof"),
        description="屋面防水",
        **common,
    )
    # An item from before the rule (typed in before the list had it) holds the proposal back.
    _item(project, "lighting", "入口雕塑灯")
    with pytest.raises(ValidationError) as held:
        services.plan_entry_propose(plan=plan, project=project, actor=city.street_a_staff)
    assert held.value.code == "excluded_items" and "入口雕塑灯" in held.value.messages[0]


# --- roles × states ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.PLANNING, S.BUDGET_APPROVED, S.UNDER_CONSTRUCTION])
def test_who_proposes_in_every_state(city, plan, status):
    project = project_at(city, status)
    proposers = {"street_a_staff", "street_a_manager", "admin"} if status in pp.PROPOSABLE else set()
    assert {r for r in ROLES if pp.can_propose(actor(city, r), plan, project)} == proposers
    Project.objects.filter(pk=project.pk).update(plan_year=NEXT)
    project.refresh_from_db()
    assert {r for r in ROLES if pp.can_propose(actor(city, r), plan, project)} == set()
    assert {r for r in ROLES if pp.can_open_year(actor(city, r))} == {"bureau", "admin"}
    assert {r for r in ROLES if pp.can_keep_negative_list(actor(city, r))} == {"bureau", "admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["proposed", "confirmed", "declined"])
def test_who_decides_and_withdraws_in_every_entry_state(city, plan, state):
    entry = services.plan_entry_propose(plan=plan, project=project_at(city, S.ACCEPTED), actor=city.street_a_staff)
    PlanEntry.objects.filter(pk=entry.pk).update(status=state)
    entry = PlanEntry.objects.select_related("project__estate__community").get(pk=entry.pk)
    deciders = {"bureau", "admin"} if state == "proposed" else set()
    assert {r for r in ROLES if pp.can_decide_entry(actor(city, r), entry)} == deciders
    withdraw = {"street_a_staff", "street_a_manager", "admin"} if state == "proposed" else set()
    assert {r for r in ROLES if pp.can_withdraw_entry(actor(city, r), entry)} == withdraw
    AnnualPlan.objects.filter(pk=plan.pk).update(status="closed")
    plan.refresh_from_db()
    assert {r for r in ROLES if pp.can_close_year(actor(city, r), plan)} == set()


# --- HTTP -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_http_answers_and_what_the_public_sees(city, plan):
    url = reverse("projects:annual_plan", args=[NEXT])
    accepted = project_at(city, S.ACCEPTED)
    street = client_for(city.street_a_staff)
    empty = street.post(url, {"action": "propose", "project": ""})
    assert empty.status_code == 400 and 'id="id_project_error"' in empty.content.decode()
    assert street.post(url, {"action": "propose", "project": accepted.pk, "reason": "居民意愿强"}).status_code == 302
    entry = PlanEntry.objects.get(project=accepted)
    anyone = Client()
    assert anyone.get(reverse("projects:annual_years")).status_code == 200
    public = anyone.get(url).content.decode()
    assert "居民意愿强" not in public  # a proposal is not public until the bureau confirms it
    assert anyone.post(url, {"action": "propose", "project": accepted.pk}).status_code == 403
    assert client_for(city.street_b_staff).get(url).status_code == 200
    assert "居民意愿强" not in client_for(city.street_b_staff).get(url).content.decode()  # another street's
    assert (
        street.post(url, {"action": "decide", "entry": entry.pk, f"e{entry.pk}-decision": "confirm"}).status_code == 403
    )
    bureau = client_for(city.bureau)
    silent = bureau.post(url, {"action": "decide", "entry": entry.pk, f"e{entry.pk}-decision": "decline"})
    assert silent.status_code == 400 and f'id="id_e{entry.pk}-answer_error"' in silent.content.decode()
    assert (
        bureau.post(url, {"action": "decide", "entry": entry.pk, f"e{entry.pk}-decision": "confirm"}).status_code == 302
    )
    assert "居民意愿强" in anyone.get(url).content.decode()
    twice = bureau.post(url, {"action": "decide", "entry": entry.pk, f"e{entry.pk}-decision": "confirm"})
    assert twice.status_code == 400 and "已经答复" in twice.content.decode()
    assert anyone.get(reverse("projects:annual_plan", args=[NEXT + 9])).status_code == 404
    page = client_for(city.street_a_staff).get(reverse("projects:detail", args=[accepted.code])).content.decode()
    assert 'data-testid="plan-year"' in page
    assert anyone.get(reverse("projects:negative_list")).status_code == 200
    assert anyone.post(reverse("projects:negative_list"), {"name": "x"}).status_code == 403
    bad = bureau.post(reverse("projects:negative_list"), {"name": "", "reason": ""})
    assert bad.status_code == 400 and 'id="id_name_error"' in bad.content.decode()
    years = bureau.post(reverse("projects:annual_years"), {"year": "99999999999999999999"})
    assert years.status_code == 400 and 'id="id_year_error"' in years.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_decisions_at_once_make_one(city):
    plan = services.annual_plan_open(actor=city.bureau, year=NEXT)
    entry = services.plan_entry_propose(plan=plan, project=project_at(city, S.ACCEPTED), actor=city.street_a_staff)
    results, barrier = [], threading.Barrier(2)

    def decide(confirm):
        barrier.wait()
        try:
            services.plan_entry_decide(entry=entry, actor=city.bureau, confirm=confirm, answer="理由")
            results.append("ok")
        except ValidationError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["decided", "ok"]
    assert Notification.objects.filter(kind="plan_year_decided", user=city.street_a_staff).count() == 1


# --- query budgets ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_are_flat(city, plan, rules, django_assert_max_num_queries):
    bureau, anyone = client_for(city.bureau), Client()
    url = reverse("projects:annual_plan", args=[NEXT])
    for n in range(4):
        entry = services.plan_entry_propose(plan=plan, project=project_at(city, S.ACCEPTED), actor=city.street_a_staff)
        if n % 2:
            services.plan_entry_decide(entry=entry, actor=city.bureau, confirm=True)
        if n == 0:
            bureau.get(url)
            with django_assert_max_num_queries(12):
                assert bureau.get(url).status_code == 200
    with django_assert_max_num_queries(12):  # four times the entries, the same queries
        assert bureau.get(url).status_code == 200
    with django_assert_max_num_queries(6):
        assert anyone.get(url).status_code == 200
    with django_assert_max_num_queries(6):
        assert anyone.get(reverse("projects:annual_years")).status_code == 200
    with django_assert_max_num_queries(6):
        assert anyone.get(reverse("projects:negative_list")).status_code == 200
