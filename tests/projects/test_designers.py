"""Designers and community planners at the table (issue 18, item 9): the street office assigns one
to a project's plan; its staff attach drawings to a version (public with the version) and answer
comments; the plan page shows who drew it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from projects import permissions, services
from projects.models import PlanComment, Project
from stakeholders.models import Organization
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import add_item
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def planner(city):
    org = f.organization(Organization.Kind.COMMUNITY_PLANNER, "甲街道社区规划师工作室")
    return f.staff(org, "planner_a")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("street_a_staff", True),
        ("admin", True),
        ("street_b_staff", False),
        ("comm_a1_staff", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("status", [S.PLANNING, S.PLAN_ADOPTED])
def test_who_assigns_a_designer_when(city, planner, role, allowed, status):
    project = project_at(city, status)
    user = getattr(city, role)
    ok = allowed and status == S.PLANNING
    org = Organization.objects.get(kind="community_planner")
    assert permissions.can_assign_designer(user, project) is ok
    if ok:
        services.plan_designer_assign(project=project, actor=user, organization=org)
        assert permissions.is_plan_designer(planner, project)
        with pytest.raises(ValidationError) as twice:
            services.plan_designer_assign(project=project, actor=user, organization=org)
        assert codes(twice.value) == {"already_assigned"}
        with pytest.raises(ValidationError) as wrong:
            services.plan_designer_assign(project=project, actor=user, organization=city.contractor_org)
        assert codes(wrong.value) == {"wrong_kind"}
    else:
        with pytest.raises(PermissionDenied):
            services.plan_designer_assign(project=project, actor=user, organization=org)


@pytest.mark.django_db
def test_the_designer_draws_answers_and_the_page_says_who_drew_it(city, planner, client):
    project = project_at(city, S.PLANNING)
    org = Organization.objects.get(kind="community_planner")
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    assert not permissions.can_attach_drawing(planner, v1)  # not assigned yet
    services.plan_designer_assign(project=project, actor=city.street_a_staff, organization=org)
    planner = type(planner).objects.get(pk=planner.pk)  # the next request: facts are read afresh
    plan_url = reverse("projects:plan", args=[project.code, 1])
    staff_page = client_for(city.street_a_staff).get(plan_url).content.decode()
    assert 'data-testid="designer-form"' in staff_page
    designer = client_for(planner)
    no_file = designer.post(reverse("projects:drawing_add", args=[project.code, 1]), {"title": "总平面图"})
    assert no_file.status_code == 302 and not v1.drawings.exists()
    done = designer.post(
        reverse("projects:drawing_add", args=[project.code, 1]),
        {"title": "总平面图", "explanation": "红线内为改造范围", "file": f.proof_file("总平面图.png")},
    )
    assert done.status_code == 302
    drawing = v1.drawings.get()
    assert drawing.organization == org
    file_url = reverse("projects:drawing", args=[drawing.pk])
    assert client.get(file_url).status_code == 404  # a draft's drawing: not public yet
    assert client_for(city.owner_a1.user).get(file_url).status_code == 200
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    assert client.get(file_url).status_code == 200  # public with the published version
    public = client.get(plan_url).content.decode()
    assert "甲街道社区规划师工作室" in public and "总平面图" in public and "红线内为改造范围" in public
    comment = services.plan_comment_add(version=v1, actor=city.owner_a1.user, text="图上的停车位不够")
    comment = PlanComment.objects.select_related("version__project__estate").get(pk=comment.pk)
    assert permissions.can_answer_plan_comment(planner, comment)
    services.plan_comment_answer(comment=comment, actor=planner, response="partly", reason="增加8个车位")
    assert not permissions.can_attach_drawing(city.contractor, v1)
    with pytest.raises(PermissionDenied):
        services.plan_drawing_add(version=v1, actor=city.contractor, title="x", explanation="", file=f.proof_file())


@pytest.mark.django_db
def test_the_plan_page_asks_about_designers_once_however_many_comments(city, planner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    services.plan_designer_assign(
        project=project, actor=city.street_a_staff, organization=Organization.objects.get(kind="community_planner")
    )
    url = reverse("projects:plan", args=[project.code, 1])
    reader = client_for(planner)
    counts = []
    for n in (1, 10):
        while v1.comments.count() < n:
            services.plan_comment_add(version=v1, actor=city.owner_a1.user, text="意见")
        reader.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            page = reader.get(url)
        counts.append(len(queries.captured_queries))
        assert page.content.decode().count('data-testid="answer-form"') == n
    assert counts[0] == counts[1], counts  # no query per comment
