"""Hearings (听证会) and residents' meetings (issue 18, item 2): called by the community committee or
the street office while the plan and budget are decided, every resident told, online sign-in on
the day, recorded once (paper count and the private sheet, minutes, positions), public without names."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import permissions, services
from projects.models import Hearing, Project
from stakeholders.models import Notification
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import add_item
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def soon():
    """Later today in Nanning: half an hour ahead, or just before midnight — sign-in runs on the
    hearing's day, so a test run near midnight must not schedule it for tomorrow."""
    now = timezone.localtime()
    return min(now + timedelta(minutes=30), now.replace(hour=23, minute=59, second=59, microsecond=0))


def call(project, actor, *, hours=2, **kw):
    data = {
        "kind": "hearing",
        "subject": "budget",
        "held_at": timezone.now() + timedelta(hours=hours),
        "place": "社区活动室",
        "agenda": "预算中居民自筹部分",
    }
    data.update(kw)
    return services.hearing_schedule(project=project, actor=actor, **data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("street_a_staff", True),
        ("admin", True),
        ("comm_a2_staff", False),
        ("street_b_staff", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("status", [S.PETITIONING, S.PLANNING, S.BUDGET_APPROVED, S.CONTRACTED])
def test_who_calls_a_hearing_when(city, role, allowed, status):
    project = project_at(city, status)
    user = city.owner_a1.user if role == "owner_a1" else getattr(city, role)
    ok = allowed and status in (S.PLANNING, S.BUDGET_APPROVED)
    assert permissions.can_schedule_hearing(user, project) is ok
    if ok:
        hearing = call(project, user)
        assert hearing.electorate == 6  # the households of estate a1
        told = {n.user for n in Notification.objects.filter(kind="hearing_called")}
        assert told == {city.owner_a1.user, city.claimant_a1.user}  # owners and pending claimants alike
    else:
        with pytest.raises(PermissionDenied):
            call(project, user)


@pytest.mark.django_db
def test_a_hearing_about_the_plan_names_its_version_and_is_called_ahead(city):
    project = project_at(city, S.PLANNING)
    with pytest.raises(ValidationError) as past:
        call(project, city.comm_a1_staff, hours=-1)
    assert codes(past.value) == {"in_past"}
    with pytest.raises(ValidationError) as no_version:
        call(project, city.comm_a1_staff, subject="plan")
    assert codes(no_version.value) == {"version_required"}
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    hearing = call(project, city.comm_a1_staff, subject="plan", plan_version=v1)
    assert hearing.plan_version == v1


@pytest.mark.django_db
def test_sign_in_on_the_day_then_recorded_once_and_public_without_names(city, client, django_assert_max_num_queries):
    project = project_at(city, S.PLANNING)
    hearing = call(project, city.comm_a1_staff, held_at=soon())
    url = reverse("projects:hearings", args=[project.code])
    now = timezone.now()
    assert permissions.can_check_in(city.claimant_a1.user, hearing, now)
    assert not permissions.can_check_in(city.owner_b1.user, hearing, now)
    assert not permissions.can_check_in(city.claimant_a1.user, hearing, hearing.held_at - timedelta(hours=2))
    resident = client_for(city.claimant_a1.user)
    assert resident.post(url, {"action": "check_in", "hearing": hearing.pk}).status_code == 302
    resident.post(url, {"action": "check_in", "hearing": hearing.pk})  # twice: told, counted once
    assert hearing.checkins.count() == 1
    with pytest.raises(PermissionDenied):
        services.hearing_check_in(hearing=hearing, actor=city.owner_b1.user)
    record_url = reverse("projects:hearing_record", args=[hearing.pk])
    staff = client_for(city.comm_a1_staff)
    assert staff.get(record_url).status_code == 302  # not begun yet: told, sent back
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now() - timedelta(minutes=5))
    with django_assert_max_num_queries(12):
        assert staff.get(record_url).status_code == 200
    too_many = staff.post(record_url, {"paper_signins": "6", "minutes": "讨论了预算"})
    assert too_many.status_code == 400 and "超过了本小区的 6 户" in too_many.content.decode()
    assert "讨论了预算" in too_many.content.decode()
    done = staff.post(
        record_url,
        {
            "paper_signins": "3",
            "minutes": "街道办说明了预算构成。",
            "positions": "赞成先做屋面；反对居民自筹比例过高。",
            "signin_sheet": f.proof_file("签到表.png"),
        },
    )
    assert done.status_code == 302
    hearing.refresh_from_db()
    assert hearing.recorded_at and hearing.paper_signins == 3 and hearing.signin_sheet
    with pytest.raises(ValidationError):
        services.hearing_record(
            hearing=hearing, actor=city.comm_a1_staff, paper_signins=1, minutes="再记", positions=""
        )
    with django_assert_max_num_queries(8):
        public = client.get(url)
    page = public.content.decode()
    assert public.status_code == 200 and "小区共 6 户，4 户签到（纸质签到表 3 户，现场登记 0 户，其余网上签到）" in page
    assert "反对居民自筹比例过高" in page and city.claimant_a1.name not in page
    sheet = reverse("projects:hearing_sheet", args=[hearing.pk])
    assert sheet not in page
    assert staff.get(sheet).status_code == 200
    assert client_for(city.claimant_a1.user).get(sheet).status_code == 404
    assert client_for(city.comm_b1_staff).get(sheet).status_code == 404
    assert client.post(url, {"action": "schedule"}).status_code == 403
    assert client_for(city.owner_a1.user).post(url, {"action": "schedule"}).status_code == 403


@pytest.mark.django_db
def test_a_hearing_on_the_budget_is_linked_from_the_budget_page_and_back(city):
    project = project_at(city, S.BUDGET_APPROVED)
    budget_url = reverse("disclosure:budget", args=[project.code])
    staff = client_for(city.street_a_staff)
    assert "还没有召开关于预算的听证会" in staff.get(budget_url).content.decode()
    hearing = call(project, city.comm_a1_staff, subject="budget")
    call(project, city.comm_a1_staff, subject="other", agenda="停车位")
    page = staff.get(budget_url).content.decode()
    assert page.count(f"#hearing-{hearing.pk}") == 1 and "听证会" in page
    listed = client_for(city.owner_a1.user).get(reverse("projects:hearings", args=[project.code])).content.decode()
    assert 'data-testid="hearing-budget-link"' in listed and budget_url in listed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("street_a_staff", True),
        ("admin", True),
        ("comm_a2_staff", False),
        ("street_b_staff", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("when", ["two_hours_before", "on_the_day", "recorded"])
def test_who_signs_households_in_at_the_desk_and_when(city, role, allowed, when):
    project = project_at(city, S.PLANNING)
    if when == "two_hours_before":
        hearing = call(project, city.comm_a1_staff, hours=2)
    else:
        hearing = call(project, city.comm_a1_staff, held_at=soon())
    if when == "recorded":
        Hearing.objects.filter(pk=hearing.pk).update(recorded_at=timezone.now())
        hearing.refresh_from_db()
    user = city.owner_a1.user if role == "owner_a1" else getattr(city, role)
    ok = allowed and when == "on_the_day"
    assert permissions.can_sign_in_at_desk(user, hearing, timezone.now()) is ok
    household = city.estate_a1.buildings.first().households.last()
    if ok:
        assert services.hearing_desk_sign_in(hearing=hearing, household=household, actor=user).signed_in_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.hearing_desk_sign_in(hearing=hearing, household=household, actor=user)


@pytest.mark.django_db
def test_the_desk_and_online_count_each_household_once(city, django_assert_max_num_queries):
    project = project_at(city, S.PLANNING)
    hearing = call(project, city.comm_a1_staff, held_at=soon())
    desk = reverse("projects:hearing_desk", args=[hearing.pk])
    staff = client_for(city.comm_a1_staff)
    owners_home = city.owner_a1.ownerships.get().household
    services.hearing_check_in(hearing=hearing, actor=city.owner_a1.user)  # online, for their household
    with django_assert_max_num_queries(12):
        page = staff.get(desk, {"building": owners_home.building_id})
    text = page.content.decode()
    assert page.status_code == 200 and text.count('data-testid="desk-signed"') == 1
    assert city.owner_a1.name not in text  # rooms for staff, no names
    again = staff.post(desk, {"household": owners_home.pk}, follow=True)
    assert "该户已经签到" in again.content.decode()
    claimed = city.claimant_a1.ownerships.get().household
    other = owners_home.building.households.exclude(pk__in=[owners_home.pk, claimed.pk]).first()
    signed = staff.post(desk, {"household": other.pk})
    assert signed.status_code == 302 and f"#household-{other.pk}" in signed["Location"]
    assert hearing.checkins.count() == 2
    # The claimant's household was signed in at the door: online they are told, not counted twice.
    services.hearing_desk_sign_in(hearing=hearing, household=claimed, actor=city.comm_a1_staff)
    with pytest.raises(ValidationError) as twice:
        services.hearing_check_in(hearing=hearing, actor=city.claimant_a1.user)
    assert codes(twice.value) == {"household_signed_in"}
    elsewhere = city.estate_b1.buildings.first().households.first()
    assert staff.post(desk, {"household": elsewhere.pk}).status_code == 404
    assert client_for(city.comm_b1_staff).get(desk).status_code == 404
    assert client_for(city.owner_a1.user).get(desk).status_code == 404
    listed = staff.get(reverse("projects:hearings", args=[project.code])).content.decode()
    assert 'data-testid="hearing-desk-link"' in listed and "已有 3 户签到" in listed
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now() - timedelta(minutes=5))
    record = staff.post(reverse("projects:hearing_record", args=[hearing.pk]), {"paper_signins": "4", "minutes": "记"})
    assert record.status_code == 400 and "超过了本小区的 6 户" in record.content.decode()  # 3 + 4 > 6
    services.hearing_record(hearing=hearing, actor=city.comm_a1_staff, paper_signins=1, minutes="记", positions="")
    public = Client().get(reverse("projects:hearings", args=[project.code])).content.decode()
    assert "小区共 6 户，4 户签到（纸质签到表 1 户，现场登记 2 户，其余网上签到）" in public
