"""专营单位出资 (issue 22 item 1): the street office names which utility carries how much of the
budget's utility line; each utility confirms or disputes it; the budget waits until the shares add up
to the line and every one is confirmed. Roles × states, the HTTP answers, a double answer, budgets."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import permissions as dp
from disclosure import services
from disclosure.models import Budget, UtilityShare
from stakeholders.models import Notification, Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project
from tests.stakeholders.test_permissions import ROLES, actor

D = Decimal
LINES = {"central_subsidy": D("40000"), "local_finance": D("30000"), "utility": D("20000"), "residents": D("10000")}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def water(city):
    org = f.organization(Organization.Kind.UTILITY, "市自来水公司")
    return org, f.staff(org, "water_staff")


@pytest.fixture
def power(city):
    org = f.organization(Organization.Kind.UTILITY, "供电公司")
    return org, f.staff(org, "power_staff")


def drafted(city):
    p = adopted_project(city)
    budget = services.budget_save_draft(project=p.project, actor=city.street_a_staff, total=D("100000"), lines=LINES)
    return p.project, budget


@pytest.mark.django_db
def test_the_budget_waits_until_every_utility_confirms_its_share(city, water, power):
    project, budget = drafted(city)
    approver = city.street_a_manager
    with pytest.raises(ValidationError) as nobody:
        services.budget_approve(budget=budget, actor=approver)
    assert nobody.value.code == "utilities_unsettled" and "0.00" in nobody.value.messages[0]
    w = services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=water[0], amount=D("12000"))
    p = services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=power[0], amount=D("8000"))
    assert Notification.objects.filter(user=water[1], kind="utility_asked").count() == 1
    with pytest.raises(ValidationError) as over:  # more than the line
        services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=power[0], amount=D("8001"))
    assert over.value.error_dict["amount"][0].code == "over_line"
    services.utility_share_decide(share=w, actor=water[1], decision="confirm")
    services.utility_share_decide(share=p, actor=power[1], decision="dispute", text="只出资6000元，其余由区财政承担")
    assert Notification.objects.filter(user=city.street_a_staff, kind="utility_decided").count() == 2
    with pytest.raises(ValidationError) as disputed:
        services.budget_approve(budget=budget, actor=approver)
    assert "供电公司" in disputed.value.messages[0] and "只出资6000元" in disputed.value.messages[0]
    # The street office changes the amount: the utility is asked again.
    services.budget_save_draft(
        project=project,
        actor=city.street_a_staff,
        total=D("100000"),
        lines={**LINES, "utility": D("18000"), "local_finance": D("32000")},
    )
    p = services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=power[0], amount=D("6000"))
    assert p.status == UtilityShare.Status.PENDING and p.text == ""
    assert Notification.objects.filter(user=power[1], kind="utility_asked").count() == 2
    services.utility_share_decide(share=p, actor=power[1], decision="confirm", text="同意")
    assert services.utility_problems(budget) == []
    assert services.budget_approve(budget=budget, actor=approver).status == Budget.Status.APPROVED
    with pytest.raises(PermissionDenied):  # the approved budget's shares are fixed
        services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=power[0], amount=D("1"))


@pytest.mark.django_db
def test_a_budget_with_no_utility_line_asks_nobody(city, water):
    p = adopted_project(city)
    lines = {"central_subsidy": D("40000"), "local_finance": D("50000"), "residents": D("10000")}
    budget = services.budget_save_draft(project=p.project, actor=city.street_a_staff, total=D("100000"), lines=lines)
    assert services.utility_problems(budget) == []
    with pytest.raises(ValidationError) as no_line:
        services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=water[0], amount=D("1"))
    assert no_line.value.code == "no_utility_line"
    assert services.budget_approve(budget=budget, actor=city.street_a_manager).status == Budget.Status.APPROVED


@pytest.mark.django_db
def test_only_a_utility_carries_a_share(city, water):
    _project, budget = drafted(city)
    contractor = f.organization(Organization.Kind.CONTRACTOR, "某施工公司")
    with pytest.raises(ValidationError) as wrong:
        services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=contractor, amount=D("1"))
    assert wrong.value.error_dict["organization"][0].code == "not_utility"


# --- roles × states ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("budget_status", ["draft", "approved", "published"])
@pytest.mark.parametrize("share_status", ["pending", "confirmed", "disputed"])
def test_who_names_sees_and_answers_in_every_state(city, water, power, budget_status, share_status):
    _project, budget = drafted(city)
    share = services.utility_share_set(
        budget=budget, actor=city.street_a_staff, organization=water[0], amount=D("20000")
    )
    UtilityShare.objects.filter(pk=share.pk).update(status=share_status)
    Budget.objects.filter(pk=budget.pk).update(status=budget_status)
    share = UtilityShare.objects.select_related("budget__project__estate").get(pk=share.pk)
    roles = ROLES + ["water_staff", "power_staff"]

    def who(role):
        return {"water_staff": water[1], "power_staff": power[1]}.get(role) or actor(city, role)

    namers = {"street_a_staff", "street_a_manager", "admin"} if budget_status == "draft" else set()
    assert {r for r in roles if dp.can_name_utility_shares(who(r), share.budget)} == namers
    see = {"water_staff", "street_a_staff", "street_a_manager", "bureau", "admin"}
    assert {r for r in roles if dp.can_see_utility_share(who(r), share)} == see
    answers = {"water_staff"} if budget_status == "draft" and share_status == "pending" else set()
    assert {r for r in roles if dp.can_decide_utility_share(who(r), share)} == answers
    assert {r for r in roles if dp.may_use_utility_desk(who(r))} == {"water_staff", "power_staff", "admin"}


# --- HTTP ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_http_answers_and_messages_next_to_the_field(city, water, power):
    project, budget = drafted(city)
    url = reverse("disclosure:budget_utilities", args=[project.code])
    street = client_for(city.street_a_staff)
    page = street.get(url)
    assert page.status_code == 200 and 'data-testid="utility-form"' in page.content.decode()
    assert client_for(city.street_b_staff).get(url).status_code == 404  # out of scope
    assert client_for(city.owner_a1.user).post(url, {"action": "set"}).status_code == 403  # reads, names nothing
    typed = street.post(url, {"action": "set", "organization": water[0].pk, "amount": "99999999999999999"})
    body = typed.content.decode()
    assert typed.status_code == 400 and 'id="id_amount_error"' in body and "99999999999999999" in body
    over = street.post(url, {"action": "set", "organization": water[0].pk, "amount": "20000.01"})
    assert over.status_code == 400 and 'id="id_amount_error"' in over.content.decode()
    assert street.post(url, {"action": "set", "organization": water[0].pk, "amount": "20000"}).status_code == 302
    budget_page = street.get(reverse("disclosure:budget", args=[project.code])).content.decode()
    assert 'data-testid="budget-utility-problems"' in budget_page and "市自来水公司" in budget_page
    share = UtilityShare.objects.get(budget=budget)
    desk = client_for(water[1])
    assert desk.get(reverse("disclosure:utility_desk")).status_code == 200
    assert client_for(city.owner_a1.user).get(reverse("disclosure:utility_desk")).status_code == 403
    decide = reverse("disclosure:utility_decide", args=[share.pk])
    assert client_for(power[1]).post(decide, {f"s{share.pk}-decision": "confirm"}).status_code == 404
    missing = desk.post(decide, {f"s{share.pk}-decision": "dispute", f"s{share.pk}-text": ""})
    assert missing.status_code == 400 and f'id="id_s{share.pk}-text_error"' in missing.content.decode()
    assert desk.post(decide, {f"s{share.pk}-decision": "confirm"}).status_code == 302
    again = desk.post(decide, {f"s{share.pk}-decision": "confirm"})
    assert again.status_code == 400 and "已经答复过了" in again.content.decode()
    settled = street.get(url).content.decode()
    assert 'data-testid="utility-settled"' in settled


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_answers_at_once_make_one(city, water):
    _project, budget = drafted(city)
    share = services.utility_share_set(
        budget=budget, actor=city.street_a_staff, organization=water[0], amount=D("20000")
    )
    results, barrier = [], threading.Barrier(2)

    def answer(decision):
        barrier.wait()
        try:
            services.utility_share_decide(share=share, actor=water[1], decision=decision, text="原因")
            results.append("ok")
        except ValidationError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(d,)) for d in ("confirm", "dispute")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["decided", "ok"]
    assert Notification.objects.filter(kind="utility_decided", user=city.street_a_staff).count() == 1


# --- query budgets ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_desk_and_the_shares_page_are_flat(city, water, power, django_assert_max_num_queries):
    desk = client_for(water[1])
    project = None
    for n in range(4):
        project, budget = drafted(city)
        for org in (water[0], power[0]):
            services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=org, amount=D("10000"))
        if n == 0:
            desk.get(reverse("disclosure:utility_desk"))
            with django_assert_max_num_queries(9):
                assert desk.get(reverse("disclosure:utility_desk")).status_code == 200
    with django_assert_max_num_queries(9):  # four times the shares, the same queries
        assert desk.get(reverse("disclosure:utility_desk")).status_code == 200
    street = client_for(city.street_a_staff)
    with django_assert_max_num_queries(16):
        assert street.get(reverse("disclosure:budget_utilities", args=[project.code])).status_code == 200
    # The budget page says what the utility line waits for: the same queries with one share or two.
    one, budget = drafted(city)
    services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=water[0], amount=D("10000"))
    page = reverse("disclosure:budget", args=[one.code])
    street.get(page)
    with CaptureQueriesContext(connection) as few:
        assert street.get(page).status_code == 200
    services.utility_share_set(budget=budget, actor=city.street_a_staff, organization=power[0], amount=D("10000"))
    with django_assert_max_num_queries(len(few)):
        assert street.get(page).status_code == 200
    with django_assert_max_num_queries(30):
        assert street.get(page).status_code == 200
