"""Volunteer points (志愿者积分, issue 20 item 6): residents log work, the council confirms it, points
accumulate per resident, the keeper of the estate exchanges them for a fee credit in the management
ledger at the rate the estate agreed, and the public page shows totals without names."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure import ledger, services
from disclosure import permissions as dp
from disclosure import selectors as pub
from disclosure import volunteers as reads
from disclosure.models import Budget, LedgerEntry, PointsRedemption, VolunteerLog
from projects.models import PlanManagement, Project
from stakeholders import residences
from stakeholders import services as people
from stakeholders.models import Council, CouncilMeeting, Notification, Organization, Residence, User
from tests import factories as f
from tests.stakeholders.test_services import _race

from .conftest import accept, adopted_project, award, publish_budget

TODAY = timezone.localdate


def _fresh(user):
    return User.objects.get(pk=user.pk)  # the Viewer caches what it knows about a user


def serve(city, *, days=365):
    """Estate a1's council filed and in term (or past it)."""
    Council.objects.filter(estate=city.estate_a1).update(
        filed_on=TODAY() - timedelta(days=400), term_ends=TODAY() + timedelta(days=days)
    )


def meeting(city, *, recorded=True, estate=None):
    council = Council.objects.get(estate=estate or city.estate_a1)
    return CouncilMeeting.objects.create(
        council=council,
        held_at=timezone.now() - timedelta(days=3),
        place="小区活动室",
        agenda="志愿者积分兑换比例",
        attendance=9 if recorded else None,
        minutes="同意每分抵扣物业费0.10元" if recorded else "",
        recorded_at=timezone.now() - timedelta(days=2) if recorded else None,
        scheduled_by=city.comm_a1_staff,
    )


def log(city, resident, **kw):
    return services.volunteer_log(
        estate=kw.pop("estate", city.estate_a1),
        actor=resident.user,
        activity=kw.pop("activity", "inspection"),
        done_on=kw.pop("done_on", TODAY() - timedelta(days=1)),
        hours=Decimal(kw.pop("hours", "2")),
        description=kw.pop("description", "随监理巡查2栋屋面"),
    )


def tenant(city):
    resident = f.ResidentFactory()
    residences.residence_declare(resident=resident, household=city.homes_a1[5], relation=Residence.Relation.TENANT)
    return resident


@pytest.fixture
def desk(city, council_a1):
    serve(city)
    return council_a1.user  # owners[0], a representative in term


@pytest.fixture
def accepted(city, council_a1):
    """Estate a1's works accepted and handed to a firm; a serving council; a rate of ¥0.10 a point."""
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业")
    p.firm_staff = f.staff(firm, "property_a")
    f.management(p.version, operator=PlanManagement.Operator.PROPERTY, organization=firm)
    accept(city, p, council_a1)
    serve(city)
    p.project.refresh_from_db()
    p.rate = services.volunteer_rate_set(
        estate=city.estate_a1, actor=council_a1.user, yuan_per_point=Decimal("0.10"), meeting=meeting(city)
    )
    return p


def confirmed(city, resident, decider, hours="2"):
    entry = log(city, resident, hours=hours)
    return services.volunteer_decide(log=entry, actor=decider, confirm=True)


def redeem(p, actor, resident, points, **kw):
    return services.points_redeem(project=p.project, actor=actor, resident=resident, points=points, **kw)


# --- logging ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_log_volunteer_work(city):
    renter = tenant(city)
    expected = {
        city.owner_a1.user: True,  # a verified owner
        city.claimant_a1.user: True,  # a claim still waiting: lives there
        renter.user: True,  # a declared tenant
        city.plain_resident.user: False,
        city.owner_b1.user: False,  # another estate
        city.comm_a1_staff: False,
        city.street_a_staff: False,
        city.admin: False,
    }
    for user, ok in expected.items():
        assert dp.can_log_volunteer_work(_fresh(user), city.estate_a1) is ok, user
    log(city, renter)
    with pytest.raises(PermissionDenied):
        log(city, city.owner_b1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kw,field",
    [
        ({"done_on": TODAY() + timedelta(days=1)}, "done_on"),
        ({"done_on": TODAY() - timedelta(days=91)}, "done_on"),
        ({"hours": "0"}, "hours"),
        ({"hours": "0.3"}, "hours"),
        ({"hours": "12.5"}, "hours"),
        ({"description": "  "}, "description"),
        ({"activity": "demolition"}, "activity"),
    ],
)
def test_what_a_log_refuses(city, kw, field):
    with pytest.raises(ValidationError) as caught:
        log(city, city.owner_a1, **kw)
    assert field in caught.value.message_dict
    assert not VolunteerLog.objects.exists()


