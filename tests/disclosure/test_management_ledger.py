"""The handover at acceptance and the management ledger (issue 20 item 4): the firm the owners
voted for gets the estate; after acceptance the project's ledger goes on as the management ledger
(same chain, same check), counted apart from the renovation money; who keeps it in each state."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure import ledger, services
from disclosure import permissions as dp
from disclosure import selectors as pub
from disclosure.models import Budget
from projects import permissions as pp
from projects.models import Award, PlanManagement, Project
from stakeholders.models import Organization
from tests import factories as f
from tests.projects.test_hearings import client_for
from tests.stakeholders.test_services import codes

from .conftest import accept, expense, income

TODAY = timezone.localdate


def firm_and_staff():
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业")
    return firm, f.staff(firm, "property_a")


def manage(p, firm=None):
    operator = PlanManagement.Operator.PROPERTY if firm else PlanManagement.Operator.COMMUNITY
    f.management(p.version, operator=operator, organization=firm)


def record(p, actor, category="mgmt_parking", amount="1200.00", **kw):
    return services.management_record(
        project=p.project,
        actor=actor,
        date=kw.pop("date", TODAY()),
        amount=Decimal(amount),
        counterparty=kw.pop("counterparty", "停车场（24个车位）"),
        category=category,
        **kw,
    )


@pytest.mark.django_db
def test_acceptance_hands_the_estate_to_the_firm_the_owners_voted_for(city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    assert not pp.is_project_manager(staff, contracted.project)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    award = Award.objects.get(project=project, role=Award.Role.MANAGER)
    assert award.organization == firm and award.ended_at is None
    staff = type(staff).objects.get(pk=staff.pk)  # permission checks are cached on the user object
    assert pp.is_project_manager(staff, project) and pp.can_view_project(staff, project)
    assert project.events.filter(note__contains="邕江物业").exists()
    assert not pp.is_project_manager(city.contractor, project)


@pytest.mark.django_db
def test_no_firm_in_the_section_hands_over_to_no_one(city, council_a1, contracted):
    manage(contracted)
    accept(city, contracted, council_a1)
    assert not Award.objects.filter(project=contracted.project, role=Award.Role.MANAGER).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Project.Status.values))
@pytest.mark.parametrize("handed_over", [True, False])
def test_who_keeps_the_management_ledger_when(city, council_a1, contracted, status, handed_over):
    firm, staff = firm_and_staff()
    if handed_over:
        manage(contracted, firm)
        accept(city, contracted, council_a1)
    Project.objects.filter(pk=contracted.project.pk).update(status=status)
    budget = Budget.objects.get(project=contracted.project)
    after = status in (Project.Status.COMPLETED, Project.Status.MAINTAINED)
    expected = {
        staff: after and handed_over,
        city.comm_a1_staff: after and not handed_over,
        city.comm_a2_staff: False,
        city.street_a_staff: False,
        city.street_a_manager: False,
        city.contractor: False,
        city.supervisor: False,
        council_a1.user: False,
        city.owner_a1.user: False,
        city.bureau: False,
    }
    for user, ok in expected.items():
        project = Project.objects.get(pk=contracted.project.pk)
        assert dp.can_record_management(user, project, budget) is ok, user
    keeper = staff if handed_over else city.comm_a1_staff
    if after:
        record(contracted, keeper)
    else:
        with pytest.raises(PermissionDenied):
            record(contracted, keeper)


@pytest.mark.django_db
def test_the_management_ledger_continues_the_chain_and_is_counted_apart(client, city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    income(city, contracted, amount="60000.00")
    expense(city, contracted, amount="20000.00", item=contracted.roof)
    accept(city, contracted, council_a1)
    budget_before = Budget.objects.get(project=contracted.project)
    before = pub.ledger_documents(contracted.project)
    parking = record(contracted, staff, "mgmt_parking", "4320.00")
    repair = record(contracted, staff, "mgmt_maintenance_fund", "2800.00", counterparty="南宁防水工程有限公司")
    assert (parking.seq, repair.seq) == (len(before) + 1, len(before) + 2)
    assert parking.prev_hash == before[-1]["hash"]
    documents = pub.ledger_documents(contracted.project)
    assert ledger.verify_chain(documents).ok
    assert ledger.totals(documents) == ledger.totals(before)  # the renovation money is unchanged
    assert ledger.totals(documents, management=True) == {
        "income": "4320.00",
        "expense": "2800.00",
        "balance": "1520.00",
    }
    budget = Budget.objects.get(project=contracted.project)
    assert (budget.ledger_income, budget.ledger_spent) == (budget_before.ledger_income, budget_before.ledger_spent)
    services.ledger_totals_refresh(project_ids=[contracted.project.pk])
    budget.refresh_from_db()
    assert (budget.ledger_income, budget.ledger_spent) == (budget_before.ledger_income, budget_before.ledger_spent)
    published = json.loads(client.get(reverse("disclosure:ledger_json", args=[contracted.project.code])).content)
    assert published["management_totals"]["balance"] == "1520.00"
    assert published["totals"] == ledger.totals(before)
    assert {e["category"] for e in published["entries"]} >= {"mgmt_parking", "mgmt_maintenance_fund"}
    oc4ids = client.get(reverse("disclosure:oc4ids")).json()
    ours = next(p for p in oc4ids["projects"] if p["id"] == contracted.project.code)
    assert ours["completion"]["finalValue"]["amount"] == 20000.0  # not the maintenance spending


@pytest.mark.django_db
def test_what_the_management_ledger_refuses(city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    for kw, code in [
        ({"category": "central_subsidy"}, "management_category"),
        ({"category": "roof"}, "management_category"),
        ({"category": "mgmt_fees", "amount": "0"}, "amount_positive"),
        ({"category": "mgmt_fees", "counterparty": " "}, "counterparty_required"),
        ({"category": "mgmt_fees", "date": TODAY() + timedelta(days=1)}, "future_date"),
    ]:
        with pytest.raises(ValidationError) as error:
            record(contracted, staff, **kw)
        assert codes(error.value) == {code}
    # the firm keeps only the management part; the street office only the renovation money's
    with pytest.raises(PermissionDenied):
        services.ledger_record(
            project=contracted.project,
            actor=staff,
            date=TODAY(),
            kind="income",
            amount=Decimal("1"),
            counterparty="x",
            source="central_subsidy",
        )
    with pytest.raises(PermissionDenied):
        record(contracted, city.street_a_staff)
    entry = record(contracted, staff, "mgmt_upkeep", "640.00")
    with pytest.raises(PermissionDenied):
        services.ledger_reverse(entry=entry, actor=city.street_a_staff, memo="录错")
    reversal = services.ledger_reverse(entry=entry, actor=staff, memo="重复录入")
    assert reversal.category == "mgmt_upkeep"
    documents = pub.ledger_documents(contracted.project)
    assert ledger.totals(documents, management=True)["expense"] == "0.00" and ledger.verify_chain(documents).ok
    again = record(contracted, staff, "mgmt_fees", submission_key="k1")
    assert record(contracted, staff, "mgmt_fees", submission_key="k1").pk == again.pk  # a double tap


@pytest.mark.django_db
def test_the_manager_records_on_the_ledger_page_and_the_public_sees_it(client, city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    code = contracted.project.code
    url = reverse("disclosure:ledger", args=[code])
    manager = client_for(staff)
    assert 'data-testid="management-form"' in manager.get(url).content.decode()
    assert 'data-testid="management-form"' not in client_for(city.street_a_staff).get(url).content.decode()
    typed = {"part": "management", "category": "mgmt_parking", "amount": "", "counterparty": "停车场（24个车位）"}
    response = manager.post(url, {**typed, "date": TODAY().isoformat()})
    html = response.content.decode()
    assert response.status_code == 400 and "停车场（24个车位）" in html and 'aria-invalid="true"' in html
    response = manager.post(url, {**typed, "date": TODAY().isoformat(), "amount": "4320"})
    assert response.status_code == 302
    assert client_for(city.street_a_staff).post(url, {**typed, "amount": "1"}).status_code == 403
    assert client_for(city.street_b_staff).post(url, {**typed, "amount": "1"}).status_code == 404
    public = client.get(reverse("disclosure:project", args=[code])).content.decode()
    assert 'data-testid="management-totals"' in public and "4,320.00" in public
    assert "物业" in public and "邕江物业" in public  # the manager is named on the public page
    page = client.get(url).content.decode()
    assert 'data-testid="management-entry"' in page and "停车收入" in page


@pytest.mark.django_db
def test_the_ledger_page_with_management_entries_keeps_its_budget(
    city, council_a1, contracted, django_assert_max_num_queries
):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    for i in range(20):
        record(contracted, staff, "mgmt_fees", f"{100 + i}.00")
    manager = client_for(staff)
    url = reverse("disclosure:ledger", args=[contracted.project.code])
    manager.get(url)
    with django_assert_max_num_queries(22):
        assert manager.get(url).status_code == 200


# --- maintenance records (维修养护记录) -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Project.Status.values))
def test_who_records_maintenance_when(city, council_a1, contracted, status):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    Project.objects.filter(pk=contracted.project.pk).update(status=status)
    after = status in (Project.Status.COMPLETED, Project.Status.MAINTAINED)
    for user, ok in [
        (staff, after),
        (city.comm_a1_staff, False),  # the estate was handed to a firm
        (city.street_a_staff, False),
        (city.contractor, False),
        (council_a1.user, False),
        (city.owner_a1.user, False),
    ]:
        assert dp.can_post_maintenance(user, Project.objects.get(pk=contracted.project.pk)) is ok


@pytest.mark.django_db
def test_maintenance_is_checked_posted_with_photos_and_public_without_names(client, city, council_a1, contracted):
    from .test_public_pages import photo_upload

    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    other = f.organization(Organization.Kind.PROPERTY_MANAGER, "别家物业")
    for kw, code in [
        ({"work": " "}, "work_required"),
        ({"done_on": TODAY() + timedelta(days=1)}, "future_date"),
        ({"done_on": TODAY() - timedelta(days=1)}, "before_acceptance"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.maintenance_post(project=project, actor=staff, **({"done_on": TODAY(), "work": "清理落水口"} | kw))
        assert codes(error.value) == {code}
    with pytest.raises(PermissionDenied):
        services.maintenance_post(project=project, actor=f.staff(other, "other_pm"), done_on=TODAY(), work="x")
    url = reverse("disclosure:maintenance", args=[project.code])
    manager = client_for(staff)
    response = manager.post(url, {"done_on": TODAY().isoformat(), "work": ""})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    response = manager.post(
        url,
        {
            "done_on": TODAY().isoformat(),
            "work": "雨季前检查屋面，清理落水口",
            "plan_item": contracted.roof.pk,
            "photos": [photo_upload()],
        },
    )
    assert response.status_code == 302
    record = project.maintenance_records.get()
    assert record.organization == firm and record.photos.count() == 1
    page = client.get(url).content.decode()
    assert "雨季前检查屋面" in page and "邕江物业" in page and staff.username not in page
    photo = record.photos.get()
    assert client.get(reverse("disclosure:maintenance_photo", args=[photo.pk, "thumb"])).status_code == 200
    assert client_for(city.street_a_staff).post(url, {"done_on": TODAY().isoformat(), "work": "x"}).status_code == 403
    assert (
        'data-testid="public-maintenance"'
        in client.get(reverse("disclosure:project", args=[project.code])).content.decode()
    )


@pytest.mark.django_db
def test_the_community_keeps_an_estate_no_firm_was_handed(city, council_a1, contracted, django_assert_max_num_queries):
    manage(contracted)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    record = services.maintenance_post(project=project, actor=city.comm_a1_staff, done_on=TODAY(), work="更换楼道灯")
    assert record.organization.kind == Organization.Kind.COMMUNITY_COMMITTEE
    for i in range(10):
        services.maintenance_post(project=project, actor=city.comm_a1_staff, done_on=TODAY(), work=f"巡查 {i}")
    with django_assert_max_num_queries(8):
        from django.test import Client

        assert Client().get(reverse("disclosure:maintenance", args=[project.code])).status_code == 200


@pytest.mark.django_db
def test_the_management_ledger_through_the_api(city, council_a1, contracted):
    from rest_framework.test import APIClient

    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    url = f"/api/v1/projects/{contracted.project.code}/management-ledger/"
    body = {"date": TODAY().isoformat(), "category": "mgmt_parking", "amount": "4320.00", "counterparty": "小区停车场"}
    api = APIClient()
    api.force_authenticate(city.street_a_staff)
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(staff)
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == 201 and first.json()["category"] == "mgmt_parking"
    assert again.json()["seq"] == first.json()["seq"]
    bad = api.post(url, {**body, "category": "central_subsidy"}, format="json")
    assert bad.status_code == 400
    entries = api.get(f"/api/v1/projects/{contracted.project.code}/ledger/").json()["results"]
    assert entries[-1]["category"] == "mgmt_parking"


# --- the manager rated (issue 20 item 5, first part) --------------------------------------------------


def scores(n: int, management=None) -> dict:
    given = dict.fromkeys(("overall", "quality", "schedule", "communication", "conduct", "transparency"), n)
    return given | ({"management": management} if management is not None else {})


@pytest.mark.django_db
def test_the_follow_up_survey_rates_the_manager_and_the_public_sees_it(
    client, city, council_a1, contracted, django_assert_max_num_queries
):
    from feedback import services as voice
    from feedback.models import Survey

    firm, staff = firm_and_staff()
    manage(contracted, firm)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    completion = voice.survey_open(project=project, kind=Survey.Kind.COMPLETION)
    assert completion.manager is None and "management" not in completion.questions
    survey = voice.survey_open(project=project, kind=Survey.Kind.FOLLOW_UP)
    assert survey.manager == firm and survey.questions[-1] == "management"
    invitations = list(survey.invitations.order_by("pk"))
    assert len(invitations) >= 5
    with pytest.raises(ValidationError) as error:  # the management score is asked for
        voice.response_record_paper(invitation=invitations[0], actor=city.comm_a1_staff, answers=scores(4))
    assert set(error.value.error_dict) == {"management"}
    page = client_for(city.comm_a1_staff).get(reverse("feedback:survey_paper", args=[survey.pk])).content.decode()
    assert "改造以来小区的管理服务" in page
    for invitation, management in zip(invitations[:5], (5, 4, 4, 3, 4)):
        voice.response_record_paper(
            invitation=invitation, actor=city.comm_a1_staff, answers=scores(4, management=management)
        )
    voice.survey_close(survey=survey)
    firm.refresh_from_db()
    assert firm.rating_overall == Decimal("4.00") and firm.rating_responses == 5 and firm.rating_projects == 1
    with django_assert_max_num_queries(6):
        html = client.get(reverse("disclosure:managers")).content.decode()
    assert "邕江物业" in html and "4.00" in html and project.estate.name in html
    # The yearly follow-up rates the firm too, and its answers join the earlier ones.
    yearly = voice.survey_open(project=project, kind=Survey.Kind.YEARLY, year=2)
    assert yearly.manager == firm and yearly.questions[-1] == "management"
    for invitation in list(yearly.invitations.order_by("pk"))[:5]:
        voice.response_record_paper(invitation=invitation, actor=city.comm_a1_staff, answers=scores(4, management=2))
    voice.survey_close(survey=yearly)
    firm.refresh_from_db()
    assert firm.rating_overall == Decimal("3.00") and firm.rating_responses == 10
    assert 'data-testid="managers-link"' in client.get(reverse("disclosure:index")).content.decode()


@pytest.mark.django_db
def test_the_firm_opens_the_vouchers_of_its_own_ledger_not_the_renovation_moneys(city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    renovation = income(city, contracted, voucher=f.proof_file("拨款凭证.png"))
    accept(city, contracted, council_a1)
    own = record(contracted, staff, "mgmt_upkeep", "640.00", voucher=f.proof_file("维修发票.png"))
    ledger_page = reverse("disclosure:ledger", args=[contracted.project.code])
    own_url = reverse("disclosure:ledger_voucher", args=[contracted.project.code, own.seq])
    renovation_url = reverse("disclosure:ledger_voucher", args=[contracted.project.code, renovation.seq])
    firm_client = client_for(staff)
    page = firm_client.get(ledger_page).content.decode()
    assert own_url in page and renovation_url not in page
    assert firm_client.get(own_url).status_code == 200
    assert firm_client.get(renovation_url).status_code == 403
    street = client_for(city.street_a_staff)  # the street office still reads every voucher
    assert street.get(own_url).status_code == 200 and street.get(renovation_url).status_code == 200
    assert client_for(city.owner_a1.user).get(own_url).status_code in (403, 404)


@pytest.mark.django_db
def test_the_community_keeping_an_estate_is_rated_the_owners_themselves_are_not(
    client, city, council_a1, contracted, django_assert_max_num_queries
):
    from feedback import services as voice
    from feedback.models import Survey

    manage(contracted)  # the community as interim management (社区准物业)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    survey = voice.survey_open(project=project, kind=Survey.Kind.FOLLOW_UP)
    assert survey.manager == city.comm_a1_org and "management" in survey.questions
    for invitation, management in zip(list(survey.invitations.order_by("pk"))[:5], (3, 3, 4, 4, 4)):
        voice.response_record_paper(
            invitation=invitation, actor=city.comm_a1_staff, answers=scores(4, management=management)
        )
    voice.survey_close(survey=survey)
    city.comm_a1_org.refresh_from_db()
    assert city.comm_a1_org.rating_overall == Decimal("3.60") and city.comm_a1_org.rating_responses == 5
    with django_assert_max_num_queries(6):
        html = client.get(reverse("disclosure:managers")).content.decode()
    keepers = html[html.index('data-testid="community-keepers"') :]
    assert "甲一居委会" in keepers and "3.60" in keepers and project.estate.name in keepers
    # Owners who run the estate themselves (业主自治管理) are not asked to rate themselves.
    PlanManagement.objects.filter(version=contracted.version).update(operator=PlanManagement.Operator.OWNERS)
    yearly = voice.survey_open(project=project, kind=Survey.Kind.YEARLY, year=2)
    assert yearly.manager is None and "management" not in yearly.questions
    assert 'data-testid="community-keepers"' not in client.get(reverse("disclosure:managers")).content.decode()


@pytest.mark.django_db
def test_a_maintenance_record_names_the_ledger_entry_that_paid_for_it(client, city, council_a1, contracted):
    firm, staff = firm_and_staff()
    manage(contracted, firm)
    renovation = expense(city, contracted, amount="100.00", item=contracted.roof)
    accept(city, contracted, council_a1)
    project = Project.objects.get(pk=contracted.project.pk)
    upkeep = record(contracted, staff, "mgmt_upkeep", "640.00", counterparty="水电维修部", memo="楼道灯6盏")
    parking = record(contracted, staff, "mgmt_parking", "1200.00")
    for wrong in (parking, renovation):  # income, or the renovation money: not what paid for upkeep
        with pytest.raises(ValidationError) as caught:
            services.maintenance_post(project=project, actor=staff, done_on=TODAY(), work="换灯", ledger_entry=wrong)
        assert "ledger_entry" in caught.value.message_dict
    url = reverse("disclosure:maintenance", args=[project.code])
    form = client_for(staff).get(url).content.decode()
    assert "楼道灯6盏" in form and "停车场" not in form.split('name="ledger_entry"')[1].split("</select>")[0]
    answer = client_for(staff).post(url, {"done_on": str(TODAY()), "work": "2栋楼道灯更换", "ledger_entry": upkeep.pk})
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert f"长效管理台账第 {upkeep.seq} 笔" in page and "640.00" in page
