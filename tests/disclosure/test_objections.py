"""Objections to the budget's public notice hold the award (issue 18, item 5): residents of the
estate (owners, tenants, claimants) object while the notice runs; the street office answers each in
public (no names); the first award waits for the end of the notice and every answer."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosure import notices, permissions
from disclosure.models import Objection
from projects import services as project_services
from stakeholders.models import Notification
from tests.disclosure.conftest import adopted_project, award, end_notice, publish_budget
from tests.stakeholders.test_services import codes


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def on_notice(city):
    p = adopted_project(city)
    publish_budget(city, p, notice_over=False)
    return p


def _object(p, user, text="预算偏高"):
    return notices.objection_file(project=p.project, actor=user, text=text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, allowed",
    [
        ("owner_a1", True),
        ("claimant_a1", True),
        ("owner_b1", False),
        ("plain_resident", False),
        ("street_a_staff", False),
        ("comm_a1_staff", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("state", ["running", "over"])
def test_who_objects_when(city, on_notice, who, allowed, state):
    if state == "over":
        end_notice(on_notice.budget)
    user = getattr(city, who)
    user = getattr(user, "user", user)
    ok = allowed and state == "running"
    assert permissions.can_object_to_budget(user, on_notice.project, on_notice.budget, timezone.localdate()) is ok
    if ok:
        assert _object(on_notice, user).answered_at is None
        assert Notification.objects.filter(kind="objection_filed", user=city.street_a_staff).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            _object(on_notice, user)


@pytest.mark.django_db
def test_the_award_waits_for_the_notice_and_every_answer(city, on_notice):
    objection = _object(on_notice, city.owner_a1.user)
    with pytest.raises(ValidationError) as running:
        award(city, on_notice)
    assert codes(running.value) == {"notice_running", "objections_unanswered"}
    assert on_notice.budget.notice_ends_on.isoformat() in str(running.value)
    end_notice(on_notice.budget)
    with pytest.raises(ValidationError) as waiting:
        award(city, on_notice)
    assert codes(waiting.value) == {"objections_unanswered"}
    for other in (city.street_b_staff, city.comm_a1_staff, city.owner_a1.user):
        assert not permissions.can_answer_objection(other, objection)
        with pytest.raises(PermissionDenied):
            notices.objection_answer(objection=objection, actor=other, answer="好")
    with pytest.raises(ValidationError):
        notices.objection_answer(objection=objection, actor=city.street_a_staff, answer="  ")
    notices.objection_answer(objection=objection, actor=city.street_a_staff, answer="已按定额复核，单价合理")
    assert Notification.objects.get(kind="objection_answered").user == city.owner_a1.user
    with pytest.raises(ValidationError):
        notices.objection_answer(objection=objection, actor=city.street_a_staff, answer="再答")
    award(city, on_notice)
    assert on_notice.project.status == "contracted"
    # Replacing the contractor later is not held by the notice.
    from tests import factories as f

    other = f.organization("contractor", "另一施工公司")
    f.procure(on_notice.project, city.street_a_staff, "contractor", other)
    project_services.project_award(
        project=on_notice.project, actor=city.street_a_manager, contractor=other, reason="逾期未进场"
    )


@pytest.mark.django_db
def test_objections_in_public_without_names_and_on_the_award_page(
    city, on_notice, client, django_assert_max_num_queries
):
    url = reverse("disclosure:objections", args=[on_notice.project.code])
    claimant = client_for(city.claimant_a1.user)  # a pending claimant (tenants too) may object
    bad = claimant.post(url, {"action": "object", "text": ""})
    assert bad.status_code == 400 and "请写下您的异议" in bad.content.decode()
    assert claimant.post(url, {"action": "object", "text": "充电棚分摊偏高"}).status_code == 302
    assert client_for(city.owner_b1.user).post(url, {"action": "object", "text": "外人"}).status_code == 403
    assert client.post(url, {"action": "object", "text": "匿名"}).status_code == 403
    with django_assert_max_num_queries(8):
        public = client.get(url).content.decode()
    assert "充电棚分摊偏高" in public and "本小区一位居民" in public and "公示中" in public
    assert city.claimant_a1.name not in public and city.claimant_a1.masked_name not in public
    award_page = client_for(city.street_a_manager).get(reverse("projects:award", args=[on_notice.project.code]))
    assert 'data-testid="award-hold"' in award_page.content.decode()
    street = client_for(city.street_a_staff)
    objection = Objection.objects.get()
    form = street.get(url).content.decode()
    assert 'data-testid="objection-answer-form"' in form
    answered = street.post(
        url, {"action": "answer", "objection": objection.pk, f"o{objection.pk}-answer": "只向使用者收取"}
    )
    assert answered.status_code == 302
    body = client.get(reverse("disclosure:project", args=[on_notice.project.code])).content.decode()
    assert "公示收到 1 条异议" in body and 'data-testid="public-objections"' in body
    end_notice(on_notice.budget)
    assert "公示期满" in client.get(url).content.decode()
    assert Objection.objects.filter(answered_at__isnull=False).count() == 1
    assert timezone.localdate() - timedelta(days=1) == on_notice.budget.notice_ends_on


@pytest.fixture
def adopted_by_vote(city):
    """A plan vote that closed just now and passed: its result is on notice (RESULT_NOTICE_DAYS)."""
    from projects.models import PlanVersion, Project, Vote
    from tests.projects.conftest import project_at

    project = project_at(city, Project.Status.PLAN_ADOPTED)
    version = PlanVersion.objects.create(project=project, number=1, status=PlanVersion.Status.ADOPTED)
    now = timezone.now()
    vote = Vote.objects.create(
        project=project,
        purpose=Vote.Purpose.PLAN,
        title="改造方案第1稿",
        matter=Vote.Matter.SPECIAL,
        code=f"{project.code}-v1",
        opens_at=now - timedelta(days=14),
        closes_at=now,
        opened_at=now - timedelta(days=14),
        closed_at=now,
        status=Vote.Status.CLOSED,
        result=Vote.Result.PASSED,
        plan_version=version,
        electorate_owners=6,
        electorate_area="453.00",
    )
    return project, vote


@pytest.mark.django_db
def test_a_plan_votes_result_takes_objections_and_holds_the_budget(city, adopted_by_vote, client):
    from decimal import Decimal

    from disclosure import services
    from tests.disclosure.conftest import LINES

    project, vote = adopted_by_vote
    now = timezone.now()
    assert permissions.can_object_to_vote(city.claimant_a1.user, project, vote, now)
    assert not permissions.can_object_to_vote(city.owner_b1.user, project, vote, now)

    def draft():
        return services.budget_save_draft(
            project=project,
            actor=city.street_a_staff,
            total=Decimal("100000.00"),
            # This plan has no items: the owners pay nothing (their line must be the plan's).
            lines={source: amount for source, amount in LINES.items() if source != "residents"}
            | {"local_finance": Decimal("60000.00")},
        )

    with pytest.raises(ValidationError) as running:
        draft()
    assert codes(running.value) == {"result_notice_running"}
    url = reverse("disclosure:objections", args=[project.code])
    page = client_for(city.owner_a1.user)
    bad = page.post(url, {"action": "object_vote", "v-text": ""})
    assert bad.status_code == 400 and "表决结果哪里有问题" in bad.content.decode()
    assert page.post(url, {"action": "object_vote", "v-text": "计票时漏了纸质票"}).status_code == 302
    objection = Objection.objects.get()
    assert objection.vote == vote and objection.budget is None
    from projects.models import Vote

    Vote.objects.filter(pk=vote.pk).update(closed_at=now - timedelta(days=8))
    with pytest.raises(ValidationError) as waiting:
        draft()
    assert codes(waiting.value) == {"result_objections_unanswered"}
    assert not permissions.can_object_to_vote(city.owner_a1.user, project, Vote.objects.get(pk=vote.pk), now)
    notices.objection_answer(objection=objection, actor=city.street_a_staff, answer="已复核纸质票36张，全部计入")
    assert draft().status == "draft"
    public = client.get(url).content.decode()
    assert "计票时漏了纸质票" in public and "已复核纸质票" in public and 'data-testid="vote-objections"' in public
    assert city.owner_a1.name not in public


@pytest.mark.django_db
def test_the_project_timeline_shows_the_notice_window_and_its_objections(city, on_notice):
    url = on_notice.project.get_absolute_url()
    staff = Client()
    staff.force_login(city.street_a_staff)
    budget = on_notice.budget
    window = f"{timezone.localdate(budget.published_at):%Y-%m-%d} 至 {budget.notice_ends_on:%Y-%m-%d}"
    page = staff.get(url).content.decode()
    assert 'data-testid="notice-windows"' in page and window in page and "公示中，可提出异议" in page
    objection = _object(on_notice, city.owner_a1.user)
    assert "1 条异议（1 条待答复）" in staff.get(url).content.decode()
    notices.objection_answer(objection=objection, actor=city.street_a_staff, answer="已核实。")
    end_notice(budget)
    page = staff.get(url).content.decode()
    assert (
        "已结束" in page and "1 条异议" in page and "待答复" not in page.split('data-testid="notice-windows"')[1][:600]
    )