@pytest.mark.django_db
def test_the_same_work_sent_twice_is_logged_once(city):
    first, again = log(city, city.owner_a1), log(city, city.owner_a1)
    assert first.pk == again.pk and VolunteerLog.objects.count() == 1
    assert log(city, city.owner_a1, hours="1.5").pk != first.pk  # other work is other work


# --- the council confirms -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["logged", "confirmed", "declined"])
def test_who_decides_volunteer_work_in_each_state(city, desk, owners, state):
    work = log(city, city.owner_a1)
    VolunteerLog.objects.filter(pk=work.pk).update(status=state)
    own = log(city, owners[0], description="帮忙布置议事会会场")
    work.refresh_from_db()
    waiting = state == "logged"
    expected = {
        desk: waiting,  # a representative in term
        city.owner_a1.user: False,  # a resident, not on the council
        owners[1].user: False,
        city.comm_a1_staff: False,  # the committee organises the council, it does not confirm
        city.street_a_manager: False,
        city.owner_b1.user: False,
        city.admin: False,
    }
    for user, ok in expected.items():
        assert dp.can_decide_volunteer_log(_fresh(user), work) is ok, user
    assert not dp.can_decide_volunteer_log(_fresh(desk), own)  # never their own
    serve(city, days=-1)  # the council's term ended
    assert not dp.can_decide_volunteer_log(_fresh(desk), work)


@pytest.mark.django_db
def test_confirmed_work_earns_points_and_the_resident_is_told(city, desk, settings):
    settings.VOLUNTEER_POINTS_PER_HOUR = 10
    work = log(city, city.owner_a1, hours="3")
    done = services.volunteer_decide(log=work, actor=desk, confirm=True, hours=Decimal("2.5"))  # corrected
    assert done.status == "confirmed" and done.hours == Decimal("2.5") and done.points == 25
    assert reads.balance(city.owner_a1, city.estate_a1) == 25
    notice = Notification.objects.get(user=city.owner_a1.user, kind="volunteer_confirmed")
    assert "25" in notice.text and city.estate_a1.name in notice.text
    with pytest.raises(PermissionDenied):  # decided once
        services.volunteer_decide(log=work, actor=desk, confirm=False, reason="重复")


@pytest.mark.django_db
def test_declining_needs_a_reason_and_earns_nothing(city, desk):
    work = log(city, city.owner_a1)
    with pytest.raises(ValidationError) as caught:
        services.volunteer_decide(log=work, actor=desk, confirm=False, reason=" ")
    assert "reason" in caught.value.message_dict
    done = services.volunteer_decide(log=work, actor=desk, confirm=False, reason="当天未见巡查记录")
    assert done.status == "declined" and done.points == 0
    assert reads.balance(city.owner_a1, city.estate_a1) == 0
    notice = Notification.objects.get(user=city.owner_a1.user, kind="volunteer_declined")
    assert "当天未见巡查记录" in notice.text


# --- the rate the estate agreed -----------------------------------------------------------------


