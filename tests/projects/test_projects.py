"""Project lifecycle: projects/permissions.py (roles × states), services, page, concurrency."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import permissions as p
from projects import services
from projects.lifecycle import TRANSITIONS, By
from projects.models import Project, ProjectEvent
from stakeholders.models import User
from tests import factories as f
from tests.stakeholders.test_permissions import ROLES, actor
from tests.stakeholders.test_services import _race, codes

S = Project.Status


def project_in(city, status, estate=None):
    project = services.project_create(estate=estate or city.estate_a1, title="甲一小区综合改造", actor=None)
    Project.objects.filter(pk=project.pk).update(status=status)  # test setup: jump to the state
    project.refresh_from_db()
    return project


VIEWERS = {"owner_a1", "comm_a1_staff", "street_a_staff", "street_a_manager", "bureau", "admin"}


@pytest.mark.parametrize("status", S.values)
def test_who_sees_a_project_in_every_state(city, status):
    project = project_in(city, status)
    seen = {role for role in ROLES if p.can_view_project(actor(city, role), project)}
    assert seen == VIEWERS


@pytest.mark.parametrize("status", S.values)
def test_who_may_move_a_project_by_hand_in_every_state(city, status):
    project = project_in(city, status)
    for to in S.values:
        by = TRANSITIONS.get((status, to))
        expected = {
            By.STREET_APPROVER: {"street_a_manager", "admin"},
            By.STREET_STAFF: {"street_a_staff", "street_a_manager", "admin"},
        }.get(by, set())
        allowed = {role for role in ROLES if p.can_transition(actor(city, role), project, to)}
        assert allowed == expected, (status, to)


def test_create_grants_the_street_office_and_starts_the_timeline(city):
    project = services.project_create(estate=city.estate_a1, title="改造", actor=city.owner_a1.user)
    assert project.status == S.PETITIONING and project.code.startswith(city.estate_a1.code)
    assert User.objects.get(pk=city.street_a_staff.pk).has_perm("projects.view_project", project)
    assert not User.objects.get(pk=city.street_b_staff.pk).has_perm("projects.view_project", project)
    assert list(project.events.values_list("from_status", "to_status")) == [("", S.PETITIONING)]
    second = services.project_create(estate=city.estate_a1, title="二期", actor=None)
    assert second.code == f"{project.code}-2"


def test_transition_records_who_and_why(city):
    project = project_in(city, S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.project_transition(project=project, to=S.REJECTED, actor=city.street_a_manager)
    assert codes(error.value) == {"note_required"}
    services.project_transition(project=project, to=S.REJECTED, actor=city.street_a_manager, note="不在本年度计划内")
    event = ProjectEvent.objects.filter(project=project).last()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        city.street_a_manager,
        S.SUBMITTED,
        S.REJECTED,
        "不在本年度计划内",
    )


def test_bad_and_service_only_transitions_are_refused(city):
    project = project_in(city, S.PETITIONING)
    with pytest.raises(ValidationError) as error:
        services.project_transition(project=project, to=S.COMPLETED, actor=city.admin)
    assert codes(error.value) == {"bad_transition"}
    with pytest.raises(PermissionDenied):  # only the willingness vote's service may submit
        services.project_transition(project=project, to=S.SUBMITTED, actor=city.admin)
    moved = services.project_transition(project=project, to=S.SUBMITTED, actor=None, by_service=True)
    assert moved.status == S.SUBMITTED
    with pytest.raises(PermissionDenied):  # and a service may not take a by-hand step
        services.project_transition(project=moved, to=S.ACCEPTED, actor=None, by_service=True)


def test_stale_copy_gets_a_clear_answer(city):
    project = project_in(city, S.SUBMITTED)
    stale = Project.objects.get(pk=project.pk)
    services.project_transition(project=project, to=S.ACCEPTED, actor=city.street_a_manager)
    with pytest.raises(ValidationError) as error:
        services.project_transition(project=stale, to=S.REJECTED, actor=city.street_a_manager, note="重复")
    assert codes(error.value) == {"status_changed"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_produce_one_result():
    city = f.build_city()
    second = f.staff(city.street_a_org, "street_a_manager2", role="manager")
    project = project_in(city, S.SUBMITTED)
    approvers = [city.street_a_manager, second]

    def decide(i):
        copy = Project.objects.get(pk=project.pk)
        me = User.objects.get(pk=approvers[i].pk)
        if i == 0:
            return services.project_transition(project=copy, to=S.ACCEPTED, actor=me)
        return services.project_transition(project=copy, to=S.REJECTED, actor=me, note="驳回")

    results = _race(2, decide)
    assert sum(isinstance(r, Project) for r in results) == 1
    error = next(r for r in results if isinstance(r, Exception))
    assert isinstance(error, ValidationError) and codes(error) == {"status_changed"}
    assert ProjectEvent.objects.filter(project=project).count() == 2  # created + one decision


# --- pages -----------------------------------------------------------------------------------------

HTTP = {
    "anonymous": 302,
    "plain_resident": 404,
    "owner_a1": 200,
    "owner_b1": 404,
    "comm_a1_staff": 200,
    "comm_a2_staff": 404,
    "street_a_staff": 200,
    "street_b_staff": 404,
    "contractor": 404,
    "bureau": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", HTTP)
def test_project_page_by_role(city, client, role):
    project = project_in(city, S.SUBMITTED)
    if role != "anonymous":
        client.force_login(actor(city, role))
    assert client.get(project.get_absolute_url()).status_code == HTTP[role]


@pytest.mark.parametrize("role, expected", [("owner_a1", 403), ("street_a_staff", 403), ("street_b_staff", 404)])
def test_posting_a_transition_without_the_right_is_refused(city, client, role, expected):
    project = project_in(city, S.SUBMITTED)
    client.force_login(actor(city, role))
    response = client.post(project.get_absolute_url(), {"to": S.ACCEPTED})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_approver_accepts_from_the_page_and_the_timeline_shows_it(city, client):
    project = project_in(city, S.SUBMITTED)
    client.force_login(actor(city, "street_a_manager"))
    page = client.get(project.get_absolute_url())
    assert [s for s, _form in page.context["transitions"]] == [S.ACCEPTED, S.REJECTED]
    html = page.content.decode()
    assert 'id="id_accepted_note"' in html and 'id="id_rejected_note"' in html  # no duplicate ids
    missing_reason = client.post(project.get_absolute_url(), {"to": S.REJECTED, "note": ""})
    assert missing_reason.status_code == 400
    assert "原因" in missing_reason.content.decode()
    done = client.post(project.get_absolute_url(), {"to": S.ACCEPTED}, follow=True)
    assert done.context["project"].status == S.ACCEPTED
    assert "纳入改造计划" in done.content.decode()


def test_project_pages_query_budget_flat_under_10x_data(city, client, django_assert_max_num_queries):
    project = project_in(city, S.SUBMITTED)
    users = [actor(city, r) for r in ("owner_a1", "comm_a1_staff", "street_a_manager", "bureau")]

    def counts():
        result = []
        for user in users:
            client.force_login(User.objects.get(pk=user.pk))
            for url in (project.get_absolute_url(), reverse("projects:list")):
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get(url).status_code == 200
                result.append(len(ctx.captured_queries))
        return result

    before = counts()
    for _ in range(10):
        project_in(city, S.PLANNING)
        ProjectEvent.objects.create(project=project, actor=city.admin, from_status=S.SUBMITTED, to_status=S.SUBMITTED)
    assert counts() == before
    for user in users:
        client.force_login(User.objects.get(pk=user.pk))
        with django_assert_max_num_queries(14):
            client.get(project.get_absolute_url())
        with django_assert_max_num_queries(10):
            client.get(reverse("projects:list"))
