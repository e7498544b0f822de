"""并联审批 (issue 22 items 1–2): the working-day clock (holidays and 调休 from the calendar table),
the bureau's catalog, one submission opening every matter at once in its department's queue, a
returned matter resubmitted, the budget waiting for every approval, overdue matters going up to the
bureau, roles × states, the HTTP answers and the pages' query budgets."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals import permissions as ap
from approvals import selectors, services
from approvals.calendar import add_working_days, missing_years, working_days_between
from approvals.models import Review, Submission
from disclosure import services as money
from projects.models import CatalogItem, PlanItemFunding, Project
from stakeholders.models import Notification, Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project
from tests.projects.conftest import project_at
from tests.stakeholders.test_permissions import ROLES, actor
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def depts(city):
    """Planning (every plan), fire (roofs), gardens (greening, which the plan does not have) — each with
    its staff; the catalog kept by the bureau."""
    d = {}
    for key, name in (("planning", "市自然资源和规划局"), ("fire", "市消防救援支队"), ("gardens", "市园林局")):
        d[key] = f.organization(Organization.Kind.DEPARTMENT, name)
        d[f"{key}_staff"] = f.staff(d[key], f"{key}_staff")
    services.matter_save(actor=city.bureau, name="规划许可", department=d["planning"], time_limit=10)
    services.matter_save(
        actor=city.bureau,
        name="消防审查",
        department=d["fire"],
        time_limit=15,
        items=[CatalogItem.objects.get(code="roof")],
    )
    services.matter_save(
        actor=city.bureau,
        name="绿地调整",
        department=d["gardens"],
        time_limit=20,
        items=[CatalogItem.objects.get(code="greening")],
    )
    return d


def draft(city, p):
    """The budget drafted from the adopted plan's funding (as tests.disclosure.conftest.publish_budget)."""
    lines = dict(
        PlanItemFunding.objects.filter(item__version__project=p.project, item__version__status="adopted")
        .values("source")
        .annotate(total=Sum("amount"))
        .values_list("source", "total")
    )
    return money.budget_save_draft(project=p.project, actor=city.street_a_staff, total=sum(lines.values()), lines=lines)


# --- the working-day clock ----------------------------------------------------------------------


@pytest.mark.django_db
def test_working_days_count_holidays_and_adjusted_workdays():
    # 国庆: 1–7 October 2026 off; Saturday 10 October worked (调休)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    # 春节: 15–23 February off; Saturdays 14 and 28 February worked
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27 and 28
    # a year not in the table counts by weekdays alone, and is said to be missing
    assert add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)
    assert missing_years(date(2026, 12, 31), date(2027, 1, 4)) == [2027]


# --- the parallel review ------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_submission_opens_every_matter_at_once_and_the_budget_waits(city, depts):
    p = adopted_project(city)  # roof and lighting: planning (every plan) and fire (roof), not gardens
    budget = draft(city, p)
    with pytest.raises(ValidationError) as waiting:  # not even submitted: every triggered matter waits
        money.budget_approve(budget=budget, actor=city.street_a_manager)
    assert codes(waiting.value) == {"approvals_pending"} and "消防审查" in str(waiting.value)
    with pytest.raises(PermissionDenied):
        services.submit(project=p.project, actor=city.street_b_staff)
    submission = services.submit(project=p.project, actor=city.street_a_staff, note="方案及图纸见附件")
    reviews = {r.matter.name: r for r in submission.reviews.select_related("matter")}
    assert set(reviews) == {"规划许可", "消防审查"}
    today = timezone.localdate()
    assert all(r.opened_on == today and r.status == "pending" for r in reviews.values())
    assert reviews["消防审查"].due_on == add_working_days(today, 15)
    for key in ("planning_staff", "fire_staff"):  # each department is told, at once
        assert Notification.objects.filter(user=depts[key], kind="approval_opened").count() == 1
    assert not Notification.objects.filter(user=depts["gardens_staff"]).exists()
    with pytest.raises(ValidationError) as again:
        services.submit(project=p.project, actor=city.street_a_staff)
    assert codes(again.value) == {"submitted"}

    # fire returns it with reasons; planning approves with conditions
    with pytest.raises(ValidationError) as no_reason:
        services.decide(review=reviews["消防审查"], actor=depts["fire_staff"], decision="return")
    assert codes(no_reason.value) == {"text_required"}
    with pytest.raises(PermissionDenied):  # not its department
        services.decide(review=reviews["消防审查"], actor=depts["planning_staff"], decision="approve")
    services.decide(
        review=reviews["消防审查"], actor=depts["fire_staff"], decision="return", text="消防车通道宽度不足4米"
    )
    services.decide(
        review=reviews["规划许可"], actor=depts["planning_staff"], decision="conditions", text="不得新增建筑面积"
    )
    assert Notification.objects.filter(user=city.street_a_staff, kind="approval_decided").count() == 2
    with pytest.raises(ValidationError):
        money.budget_approve(budget=budget, actor=city.street_a_manager)
    # the street office resubmits the returned matter; the next round is due anew; fire approves
    with pytest.raises(ValidationError) as no_note:
        services.resubmit(review=reviews["消防审查"], actor=city.street_a_staff, note=" ")
    assert codes(no_note.value) == {"note_required"}
    second = services.resubmit(review=reviews["消防审查"], actor=city.street_a_staff, note="通道拓宽至4.5米")
    assert second.round == 2 and second.status == "pending"
    with pytest.raises(PermissionDenied):  # an older round is not resubmitted again
        services.resubmit(review=reviews["消防审查"], actor=city.street_a_staff, note="再次")
    services.decide(review=second, actor=depts["fire_staff"], decision="approve")
    assert selectors.blocking(p.project) == []
    money.budget_approve(budget=budget, actor=city.street_a_manager)
    money.budget_publish(budget=budget, actor=city.street_a_manager)
    p.project.refresh_from_db()
    assert p.project.status == S.BUDGET_APPROVED
    # in public: each matter's state, rounds and reasons; the averages per department
    page = Client().get(reverse("approvals:project", args=[p.project.code])).content.decode()
    assert "消防车通道宽度不足4米" in page and "通道拓宽至4.5米" in page and "不得新增建筑面积" in page
    rows = {r["department"].name: r for r in selectors.department_averages()}
    assert rows["市消防救援支队"]["decided"] == 2 and rows["市消防救援支队"]["returned"] == 1
    assert rows["市自然资源和规划局"]["within"] == 1 and rows["市自然资源和规划局"]["average"] == 0