@pytest.mark.django_db
def test_who_records_the_rate_and_what_it_needs(city, desk, owners):
    agreed = meeting(city)
    for user, ok in {
        desk: True,
        owners[1].user: False,
        city.comm_a1_staff: False,
        city.street_a_manager: False,
    }.items():
        assert dp.can_set_volunteer_rate(_fresh(user), city.estate_a1) is ok, user
    for amount, chosen, field in [
        ("0", agreed, "yuan_per_point"),
        ("10.01", agreed, "yuan_per_point"),
        ("0.10", None, "meeting"),
        ("0.10", meeting(city, recorded=False), "meeting"),  # no minutes: nothing was agreed yet
    ]:
        with pytest.raises(ValidationError) as caught:
            services.volunteer_rate_set(
                estate=city.estate_a1, actor=desk, yuan_per_point=Decimal(amount), meeting=chosen
            )
        assert field in caught.value.message_dict
    rate = services.volunteer_rate_set(
        estate=city.estate_a1, actor=desk, yuan_per_point=Decimal("0.10"), meeting=agreed
    )
    again = services.volunteer_rate_set(
        estate=city.estate_a1, actor=desk, yuan_per_point=Decimal("0.10"), meeting=agreed
    )
    assert again.pk == rate.pk and reads.current_rate(city.estate_a1) == rate
    with pytest.raises(PermissionDenied):
        services.volunteer_rate_set(
            estate=city.estate_a1, actor=owners[1].user, yuan_per_point=Decimal("0.20"), meeting=agreed
        )


# --- the exchange -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Project.Status.values))
def test_who_exchanges_points_in_each_state(city, accepted, desk, status):
    Project.objects.filter(pk=accepted.project.pk).update(status=status)
    project = Project.objects.get(pk=accepted.project.pk)
    budget = Budget.objects.get(project=project)
    after = status in ("completed", "maintained")
    expected = {
        accepted.firm_staff: after,  # the firm the estate was handed to keeps the management ledger
        city.comm_a1_staff: False,  # not while a firm keeps it
        city.street_a_staff: False,
        city.street_a_manager: False,
        desk: False,  # the council confirms work; it does not grant the credit
        city.owner_a1.user: False,
        city.contractor: False,
    }
    for user, ok in expected.items():
        assert dp.can_redeem_points(_fresh(user), project, budget) is ok, user


@pytest.mark.django_db
def test_an_exchange_is_a_fee_credit_in_the_management_ledger(city, accepted, desk):
    confirmed(city, city.owner_a1, desk, hours="4")  # 40 points
    spent_before = Budget.objects.get(project=accepted.project).ledger_spent
    heads = LedgerEntry.objects.filter(project=accepted.project).count()
    done = redeem(accepted, accepted.firm_staff, city.owner_a1, 30)
    entry = done.entry
    assert entry.category == "mgmt_fee_credit" and entry.kind == "expense" and entry.amount == Decimal("3.00")
    assert entry.seq == heads + 1 and city.owner_a1.name not in entry.counterparty + entry.memo
    assert "30" in entry.memo and "0.10" in entry.memo
    assert Budget.objects.get(project=accepted.project).ledger_spent == spent_before  # counted apart
    assert reads.balance(city.owner_a1, city.estate_a1) == 10
    totals = reads.totals(city.estate_a1)
    assert (totals.volunteers, totals.points, totals.redeemed, totals.credited) == (1, 40, 30, Decimal("3.00"))
    documents = pub.ledger_documents(accepted.project)
    assert ledger.verify_chain(documents).ok and ledger.totals(documents, management=True)["expense"] == "3.00"
    # The credit is never reversed, nor typed by hand.
    with pytest.raises(ValidationError):
        services.ledger_reverse(entry=entry, actor=accepted.firm_staff, memo="误录")
    with pytest.raises(ValidationError):
        services.management_record(
            project=accepted.project,
            actor=accepted.firm_staff,
            date=TODAY(),
            amount=Decimal("5.00"),
            counterparty="住户",
            category="mgmt_fee_credit",
        )


@pytest.mark.django_db
def test_what_an_exchange_refuses(city, accepted, desk, owners):
    confirmed(city, city.owner_a1, desk, hours="1")  # 10 points
    for points, field in [(11, "points"), (0, "points")]:
        with pytest.raises(ValidationError) as caught:
            redeem(accepted, accepted.firm_staff, city.owner_a1, points)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        redeem(accepted, accepted.firm_staff, city.owner_a1, 5, date=TODAY() + timedelta(days=1))
    assert "date" in caught.value.message_dict
    with pytest.raises(ValidationError):  # 1 point at ¥0.001 would be less than a cent
        services.volunteer_rate_set(
            estate=city.estate_a1, actor=desk, yuan_per_point=Decimal("0.001"), meeting=meeting(city)
        )
    with pytest.raises(PermissionDenied):
        redeem(accepted, city.comm_a1_staff, city.owner_a1, 5)
    assert not PointsRedemption.objects.exists()


