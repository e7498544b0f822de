"""/api/v1/ actions the pages offer (petition start/submit, votes by hand, need triage, plan drafting,
award, ledger reversals, milestones, the survey desk), each as roles × states: the right role 2xx,
a wrong role 403, another estate or street 404, a wrong state 400/409."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Invitation, Response
from projects.models import Need, PlanVersion, Project, Sponsorship, Tender, Vote
from stakeholders.models import Notification, User  # noqa: F401
from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.feedback.conftest import answers
from tests.projects.conftest import council_a1, owners, project_at  # noqa: F401

from .test_api import api, world  # noqa: F401

JSON = "application/json"


def post(user, name, data=None, **kwargs):
    return api(user).post(reverse(name, kwargs=kwargs), data or {}, content_type=JSON)


@pytest.mark.django_db
def test_petition_start_and_submit(city, owners):
    # Wrong role: no verified household anywhere.
    assert (
        post(
            city.plain_resident.user, "api-petition-start", {"estate": city.estate_a1.code, "reason": "漏水"}
        ).status_code
        == 403
    )
    assert (
        post(city.street_a_staff, "api-petition-start", {"estate": city.estate_a1.code, "reason": "漏水"}).status_code
        == 403
    )
    # Another estate: not one of yours.
    assert (
        post(city.owner_a1.user, "api-petition-start", {"estate": city.estate_b1.code, "reason": "漏水"}).status_code
        == 404
    )
    blank = post(city.owner_a1.user, "api-petition-start", {"estate": city.estate_a1.code, "reason": ""})
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    started = post(
        city.owner_a1.user, "api-petition-start", {"estate": city.estate_a1.code, "reason": "屋面漏水，楼道没有照明"}
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "collecting" and body["complete"] is False and body["sponsors"][0]["status"] == "confirmed"
    code = body["project"]
    # A second petition while one is under way: refused.
    assert (
        post(city.owner_a1.user, "api-petition-start", {"estate": city.estate_a1.code, "reason": "又一次"}).status_code
        == 403
    )
    # Submit: incomplete is 400 with what is missing; outsiders 404; a non-sponsor owner 403.
    incomplete = post(city.owner_a1.user, "api-petition-submit", code=code)
    assert incomplete.status_code == 400, incomplete.content
    assert post(city.owner_b1.user, "api-petition-submit", code=code).status_code == 404
    project = Project.objects.get(code=code)
    petition = project.petition
    for owner, home in zip(owners[:2], city.homes_a1[2:4]):
        Sponsorship.objects.create(
            petition=petition,
            resident=owner,
            household=home,
            status=Sponsorship.Status.CONFIRMED,
            responded_at=timezone.now(),
        )
    assert post(owners[2].user, "api-petition-submit", code=code).status_code == 403
    submitted = post(city.owner_a1.user, "api-petition-submit", code=code)
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["status"] == "open" and submitted.json()["purpose"] == "willingness"
    twice = post(owners[0].user, "api-petition-submit", code=code)
    assert twice.status_code == 409 and twice.json()["code"] == "already_submitted"


@pytest.mark.django_db
def test_votes_created_opened_and_closed_by_hand(city, world):
    now = timezone.now()
    draft = {
        "title": "1栋加装电梯",
        "matter": "special",
        "scope": "building",
        "building": "1",
        "opens_at": (now + timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
    }
    code = world.project.code
    assert post(city.street_a_staff, "api-vote-create", draft, code=code).status_code == 403  # staff, not the approver
    assert post(city.owner_a1.user, "api-vote-create", draft, code=code).status_code == 403
    assert post(city.street_b_staff, "api-vote-create", draft, code=code).status_code == 404
    backwards = post(city.street_a_manager, "api-vote-create", {**draft, "closes_at": draft["opens_at"]}, code=code)
    assert backwards.status_code == 400 and "closes_at" in backwards.json()["fields"]
    no_building = post(city.street_a_manager, "api-vote-create", {**draft, "building": "99"}, code=code)
    assert no_building.status_code == 400 and no_building.json()["code"] == "scope"
    created = post(city.street_a_manager, "api-vote-create", draft, code=code)
    assert created.status_code == 201, created.content
    vote = created.json()["code"]
    assert created.json()["status"] == "draft" and created.json()["scope"] == "building"
    # Open: the approver once (409 after), nobody else.
    assert post(city.owner_a1.user, "api-vote-open", code=vote).status_code == 403
    assert post(city.street_b_staff, "api-vote-open", code=vote).status_code == 404
    opened = post(city.street_a_manager, "api-vote-open", code=vote)
    assert opened.status_code == 200 and opened.json()["status"] == "open" and opened.json()["electorate_owners"] >= 1
    again = post(city.street_a_manager, "api-vote-open", code=vote)
    assert again.status_code == 409 and again.json()["code"] == "not_draft"
    # Close: not before the announced deadline; then the approver counts it.
    assert post(city.street_a_manager, "api-vote-close", code=vote).status_code == 403
    Vote.objects.filter(code=vote).update(
        opens_at=timezone.now() - timedelta(hours=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert post(city.owner_a1.user, "api-vote-close", code=vote).status_code == 403
    closed = post(city.street_a_manager, "api-vote-close", code=vote)
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["result"]


@pytest.fixture
def planning(city, council_a1):
    project = project_at(city, Project.Status.PLANNING)
    from projects.models import CatalogItem

    roof = CatalogItem.objects.get(code="roof")
    needs = [
        Need.objects.create(project=project, catalog_item=roof, filed_by=city.owner_a1, text=f"屋顶漏水{k}")
        for k in range(2)
    ]
    return project, needs


@pytest.mark.django_db
def test_need_triage(city, world, planning, council_a1):
    project, (first, second) = planning
    include = {"decision": "include"}
    assert post(city.owner_a1.user, "api-need-triage", include, pk=first.pk).status_code == 403
    assert post(city.comm_b1_staff, "api-need-triage", include, pk=first.pk).status_code == 404
    assert (
        post(
            city.comm_a1_staff, "api-need-triage", {"decision": "include", "plan_item": 999999}, pk=first.pk
        ).status_code
        == 400
    )
    answered = post(city.comm_a1_staff, "api-need-triage", include, pk=first.pk)
    assert answered.status_code == 200 and answered.json()["status"] == "included" and answered.json()["supports"] == 0
    twice = post(council_a1.user, "api-need-triage", {"decision": "decline", "reason": "x"}, pk=first.pk)
    assert twice.status_code == 409 and twice.json()["code"] == "already_triaged"
    no_reason = post(council_a1.user, "api-need-triage", {"decision": "decline"}, pk=second.pk)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    declined = post(
        council_a1.user, "api-need-triage", {"decision": "decline", "reason": "不属于本次改造范围"}, pk=second.pk
    )
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "不属于本次改造范围"
    # Wrong state: needs are no longer reviewed once the works have begun.
    assert post(city.comm_a1_staff, "api-need-triage", include, pk=world.need.pk).status_code == 403


@pytest.mark.django_db
def test_plan_drafting_through_the_api(city, planning, council_a1):
    project, _needs = planning
    code = project.code
    assert post(city.owner_a1.user, "api-plans", code=code).status_code == 403
    assert post(city.comm_b1_staff, "api-plans", code=code).status_code == 404
    started = post(city.comm_a1_staff, "api-plans", code=code)
    assert started.status_code == 201 and started.json()["number"] == 1 and started.json()["status"] == "draft"
    busy = post(council_a1.user, "api-plans", code=code)
    assert busy.status_code == 409 and busy.json()["code"] == "version_busy"
    pk = started.json()["id"]
    drafter = api(council_a1.user)
    url = reverse("api-plan", kwargs={"pk": pk})
    assert api(city.owner_a1.user).patch(url, {"summary": "x"}, content_type=JSON).status_code == 403
    assert api(city.comm_b1_staff).patch(url, {"summary": "x"}, content_type=JSON).status_code == 404
    edited = drafter.patch(url, {"summary": "屋面与照明"}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["summary"] == "屋面与照明"
    item = {
        "item": "roof",
        "description": "屋面防水",
        "quantity": "1200.00",
        "unit": "m²",
        "estimated_cost": "60000.00",
        "funding": {"central_subsidy": "40000.00", "local_finance": "20000.00"},
    }
    uneven = post(council_a1.user, "api-plan-items", {**item, "funding": {"central_subsidy": "1.00"}}, pk=pk)
    assert (
        uneven.status_code == 400
        and uneven.json()["code"] == "funding_sum"
        and "estimated_cost" in uneven.json()["fields"]
    )
    unknown = post(council_a1.user, "api-plan-items", {**item, "funding": {"lottery": "60000.00"}}, pk=pk)
    assert unknown.status_code == 400 and "funding" in unknown.json()["fields"]
    assert post(council_a1.user, "api-plan-items", {**item, "item": "nope"}, pk=pk).json()["code"] == "unknown_item"
    assert post(city.owner_a1.user, "api-plan-items", item, pk=pk).status_code == 403
    added = post(council_a1.user, "api-plan-items", item, pk=pk)
    assert added.status_code == 201 and added.json()["item"] == "roof" and added.json()["estimated_cost"] == "60000.00"
    extra = post(
        council_a1.user, "api-plan-items", {**item, "item": "lighting", "description": "楼道灯"}, pk=pk
    ).json()["id"]
    remove = reverse("api-plan-item", kwargs={"pk": pk, "item": extra})
    assert api(city.owner_a1.user).delete(remove).status_code == 403
    assert api(city.comm_b1_staff).delete(remove).status_code == 404
    assert drafter.delete(remove).status_code == 204
    assert drafter.delete(remove).status_code == 404
    assert [i["item"] for i in api(council_a1.user).get(url).json()["items"]] == ["roof"]
    # The management section (建管一体): written by the drafters, required before the vote.
    management = reverse("api-plan-management", kwargs={"pk": pk})
    section = {
        "operator": "community",
        "service_level": "保洁每日一次",
        "fee_per_m2_month": "0.30",
        "sources": ["fees"],
    }
    assert api(city.owner_a1.user).put(management, section, content_type=JSON).status_code == 403
    assert api(city.comm_b1_staff).put(management, section, content_type=JSON).status_code == 404
    empty = api(council_a1.user).put(management, {**section, "sources": []}, content_type=JSON)
    assert empty.status_code == 400 and "sources" in empty.json()["fields"]
    firm = api(council_a1.user).put(management, {**section, "organization": city.contractor_org.pk}, content_type=JSON)
    assert firm.status_code == 400 and firm.json()["code"] == "firm_only_for_property"
    firm_org = f.organization("property_manager", "邕江物业服务有限公司")
    by_firm = api(council_a1.user).put(
        management, {**section, "operator": "property", "organization": firm_org.pk}, content_type=JSON
    )
    assert by_firm.status_code == 200 and by_firm.json()["organization"] == firm_org.pk
    unknown_firm = api(council_a1.user).put(
        management, {**section, "operator": "property", "organization": 999999}, content_type=JSON
    )
    assert unknown_firm.status_code == 400 and unknown_firm.json()["code"] == "firm_kind"
    written = api(council_a1.user).put(management, section, content_type=JSON)
    assert written.status_code == 200 and written.json()["operator"] == "community"
    assert written.json()["organization"] is None
    assert written.json()["sources"] == ["fees"] and written.json()["fee_per_m2_month"] == "0.30"
    # Published for comment: drafting stops (409), and the approver may call the owners' vote.
    assert post(city.street_a_manager, "api-plan-publish", pk=pk).status_code == 200
    late = post(council_a1.user, "api-plan-items", item, pk=pk)
    assert late.status_code == 409 and late.json()["code"] == "state_changed"
    assert post(council_a1.user, "api-plan-vote", pk=pk).status_code == 403
    early = post(city.street_a_manager, "api-plan-vote", pk=pk)  # residents have PLAN_COMMENT_DAYS to comment
    assert early.status_code == 400 and early.json()["code"] == "comment_period"
    PlanVersion.objects.filter(pk=pk).update(published_at=timezone.now() - timedelta(days=7, minutes=1))
    called = post(city.street_a_manager, "api-plan-vote", pk=pk)
    assert called.status_code == 201 and called.json()["purpose"] == "plan" and called.json()["status"] == "open"
    assert PlanVersion.objects.get(pk=pk).status == "voting"
    assert post(city.street_a_manager, "api-plan-vote", pk=pk).status_code == 403  # the project is in plan_voting now


@pytest.mark.django_db
def test_award_through_the_api(city):
    p = adopted_project(city)
    code = p.project.code
    body = {"contractor": city.contractor_org.pk, "supervisor": city.supervisor_org.pk, "contract_amount": "95000.00"}
    # Wrong state: the budget is not published yet.
    assert post(city.street_a_manager, "api-award", body, code=code).status_code == 403
    publish_budget(city, p)
    assert post(city.street_a_staff, "api-award", body, code=code).status_code == 403
    assert post(city.street_b_staff, "api-award", body, code=code).status_code == 404
    wrong_kind = post(city.street_a_manager, "api-award", {"contractor": city.supervisor_org.pk}, code=code)
    assert wrong_kind.status_code == 400 and "contractor" in wrong_kind.json()["fields"]
    assert post(city.street_a_manager, "api-award", {"contractor": 999999}, code=code).status_code == 400
    no_record = post(city.street_a_manager, "api-award", body, code=code)  # the winner comes from a tender
    assert no_record.status_code == 400 and no_record.json()["code"] == "no_tender"
    f.procure(p.project, city.street_a_staff, "contractor", city.contractor_org)
    f.procure(p.project, city.street_a_staff, "supervisor", city.supervisor_org, Decimal("8000.00"))
    awarded = post(city.street_a_manager, "api-award", body, code=code)
    assert awarded.status_code == 201, awarded.content
    assert {(a["role"], a["organization"]) for a in awarded.json()} == {
        ("contractor", city.contractor_org.pk),
        ("supervisor", city.supervisor_org.pk),
    }
    same = post(city.street_a_manager, "api-award", {"contractor": city.contractor_org.pk}, code=code)
    assert same.status_code == 400 and same.json()["code"] == "same_organization"
    other = f.organization("contractor", "二号施工")
    no_reason = post(city.street_a_manager, "api-award", {"contractor": other.pk}, code=code)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    f.procure(p.project, city.street_a_staff, "contractor", other)
    replaced = post(city.street_a_manager, "api-award", {"contractor": other.pk, "reason": "工期严重滞后"}, code=code)
    assert replaced.status_code == 201 and len(replaced.json()) == 3
    assert {a["tender"] for a in replaced.json()} == set(
        Tender.objects.filter(project=p.project).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_ledger_reversal(city, world):
    code = world.project.code
    memo = {"memo": "金额录入错误"}
    assert post(city.owner_a1.user, "api-ledger-reverse", memo, code=code, seq=1).status_code == 403
    assert post(city.contractor, "api-ledger-reverse", memo, code=code, seq=1).status_code == 403
    assert post(city.street_b_staff, "api-ledger-reverse", memo, code=code, seq=1).status_code == 404
    assert post(city.street_a_staff, "api-ledger-reverse", memo, code=code, seq=99).status_code == 404
    assert post(city.street_a_staff, "api-ledger-reverse", {"memo": ""}, code=code, seq=1).status_code == 400
    reversed_ = post(city.street_a_staff, "api-ledger-reverse", memo, code=code, seq=1)
    assert reversed_.status_code == 201, reversed_.content
    assert reversed_.json()["seq"] == 2 and reversed_.json()["reverses"] == 1 and reversed_.json()["kind"] == "reversal"
    twice = post(city.street_a_staff, "api-ledger-reverse", memo, code=code, seq=1)
    assert twice.status_code == 409 and twice.json()["code"] == "already_reversed"
    of_reversal = post(city.street_a_staff, "api-ledger-reverse", memo, code=code, seq=2)
    assert of_reversal.status_code == 400 and of_reversal.json()["code"] == "cannot_reverse_reversal"


@pytest.mark.django_db
def test_milestones_added_and_updated(city, world):
    code = world.project.code
    new = {"title": "外墙涂料完成", "type": "delivery", "due_date": str(timezone.localdate() + timedelta(days=20))}
    assert post(city.owner_a1.user, "api-milestones", new, code=code).status_code == 403
    assert post(city.street_a_staff, "api-milestones", new, code=code).status_code == 403
    assert api().post(reverse("api-milestones", kwargs={"code": code}), new, content_type=JSON).status_code in (
        401,
        403,
    )
    assert (
        post(f.staff(f.organization("contractor", "别家施工"), "other_c"), "api-milestones", new, code=code).status_code
        == 404
    )
    added = post(city.contractor, "api-milestones", new, code=code)
    assert added.status_code == 201 and added.json()["status"] == "scheduled"
    pk = added.json()["id"]
    assert post(city.owner_a1.user, "api-milestone-status", {"status": "met"}, code=code, pk=pk).status_code == 403
    no_date = post(city.contractor, "api-milestone-status", {"status": "met"}, code=code, pk=pk)
    assert no_date.status_code == 400 and "date_met" in no_date.json()["fields"]
    met = post(
        city.contractor,
        "api-milestone-status",
        {"status": "met", "date_met": str(timezone.localdate())},
        code=code,
        pk=pk,
    )
    assert met.status_code == 200 and met.json()["status"] == "met"
    assert post(city.contractor, "api-milestone-status", {"status": "met"}, code=code, pk=999999).status_code == 404
    # Wrong state: once the works are completed the contractor's desk is closed.
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.COMPLETED)
    assert post(city.contractor, "api-milestones", new, code=code).status_code == 403


@pytest.mark.django_db
def test_survey_desk_letters_and_paper_answers(city, world):
    survey = world.invitation.survey
    letters = api(city.comm_a1_staff).get(reverse("api-survey-letters", kwargs={"pk": survey.pk}), {"all": "1"})
    assert letters.status_code == 200, letters.content
    rows = letters.json()["results"]
    assert {r["invitation"] for r in rows} == set(Invitation.objects.filter(survey=survey).values_list("pk", flat=True))
    assert all(r["url"].startswith("http") and "/answer/" in r["url"] for r in rows)
    assert api(city.owner_a1.user).get(reverse("api-survey-letters", kwargs={"pk": survey.pk})).status_code == 404
    assert api(city.street_a_staff).get(reverse("api-survey-letters", kwargs={"pk": survey.pk})).status_code == 403
    assert api(city.comm_b1_staff).get(reverse("api-survey-letters", kwargs={"pk": survey.pk})).status_code == 404
    paper = {"invitation": world.invitation.pk, **answers(4)}
    assert post(city.street_a_staff, "api-survey-paper", paper, pk=survey.pk).status_code == 403
    assert post(city.comm_b1_staff, "api-survey-paper", paper, pk=survey.pk).status_code == 404
    assert (
        post(city.comm_a1_staff, "api-survey-paper", {**paper, "invitation": 999999}, pk=survey.pk).status_code == 400
    )
    assert post(city.comm_a1_staff, "api-survey-paper", {**paper, "overall": 9}, pk=survey.pk).status_code == 400
    recorded = post(city.comm_a1_staff, "api-survey-paper", paper, pk=survey.pk)
    assert recorded.status_code == 201, recorded.content
    assert Response.objects.get(invitation=world.invitation).channel == Response.Channel.PAPER
    twice = post(city.comm_a1_staff, "api-survey-paper", paper, pk=survey.pk)
    assert twice.status_code == 409 and twice.json()["code"] == "already_answered"
    # The answered household is no longer among the letters; a closed survey takes no more.
    again = (
        api(city.comm_a1_staff)
        .get(reverse("api-survey-letters", kwargs={"pk": survey.pk}), {"all": "1"})
        .json()["results"]
    )
    assert world.invitation.pk not in {r["invitation"] for r in again}
    type(survey).objects.filter(pk=survey.pk).update(
        opened_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    other = Invitation.objects.filter(survey=survey, response__isnull=True).first()
    assert (
        post(city.comm_a1_staff, "api-survey-paper", {**paper, "invitation": other.pk}, pk=survey.pk).status_code == 403
    )


@pytest.mark.django_db
def test_survey_letters_query_count_is_flat(city, world):
    from feedback import services as voice
    from tests.feedback.conftest import bulk_estate, completed_project

    estate = bulk_estate(city, 5, community=city.comm_a1)
    survey = voice.survey_open(project=completed_project(city, estate.estate), kind="completion")
    url = reverse("api-survey-letters", kwargs={"pk": survey.pk})
    client = api(city.comm_a1_staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"all": "1"}).status_code == 200
        return len(ctx.captured_queries)

    count()  # warm the process-wide caches
    small = count()
    big = bulk_estate(city, 50, community=city.comm_a1)
    survey = voice.survey_open(project=completed_project(city, big.estate), kind="completion")
    url = reverse("api-survey-letters", kwargs={"pk": survey.pk})
    assert count() == small <= 8
    assert len(client.get(url, {"all": "1"}).json()["results"]) == 50


def _walk(client, url, **query) -> list[dict]:
    """Every row of a cursor-paginated list, following `next`."""
    rows, seen_urls = [], set()
    response = client.get(url, query).json()
    while True:
        assert set(response) == {"next", "previous", "results"}
        rows += response["results"]
        if not response["next"]:
            return rows
        assert response["next"] not in seen_urls
        seen_urls.add(response["next"])
        response = client.get(response["next"]).json()


@pytest.mark.django_db
def test_needs_and_ledger_lists_are_cursor_paginated_in_their_order(city, world, owners):
    from projects import selectors
    from projects.models import CatalogItem, NeedSupport
    from tests.disclosure.conftest import income

    lighting = CatalogItem.objects.get(code="lighting")
    for k in range(6):
        need = Need.objects.create(project=world.project, catalog_item=lighting, filed_by=city.owner_a1, text=f"灯{k}")
        for owner in owners[: k % 4]:  # ties in the support count: the cursor must not skip or repeat
            NeedSupport.objects.create(need=need, resident=owner)
    client = api(city.owner_a1.user)
    rows = _walk(client, reverse("api-needs", kwargs={"code": world.project.code}), page_size=2)
    expected = [n.pk for n in selectors.needs_ranked(world.project, city.owner_a1.user)]
    assert [r["id"] for r in rows] == expected and len(expected) == 7
    assert [r["supports"] for r in rows] == sorted((r["supports"] for r in rows), reverse=True)
    for k in range(4):
        income(city, world, amount=f"{k + 1}.00")
    entries = _walk(api(), reverse("api-ledger", kwargs={"code": world.project.code}), page_size=2)
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert all(e["prev_hash"] == before["hash"] for before, e in zip(entries, entries[1:]))  # the chain, across pages


@pytest.mark.django_db
def test_budget_drafted_and_corrected_through_the_api(city, world):
    p = adopted_project(city)
    code = p.project.code
    url = reverse("api-budget", kwargs={"code": code})
    draft = {
        "total": "100000.00",
        "lines": {"central_subsidy": "40000.00", "local_finance": "50000.00", "residents": "10000.00"},
    }
    assert post(city.owner_a1.user, "api-budget", draft, code=code).status_code == 403
    assert post(city.comm_a1_staff, "api-budget", draft, code=code).status_code == 403  # the street office drafts
    assert post(city.street_b_staff, "api-budget", draft, code=code).status_code == 404
    assert api().post(url, draft, content_type=JSON).status_code in (401, 403)
    uneven = post(city.street_a_staff, "api-budget", {**draft, "total": "99999.00"}, code=code)
    assert uneven.status_code == 400 and uneven.json()["code"] == "lines_mismatch"
    unknown = post(city.street_a_staff, "api-budget", {**draft, "lines": {"lottery": "100000.00"}}, code=code)
    assert unknown.status_code == 400 and "lines" in unknown.json()["fields"]
    created = post(city.street_a_staff, "api-budget", draft, code=code)
    assert created.status_code == 201 and created.json()["status"] == "draft" and created.json()["total"] == "100000.00"
    # What the owners pay is what they voted for in the plan (¥10,000): the budget cannot change it.
    off_plan = post(
        city.street_a_staff, "api-budget", {"total": "90000.00", "lines": {"central_subsidy": "90000.00"}}, code=code
    )
    assert off_plan.status_code == 400 and off_plan.json()["code"] == "owners_line"
    assert "fund_residents" in off_plan.json()["fields"]
    corrected = post(
        city.street_a_staff,
        "api-budget",
        {"total": "90000.00", "lines": {"central_subsidy": "80000.00", "residents": "10000.00"}},
        code=code,
    )
    assert corrected.status_code == 200
    assert corrected.json()["lines"] == {"central_subsidy": "80000.00", "residents": "10000.00"}
    assert post(city.street_a_manager, "api-budget-approve", code=code).status_code == 200
    late = post(city.street_a_staff, "api-budget", draft, code=code)
    assert late.status_code == 409 and late.json()["code"] == "state_changed"
    # Wrong state: a project under construction has its budget.
    assert post(city.street_a_staff, "api-budget", draft, code=world.project.code).status_code in (403, 409)


@pytest.mark.django_db
def test_sponsorship_withdrawn_through_the_api(city, world):
    url = "api-sponsorship-withdraw"
    assert post(city.owner_b1.user, url, pk=world.sponsorship.pk).status_code == 404  # not yours
    invited = post(city.owner_a1.user, url, pk=world.sponsorship.pk)
    assert invited.status_code == 400 and invited.json()["code"] == "cannot_withdraw"  # only a confirmed signature
    Sponsorship.objects.filter(pk=world.sponsorship.pk).update(status=Sponsorship.Status.CONFIRMED)
    withdrawn = post(city.owner_a1.user, url, pk=world.sponsorship.pk)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert post(city.owner_a1.user, url, pk=world.sponsorship.pk).status_code == 400


@pytest.mark.django_db
def test_survey_answered_with_a_households_link(city, world):
    from feedback import tokens

    invitation = world.invitation
    body = {"invitation": invitation.pk, "token": tokens.make_token(invitation), **answers(5)}
    anonymous = api()
    forged = anonymous.post(
        reverse("api-link-answer"), {**body, "token": body["token"][:-3] + "abc"}, content_type=JSON
    )
    assert forged.status_code == 400 and forged.json()["code"] in ("forged", "expired")
    other = Invitation.objects.filter(survey=invitation.survey).exclude(pk=invitation.pk).first()
    assert (
        anonymous.post(reverse("api-link-answer"), {**body, "invitation": other.pk}, content_type=JSON).json()["code"]
        == "forged"
    )
    recorded = anonymous.post(reverse("api-link-answer"), body, content_type=JSON)
    assert (
        recorded.status_code == 201 and Response.objects.get(invitation=invitation).channel == Response.Channel.ONLINE
    )
    twice = anonymous.post(reverse("api-link-answer"), body, content_type=JSON)
    assert twice.status_code == 409 and twice.json()["code"] == "already_answered"


@pytest.mark.django_db
def test_need_filed_with_a_photo(city, planning):
    from tests.disclosure.test_public_pages import photo_upload

    project, _needs = planning
    url = reverse("api-needs", kwargs={"code": project.code})
    filed = api(city.owner_a1.user).post(url, {"item": "lighting", "text": "楼道灯坏了", "photo": photo_upload()})
    assert filed.status_code == 201, filed.content
    assert Need.objects.get(pk=filed.json()["id"]).photo
    from django.core.files.uploadedfile import SimpleUploadedFile

    text_file = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    not_an_image = api(city.owner_a1.user).post(url, {"item": "lighting", "text": "x", "photo": text_file})
    assert not_an_image.status_code == 400 and "photo" in not_an_image.json()["fields"]
    assert api(city.owner_b1.user).post(url, {"item": "lighting", "text": "x"}).status_code == 404


@pytest.mark.django_db
def test_notices_read_and_their_channels(city, world):
    owner = api(city.owner_a1.user)
    read = owner.post(reverse("api-notification-read", kwargs={"pk": world.notification.pk}))
    assert read.status_code == 200 and read.json()["read_at"]
    assert (
        api(city.owner_b1.user).post(reverse("api-notification-read", kwargs={"pk": world.notification.pk})).status_code
        == 404
    )
    url = reverse("api-notification-settings")
    before = owner.get(url).json()["channels"]
    assert set(before) == set(Notification.Kind.values)
    saved = owner.put(url, {"channels": {"vote_opened": ["sms", "email"], "need_triaged": []}}, content_type=JSON)
    assert saved.status_code == 200 and saved.json()["channels"]["vote_opened"] == ["email", "sms"]
    assert saved.json()["channels"]["need_triaged"] == []
    assert owner.put(url, {"channels": {"lottery": ["sms"]}}, content_type=JSON).status_code == 400
    assert owner.put(url, {"channels": {"vote_opened": ["pigeon"]}}, content_type=JSON).status_code == 400
    assert api().get(url).status_code in (401, 403)


@pytest.mark.django_db
def test_household_claims_reviewed_by_the_committee(city):
    from stakeholders.models import Ownership

    staff = api(city.comm_a1_staff)
    queue = staff.get(reverse("api-claim-reviews"))
    assert queue.status_code == 200 and [c["id"] for c in queue.json()["results"]] == [city.pending_a1.pk]
    assert api(city.owner_a1.user).get(reverse("api-claim-reviews")).status_code == 403
    assert api(city.comm_b1_staff).get(reverse("api-claim-reviews")).json()["results"][0]["id"] == city.pending_b1.pk
    pk = city.pending_a1.pk
    assert (
        api(city.comm_b1_staff).post(reverse("api-claim-verify", kwargs={"pk": pk}), {}, content_type=JSON).status_code
        == 404
    )
    assert (
        api(city.owner_a1.user).post(reverse("api-claim-verify", kwargs={"pk": pk}), {}, content_type=JSON).status_code
        == 404
    )
    no_reason = staff.post(reverse("api-claim-reject", kwargs={"pk": pk}), {"reason": ""}, content_type=JSON)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    verified = staff.post(reverse("api-claim-verify", kwargs={"pk": pk}), {}, content_type=JSON)
    assert (
        verified.status_code == 200
        and verified.json()["status"] == "verified"
        and verified.json()["is_voting_owner"] is True
    )
    again = staff.post(reverse("api-claim-reject", kwargs={"pk": pk}), {"reason": "x"}, content_type=JSON)
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Ownership.objects.get(pk=pk).status == Ownership.Status.VERIFIED
    rejected = api(city.comm_b1_staff).post(
        reverse("api-claim-reject", kwargs={"pk": city.pending_b1.pk}), {"reason": "照片看不清"}, content_type=JSON
    )
    assert rejected.status_code == 200 and rejected.json()["rejection_reason"] == "照片看不清"
    assert staff.get(reverse("api-claim-reviews"), {"status": "verified"}).json()["results"][-1]["id"] == pk


@pytest.mark.django_db
def test_register_then_claim_a_household_through_the_api(city):
    from stakeholders.models import Ownership

    anonymous = api()
    asked = anonymous.post(reverse("api-register-code"), {"identifier": "139 1234 5678"}, content_type=JSON)
    assert asked.status_code == 202 and asked.json() == {"sent_to": "139****5678", "minutes": 10}
    again = anonymous.post(reverse("api-register-code"), {"identifier": "13912345678"}, content_type=JSON)
    assert again.status_code == 429 and again.json()["code"] == "code_too_soon" and again["Retry-After"] == "60"
    body = {
        "name": "王五",
        "identifier": "13912345678",
        "code": f.sent_code("13912345678"),
        "password": "lychee-market-2026",
        "consent": True,
    }
    assert anonymous.post(reverse("api-register"), {**body, "consent": False}, content_type=JSON).json()[
        "fields"
    ].keys() == {"consent"}
    weak = anonymous.post(reverse("api-register"), {**body, "password": "123"}, content_type=JSON)
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    assert anonymous.post(reverse("api-register"), {**body, "identifier": "nope"}, content_type=JSON).status_code == 400
    registered = anonymous.post(reverse("api-register"), body, content_type=JSON)
    assert registered.status_code == 201, registered.content
    taken = anonymous.post(reverse("api-register"), body, content_type=JSON)  # the code is used up
    assert taken.status_code == 400 and taken.json()["code"] == "code_invalid" and "code" in taken.json()["fields"]
    resident = token_client(registered.json()["token"])
    home = city.homes_a1[3]
    claim = {"estate": city.estate_a1.code, "building": home.building.number, "unit": home.unit, "room": home.room}
    nowhere = resident.post(reverse("api-claims"), {**claim, "room": "9999", "proof": f.proof_file("deed.png")})
    assert nowhere.status_code == 400 and nowhere.json()["code"] == "mismatch"
    claimed = resident.post(reverse("api-claims"), {**claim, "proof": f.proof_file("deed.png")})
    assert claimed.status_code == 201 and claimed.json()["status"] == "pending", claimed.content
    twice = resident.post(reverse("api-claims"), {**claim, "proof": f.proof_file("deed.png")})
    assert twice.status_code == 409 and twice.json()["code"] == "duplicate_claim"
    assert [c["status"] for c in resident.get(reverse("api-claims")).json()] == ["pending"]
    assert (
        api(city.street_a_staff).post(reverse("api-claims"), {**claim, "proof": f.proof_file("deed.png")}).status_code
        == 403
    )
    # The committee sees it in its queue, the other community's does not.
    assert claimed.json()["id"] in [
        c["id"] for c in api(city.comm_a1_staff).get(reverse("api-claim-reviews")).json()["results"]
    ]
    assert claimed.json()["id"] not in [
        c["id"] for c in api(city.comm_b1_staff).get(reverse("api-claim-reviews")).json()["results"]
    ]
    assert Ownership.objects.get(pk=claimed.json()["id"]).resident.user.username == "13912345678"


def token_client(token):
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.django_db
def test_paper_ballot_desk_lists_the_electorate(city, world):
    url = reverse("api-paper-ballot", kwargs={"code": world.vote.code})
    desk = api(city.comm_a1_staff).get(url)
    assert desk.status_code == 200, desk.content
    rows = desk.json()["results"]
    assert len(rows) == world.vote.electorate_owners and {"id", "label", "area", "has_account", "voted"} == set(rows[0])
    assert all(r["voted"] is None for r in rows)
    assert api(city.owner_a1.user).get(url).status_code == 403  # names and units are for staff
    assert api(city.comm_b1_staff).get(url).status_code == 404
    assert (
        api(city.owner_a1.user)
        .post(reverse("api-ballot", kwargs={"code": world.vote.code}), {"choice": "agree"}, content_type=JSON)
        .status_code
        == 201
    )
    voted = api(city.street_a_manager).get(url, {"q": city.homes_a1[0].room}).json()["results"]
    assert [r["voted"] for r in voted] == ["online"]


@pytest.mark.django_db
def test_ledger_entry_with_its_voucher(city, world):
    from disclosure.models import LedgerEntry

    url = reverse("api-ledger", kwargs={"code": world.project.code})
    entry = {
        "date": str(timezone.localdate()),
        "kind": "income",
        "amount": "800.00",
        "counterparty": "南宁市财政局",
        "source": "local_finance",
    }
    recorded = api(city.street_a_staff).post(url, {**entry, "voucher": f.proof_file("invoice.pdf")})
    assert recorded.status_code == 201, recorded.content
    assert LedgerEntry.objects.get(project=world.project, seq=recorded.json()["seq"]).voucher
    assert "voucher" not in recorded.json()  # kept by the street office, not published
    assert api(city.street_a_staff).post(url, entry, content_type=JSON).status_code == 201  # JSON still works


@pytest.mark.django_db
def test_new_lists_keep_their_query_counts_with_10x_data_and_any_page_size(city):
    """The paper-ballot desk and the claim queue: the same number of queries for 5 or 50 rows, and
    for a page of 2 or of 50."""
    from projects import services as p
    from stakeholders.models import Ownership, Resident
    from tests.feedback.conftest import bulk_estate

    manager = User.objects.get(pk=city.street_a_manager.pk)

    def desk_of(n):
        estate = bulk_estate(city, n, community=city.comm_a1).estate
        project = p.project_create(estate=estate, title="加装电梯", actor=None)
        vote = p.vote_create(
            project=project,
            purpose="other",
            title="加装电梯",
            matter="special",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=3),
            actor=manager,
        )
        p.vote_open(vote=vote, actor=manager)
        return reverse("api-paper-ballot", kwargs={"code": vote.code})

    def claims(n):
        estate = bulk_estate(city, n, community=city.comm_a1, with_accounts=0)
        users = User.objects.bulk_create([User(username=f"claimant{estate.estate.pk}-{k}") for k in range(n)])
        residents = Resident.objects.bulk_create([Resident(user=u, name=f"申请人{k}") for k, u in enumerate(users)])
        Ownership.objects.bulk_create(
            [Ownership(resident=r, household=h, proof="x.png") for r, h in zip(residents, estate.homes)]
        )

    def count(url, **query):
        with CaptureQueriesContext(connection) as ctx:
            response = api(city.comm_a1_staff).get(url, query)
            assert response.status_code == 200, response.content
        return len(ctx.captured_queries), len(response.json()["results"])

    small_desk = desk_of(5)
    claims(5)
    count(small_desk)  # warm the process-wide caches
    measured_small = [count(small_desk), count(reverse("api-claim-reviews"))]
    big_desk = desk_of(50)
    claims(45)
    measured_big = [count(big_desk), count(reverse("api-claim-reviews"))]
    paged = [count(big_desk, page_size=2), count(reverse("api-claim-reviews"), page_size=2)]
    assert [q for q, _rows in measured_small] == [q for q, _rows in measured_big] == [q for q, _rows in paged]
    assert [rows for _q, rows in measured_big] == [50, 50] and [rows for _q, rows in paged] == [2, 2]
    assert max(q for q, _rows in measured_big) <= 8


@pytest.mark.django_db
def test_private_files_through_the_api(city, world):
    from .test_api import with_private_files

    w = with_private_files(city, world)
    photo = reverse("api-need-photo", kwargs={"pk": w.need.pk})
    got = api(city.owner_a1.user).get(photo)
    assert (
        got.status_code == 200 and got["Content-Type"] == "image/jpeg" and got["Cache-Control"] == "private, no-store"
    )
    assert api().get(photo).status_code in (401, 403)
    scan = reverse("api-ballot-scan", kwargs={"code": w.vote.code, "pk": w.paper_ballot.pk})
    assert api(city.comm_a1_staff).get(scan).status_code == 200
    assert api(city.owner_a1.user).get(scan).status_code == 403
    voucher = reverse("api-ledger-voucher", kwargs={"code": w.project.code, "seq": w.voucher_seq})
    assert api(city.street_a_staff).get(voucher).status_code == 200
    assert api(city.owner_a1.user).get(voucher).status_code == 403
    assert (
        api(city.street_a_staff)
        .get(reverse("api-ledger-voucher", kwargs={"code": w.project.code, "seq": 1}))
        .status_code
        == 404
    )  # none
    proof = reverse("api-claim-proof", kwargs={"pk": city.pending_a1.pk})
    assert api(city.comm_a1_staff).get(proof).status_code == 200
    assert api(city.claimant_a1.user).get(proof).status_code == 200  # their own
    assert api(city.owner_a1.user).get(proof).status_code == 404


@pytest.mark.django_db
def test_answering_an_invitation_twice_is_a_documented_409(city, world):
    first = post(city.owner_a1.user, "api-sponsorship-answer", {"confirm": True}, pk=world.sponsorship.pk)
    assert first.status_code == 200
    again = post(city.owner_a1.user, "api-sponsorship-answer", {"confirm": True}, pk=world.sponsorship.pk)
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    from drf_spectacular.generators import SchemaGenerator

    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/v1/sponsorships/{id}/answer/"]
    assert "409" in operation["post"]["responses"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "opens, closes, field, code",
    [
        ("1516-03-01T09:00:00+08:00", "1516-03-15T09:00:00+08:00", "opens_at", "opens_in_past"),
        ("-2d", "+5d", "opens_at", "opens_in_past"),
        ("+1h", "+400d", "closes_at", "too_long"),
        ("+1h", "+1h", "closes_at", None),  # the serializer's own rule: closes after it opens
    ],
)
def test_a_vote_window_has_sane_bounds(city, world, opens, closes, field, code):
    """A vote cannot open in the past (nor in 1516, which the API used to accept and then print as
    +08:05:43, Shanghai's mean solar time), nor run longer than a year."""
    now = timezone.now()

    def when(text):
        if text[0] in "+-":
            amount, unit = int(text[1:-1]), text[-1]
            delta = timedelta(days=amount) if unit == "d" else timedelta(hours=amount)
            return (now + delta if text[0] == "+" else now - delta).isoformat()
        return text

    draft = {
        "title": "加装电梯",
        "matter": "ordinary",
        "scope": "estate",
        "opens_at": when(opens),
        "closes_at": when(closes),
    }
    answer = post(city.street_a_manager, "api-vote-create", draft, code=world.project.code)
    assert answer.status_code == 400
    body = answer.json()
    assert field in body["fields"]
    if code:
        assert body["fields"][field][0]["code"] == code