@pytest.mark.django_db
def test_a_plan_that_triggers_nothing_does_not_wait(city):
    p = adopted_project(city)
    assert selectors.blocking(p.project) == []
    money.budget_approve(budget=draft(city, p), actor=city.street_a_manager)


@pytest.mark.django_db
def test_overdue_matters_go_up_to_the_bureau_once(city, depts):
    p = adopted_project(city)
    services.submit(project=p.project, actor=city.street_a_staff)
    Review.objects.filter(matter__name="消防审查").update(due_on=timezone.localdate() - timedelta(days=1))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0  # once
    told = Notification.objects.filter(kind="approval_overdue")
    assert set(told.values_list("user", flat=True)) == {city.bureau.pk}  # never the street office
    assert "市消防救援支队" in told.get().text
    from approvals.tasks import escalate_overdue_reviews

    assert escalate_overdue_reviews.apply().get() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_submissions_at_once_make_one(city, depts):
    p = adopted_project(city)
    results, barrier = [], threading.Barrier(2)

    def send():
        barrier.wait()
        try:
            services.submit(project=p.project, actor=city.street_a_staff)
            results.append("made")
        except ValidationError as error:
            results.append(",".join(sorted(codes(error))))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["made", "submitted"]
    assert Submission.objects.filter(project=p.project).count() == 1
    assert Review.objects.filter(submission__project=p.project).count() == 2


# --- roles × states ------------------------------------------------------------------------------


def _roles(city, depts):
    roles = ROLES + ["planning_staff", "fire_staff"]

    def who(role):
        return depts[role] if role in ("planning_staff", "fire_staff") else actor(city, role)

    return roles, who


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PLANNING, S.PLAN_VOTING, S.PLAN_ADOPTED, S.BUDGET_APPROVED])
def test_who_submits_in_every_state(city, depts, status):
    project = project_at(city, status)
    roles, who = _roles(city, depts)
    expected = {"street_a_staff", "street_a_manager", "admin"} if status == S.PLAN_ADOPTED else set()
    assert {r for r in roles if ap.can_submit(who(r), project)} == expected


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["pending", "approved", "conditions", "returned"])
def test_who_sees_decides_and_resubmits_in_every_review_state(city, depts, state):
    p = adopted_project(city)
    services.submit(project=p.project, actor=city.street_a_staff)
    review = Review.objects.select_related("submission__project__estate").get(matter__name="消防审查")
    Review.objects.filter(pk=review.pk).update(status=state)
    review.refresh_from_db()
    roles, who = _roles(city, depts)
    see = {"fire_staff", "street_a_staff", "street_a_manager", "bureau", "admin"}
    assert {r for r in roles if ap.can_see_review(who(r), review)} == see
    assert {r for r in roles if ap.can_decide(who(r), review)} == ({"fire_staff"} if state == "pending" else set())
    resubmitters = {"street_a_staff", "street_a_manager", "admin"} if state == "returned" else set()
    assert {r for r in roles if ap.can_resubmit(who(r), review, latest=True)} == resubmitters
    assert {r for r in roles if ap.can_manage_catalog(who(r))} == {"bureau", "admin"}
    openers = {"street_a_staff", "street_a_manager", "bureau", "admin"}
    assert {r for r in roles if ap.may_open_every_review(who(r), p.project)} == openers