@pytest.mark.django_db
def test_no_rate_no_exchange(city, accepted, desk):
    confirmed(city, city.owner_a1, desk)
    type(accepted.rate).objects.all().delete()
    with pytest.raises(ValidationError) as caught:
        redeem(accepted, accepted.firm_staff, city.owner_a1, 5)
    assert caught.value.messages == [str(services.VOLUNTEER_ERRORS["no_rate"])]


@pytest.mark.django_db
def test_the_same_exchange_sent_twice_is_one(city, accepted, desk):
    confirmed(city, city.owner_a1, desk)  # 20 points
    first = redeem(accepted, accepted.firm_staff, city.owner_a1, 15, submission_key="x-1")
    again = redeem(accepted, accepted.firm_staff, city.owner_a1, 15, submission_key="x-1")
    assert again.pk == first.pk and PointsRedemption.objects.count() == 1
    with pytest.raises(ValidationError):  # a new exchange: only 5 points left
        redeem(accepted, accepted.firm_staff, city.owner_a1, 15, submission_key="x-2")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_exchanges_at_once_cannot_spend_the_points_twice():
    city = f.build_city()
    owners = [f.verified_owner(home) for home in city.homes_a1[2:5]]
    council = people.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    people.council_member_add(council=council, resident=owners[0], actor=city.street_a_staff)
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    accept(city, p, owners[0])
    serve(city)
    services.volunteer_rate_set(
        estate=city.estate_a1, actor=_fresh(owners[0].user), yuan_per_point=Decimal("0.10"), meeting=meeting(city)
    )
    confirmed(city, city.owner_a1, _fresh(owners[0].user))  # 20 points
    keeper = _fresh(city.comm_a1_staff)  # no firm: the community keeps the estate
    answers = _race(4, lambda i: redeem(p, keeper, city.owner_a1, 15, submission_key=f"k-{i}"))
    assert sum(isinstance(a, PointsRedemption) for a in answers) == 1
    assert all(isinstance(a, PointsRedemption | ValidationError) for a in answers), answers
    assert reads.balance(city.owner_a1, city.estate_a1) == 5
    assert LedgerEntry.objects.filter(category="mgmt_fee_credit").count() == 1


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_page_shows_totals_and_never_a_name(
    client, city, accepted, desk, owners, django_assert_max_num_queries
):
    confirmed(city, city.owner_a1, desk, hours="2")
    redeem(accepted, accepted.firm_staff, city.owner_a1, 10)
    log(city, owners[1], activity="garden", description="修剪3栋花坛")
    url = reverse("disclosure:volunteers", args=[city.estate_a1.code])
    with django_assert_max_num_queries(9):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    for private in (city.owner_a1.name, owners[1].name, city.owner_a1.phone, owners[1].phone):
        assert private and private not in html
    assert "随监理巡查" not in html  # what one person did is not published either, only totals
    assert "¥1.00" in html and "巡查" in html and "1 项志愿服务等待议事会确认" in html
    assert "¥0.10" in html
    assert not re.search(r'name="(activity|points|yuan_per_point)"', html)  # no form for the public


@pytest.mark.django_db
def test_each_person_sees_the_forms_they_may_use(client, city, accepted, desk, owners, django_assert_max_num_queries):
    log(city, owners[1], description="修剪3栋花坛")
    confirmed(city, city.owner_a1, desk)
    url = reverse("disclosure:volunteers", args=[city.estate_a1.code])
    seen = {}
    for name, user in {
        "resident": city.owner_a1.user,
        "council": desk,
        "firm": accepted.firm_staff,
        "street": city.street_a_manager,
    }.items():
        client.force_login(user)
        with django_assert_max_num_queries(28):
            html = client.get(url).content.decode()
        seen[name] = {
            "log": 'data-testid="volunteer-log-form"' in html,
            "decide": "volunteer-work/" in html,
            "rate": 'data-testid="volunteer-rate-form"' in html,
            "redeem": 'data-testid="points-redeem"' in html,
            "names": owners[1].name in html,
        }
    assert seen["resident"] == {"log": True, "decide": False, "rate": False, "redeem": False, "names": False}
    # The representative lives there too (logs own work), and sees who waits for the council.
    assert seen["council"] == {"log": True, "decide": True, "rate": True, "redeem": False, "names": True}
    assert seen["firm"] == {"log": False, "decide": False, "rate": False, "redeem": True, "names": False}
    assert seen["street"] == {"log": False, "decide": False, "rate": False, "redeem": False, "names": False}


@pytest.mark.django_db
def test_the_log_form_keeps_what_was_typed_and_says_what_is_wrong(client, city):
    client.force_login(city.owner_a1.user)
    url = reverse("disclosure:volunteers", args=[city.estate_a1.code])
    answer = client.post(url, {"activity": "garden", "done_on": str(TODAY()), "hours": "30", "description": "浇花"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "0.5" in html and "浇花" in html and not VolunteerLog.objects.exists()
    answer = client.post(url, {"activity": "garden", "done_on": str(TODAY()), "hours": "1.5", "description": "浇花"})
    assert answer.status_code == 302 and VolunteerLog.objects.get().hours == Decimal("1.5")
    client.force_login(city.owner_b1.user)
    assert client.post(url, {"activity": "garden", "done_on": str(TODAY()), "hours": "1"}).status_code == 403
    assert client.get(reverse("disclosure:volunteers", args=["no-such-estate"])).status_code == 404


@pytest.mark.django_db
def test_deciding_through_the_page(client, city, desk, owners):
    work = log(city, city.owner_a1)
    url = reverse("disclosure:volunteer_decide", args=[work.pk])
    client.force_login(desk)
    answer = client.post(url, {f"log{work.pk}-decision": "decline", f"log{work.pk}-reason": ""})
    assert answer.status_code == 400 and "说明" in answer.content.decode()
    answer = client.post(url, {f"log{work.pk}-decision": "confirm", f"log{work.pk}-hours": "1.5"})
    assert answer.status_code == 302 and VolunteerLog.objects.get(pk=work.pk).points == 15
    assert client.post(url, {f"log{work.pk}-decision": "confirm"}).status_code == 403  # decided already
    client.force_login(owners[1].user)  # not on the council
    assert client.post(url, {f"log{work.pk}-decision": "confirm"}).status_code == 404
    other = f.verified_owner(city.homes_b1[2])
    b1_work = log(city, other, estate=city.estate_b1)
    client.force_login(desk)  # a representative of another estate's council
    assert (
        client.post(
            reverse("disclosure:volunteer_decide", args=[b1_work.pk]), {f"log{b1_work.pk}-decision": "confirm"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_exchanging_through_the_page_once_per_tap(client, city, accepted, desk):
    confirmed(city, city.owner_a1, desk)  # 20 points
    client.force_login(accepted.firm_staff)
    page = client.get(reverse("disclosure:volunteers", args=[city.estate_a1.code])).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page).group(1)
    assert city.owner_a1.name in page  # the keeper picks whose points: a name, a masked phone, the balance
    url = reverse("disclosure:points_redeem", args=[city.estate_a1.code])
    form = {"resident": city.owner_a1.pk, "points": "50", "date": str(TODAY()), "submission_key": key}
    answer = client.post(url, form)
    assert answer.status_code == 400 and "20" in answer.content.decode() and 'value="50"' in answer.content.decode()
    form["points"] = "20"
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the double tap
    assert PointsRedemption.objects.count() == 1 and reads.balance(city.owner_a1, city.estate_a1) == 0
    client.force_login(city.street_a_manager)
    assert client.post(url, form).status_code == 403


@pytest.mark.django_db
def test_the_management_ledger_labels_the_credit(client, city, accepted, desk):
    confirmed(city, city.owner_a1, desk)
    redeem(accepted, accepted.firm_staff, city.owner_a1, 20)
    html = client.get(reverse("disclosure:ledger", args=[accepted.project.code])).content.decode()
    assert "志愿者积分抵扣物业费" in html and city.owner_a1.name not in html