@pytest.mark.django_db
def test_http_answers_and_forms_next_to_the_field(city, depts):
    p = adopted_project(city)
    code = p.project.code
    url = reverse("approvals:project", args=[code])
    assert Client().get(url).status_code == 200  # public: the matters and their state
    assert Client().get(reverse("approvals:project", args=[project_at(city, S.PETITIONING).code])).status_code == 404
    assert client_for(city.street_b_staff).post(url, {}).status_code == 403
    made = client_for(city.street_a_staff).post(url, {"note": "一次提交"})
    assert made.status_code == 302
    review = Review.objects.get(matter__name="消防审查")
    review_url = reverse("approvals:review", args=[review.pk])
    assert client_for(city.owner_a1.user).get(review_url).status_code == 404  # out of scope
    assert client_for(depts["planning_staff"]).get(review_url).status_code == 404  # another department
    assert (
        client_for(city.street_a_staff).post(review_url, {"action": "decide", "decision": "approve"}).status_code == 403
    )
    fire = client_for(depts["fire_staff"])
    answer = fire.post(review_url, {"action": "decide", "decision": "return", "text": ""})
    assert answer.status_code == 400 and 'id="id_text_error"' in answer.content.decode()
    assert fire.post(review_url, {"action": "decide", "decision": "return", "text": "缺消防设计图"}).status_code == 302
    assert client_for(city.owner_a1.user).get(reverse("approvals:desk")).status_code == 403
    bureau = client_for(city.bureau)
    catalog = bureau.post(
        reverse("approvals:catalog"), {"name": "", "department": depts["gardens"].pk, "time_limit": "200"}
    )
    assert catalog.status_code == 400 and 'id="id_name_error"' in catalog.content.decode()
    assert client_for(city.street_a_staff).get(reverse("approvals:catalog")).status_code == 403


@pytest.mark.django_db
def test_the_shared_documents_reach_the_departments_and_the_street_office_only(city, depts):
    p = adopted_project(city)
    services.submit(
        project=p.project,
        actor=city.street_a_staff,
        document=f.proof_file("plans.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "application/pdf"),
    )
    submission = Submission.objects.get(project=p.project)
    reviewing = frozenset(submission.reviews.values_list("department_id", flat=True))
    roles, who = _roles(city, depts)
    readers = {"planning_staff", "fire_staff", "street_a_staff", "street_a_manager", "bureau", "admin"}
    assert {r for r in roles if ap.can_download_submission(who(r), submission, reviewing)} == readers
    gardens = f.staff(depts["gardens"], "gardens_reader")  # no matter of this plan is theirs
    assert not ap.can_download_submission(gardens, submission, reviewing)
    url = reverse("approvals:document", args=[submission.pk])
    got = client_for(depts["planning_staff"]).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client_for(city.owner_a1.user).get(url).status_code == 404
    assert client_for(city.street_b_staff).get(url).status_code == 404
    assert client_for(gardens).get(url).status_code == 404


# --- query budgets --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_are_flat(city, depts, django_assert_max_num_queries):
    projects = []
    fire, bureau, anyone = client_for(depts["fire_staff"]), client_for(city.bureau), Client()
    for n in range(4):
        p = adopted_project(city)
        services.submit(project=p.project, actor=city.street_a_staff)
        projects.append(p.project)
        if n == 0:
            fire.get(reverse("approvals:desk"))  # warm the process (content types)
            with django_assert_max_num_queries(8):
                assert fire.get(reverse("approvals:desk")).status_code == 200
    with django_assert_max_num_queries(8):  # four times the reviews, the same queries
        assert fire.get(reverse("approvals:desk")).status_code == 200
    with django_assert_max_num_queries(8):
        assert bureau.get(reverse("approvals:desk")).status_code == 200
    with django_assert_max_num_queries(10):
        assert anyone.get(reverse("approvals:project", args=[projects[0].code])).status_code == 200
    with django_assert_max_num_queries(5):
        assert anyone.get(reverse("approvals:departments")).status_code == 200
    review = Review.objects.filter(matter__name="消防审查").first()
    with django_assert_max_num_queries(20):
        assert fire.get(reverse("approvals:review", args=[review.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert bureau.get(reverse("approvals:catalog")).status_code == 200
