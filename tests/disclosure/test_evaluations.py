"""第三方评估 (issue 22 item 6): the bureau engages an evaluator for a project or a plan year; the
evaluator reads the records (no resident's name or phone), records a visit and publishes a report
that shows on the project's evaluation page, on its timeline and in the street scoring. Roles ×
states, the HTTP answers, query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosure import evaluations, services
from disclosure import permissions as dp
from disclosure.models import EvaluationReport
from portal import scoring
from projects.models import Project, ProjectEvent
from stakeholders.models import Notification, Organization, Resident
from tests import factories as f
from tests.projects.conftest import project_at
from tests.stakeholders.test_permissions import ROLES, actor

S = Project.Status
SCORES = {"quality": 90, "schedule": 70, "money": 85, "participation": 80, "aftercare": 75}
PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def evaluator(city):
    org = f.organization(Organization.Kind.EVALUATOR, "广西城乡评估咨询有限公司")
    return org, f.staff(org, "evaluator_staff")


@pytest.fixture
def other(city):
    org = f.organization(Organization.Kind.EVALUATOR, "另一评估公司")
    return org, f.staff(org, "other_evaluator")


@pytest.mark.django_db
def test_an_evaluation_from_engagement_to_the_published_report(city, evaluator):
    project = project_at(city, S.UNDER_CONSTRUCTION)
    with pytest.raises(PermissionDenied):
        services.engagement_add(actor=city.street_a_staff, evaluator=evaluator[0], project=project)
    with pytest.raises(ValidationError) as wrong:
        services.engagement_add(actor=city.bureau, evaluator=city.contractor_org, project=project)
    assert wrong.value.error_dict["evaluator"][0].code == "not_evaluator"
    with pytest.raises(ValidationError) as both:
        services.engagement_add(actor=city.bureau, evaluator=evaluator[0], project=project, year=2027)
    assert both.value.code == "scope"
    services.engagement_add(actor=city.bureau, evaluator=evaluator[0], project=project, scope="施工质量与资金使用")
    assert Notification.objects.filter(user=evaluator[1], kind="evaluation_engaged").count() == 1
    with pytest.raises(ValidationError) as future:
        services.site_visit_record(
            project=project, actor=evaluator[1], visited_on=timezone.localdate() + timedelta(days=1), note="x"
        )
    assert future.value.error_dict["visited_on"][0].code == "future"
    services.site_visit_record(project=project, actor=evaluator[1], visited_on=timezone.localdate(), note="屋面已完工")
    with pytest.raises(ValidationError) as score:
        services.report_save(project=project, actor=evaluator[1], scores={**SCORES, "money": 101}, findings="x")
    assert score.value.error_dict["score_money"][0].code == "score"
    report = services.report_save(
        project=project, actor=evaluator[1], scores=SCORES, findings="质量总体良好，进度滞后两周。"
    )
    assert report.overall == Decimal("80.0") and report.status == "draft"
    assert scoring.compute()[city.street_a.pk]["evaluation"] is None  # a draft does not count
    services.report_publish(report=report, actor=evaluator[1])
    assert ProjectEvent.objects.filter(project=project, note__contains="80.0").exists()
    assert scoring.compute()[city.street_a.pk]["evaluation"] == 80.0
    with pytest.raises(ValidationError):  # published: fixed
        services.report_save(project=project, actor=evaluator[1], scores=SCORES, findings="改")


@pytest.mark.django_db
def test_a_year_engagement_covers_the_projects_of_that_plan(city, evaluator, other):
    year = timezone.localdate().year + 1
    planned, unplanned = project_at(city, S.PLANNING), project_at(city, S.PLANNING)
    Project.objects.filter(pk=planned.pk).update(plan_year=year)
    planned.refresh_from_db()
    services.engagement_add(actor=city.bureau, evaluator=evaluator[0], year=year)
    engagements = evaluations.engagements_covering(planned)
    assert dp.can_read_evaluation_records(evaluator[1], planned, engagements)
    assert not dp.can_read_evaluation_records(evaluator[1], unplanned, evaluations.engagements_covering(unplanned))
    assert not dp.can_read_evaluation_records(other[1], planned, engagements)
    covered = evaluations.desk(evaluator[1])[0].covered
    assert covered == [planned]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["none", "draft", "published"])
def test_who_reads_and_writes_in_every_report_state(city, evaluator, other, state):
    project = project_at(city, S.UNDER_CONSTRUCTION)
    services.engagement_add(actor=city.bureau, evaluator=evaluator[0], project=project)
    report = None
    if state != "none":
        report = services.report_save(project=project, actor=evaluator[1], scores=SCORES, findings="良好")
        if state == "published":
            report = services.report_publish(report=report, actor=evaluator[1])
    engagements = evaluations.engagements_covering(project)
    roles = ROLES + ["evaluator_staff", "other_evaluator"]

    def who(role):
        return {"evaluator_staff": evaluator[1], "other_evaluator": other[1]}.get(role) or actor(city, role)

    readers = {"evaluator_staff", "bureau", "admin"}
    assert {r for r in roles if dp.can_read_evaluation_records(who(r), project, engagements)} == readers
    writers = {"evaluator_staff"} if state != "published" else set()
    assert {r for r in roles if dp.can_write_evaluation(who(r), project, engagements, report)} == writers
    assert {r for r in roles if dp.can_engage(who(r))} == {"bureau", "admin"}


@pytest.mark.django_db
def test_http_answers_and_no_personal_data_for_the_evaluator(city, evaluator, owners):
    project = project_at(city, S.UNDER_CONSTRUCTION)
    url = reverse("disclosure:evaluation", args=[project.code])
    desk = reverse("disclosure:evaluation_desk")
    bureau = client_for(city.bureau)
    missing = bureau.post(desk, {"evaluator": evaluator[0].pk, "project": "no-such-project"})
    assert missing.status_code == 400 and 'id="id_project_error"' in missing.content.decode()
    assert bureau.post(desk, {"evaluator": evaluator[0].pk, "project": project.code}).status_code == 302
    assert client_for(city.owner_a1.user).get(desk).status_code == 403
    assert client_for(city.street_a_staff).post(desk, {"evaluator": evaluator[0].pk}).status_code == 403
    ev = client_for(evaluator[1])
    work = ev.get(url).content.decode()
    assert 'data-testid="evaluation-records"' in work and 'data-testid="report-form"' in work
    for resident in Resident.objects.all():
        assert resident.name not in work and (not resident.phone or resident.phone not in work)
    bad = ev.post(url, {"action": "report", "score_quality": "999", "findings": ""})
    body = bad.content.decode()
    assert bad.status_code == 400 and 'id="id_score_quality_error"' in body and 'id="id_findings_error"' in body
    data = {"action": "report", "findings": "良好", **{f"score_{k}": v for k, v in SCORES.items()}}
    data["document"] = f.proof_file("report.pdf", PDF, "application/pdf")
    assert ev.post(url, data).status_code == 302
    report = EvaluationReport.objects.get(project=project)
    pdf = reverse("disclosure:evaluation_document", args=[report.pk])
    assert Client().get(pdf).status_code == 404  # a draft's PDF is not public
    assert "良好" not in Client().get(url).content.decode()
    assert client_for(city.street_a_staff).post(url, {"action": "publish"}).status_code == 403
    assert ev.post(url, {"action": "publish"}).status_code == 302
    public = Client().get(url).content.decode()
    assert 'data-testid="evaluation-report"' in public and 'data-testid="evaluation-records"' not in public
    got = Client().get(pdf)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert (
        Client().get(reverse("disclosure:evaluation", args=[project_at(city, S.PETITIONING).code])).status_code == 404
    )


@pytest.mark.django_db
def test_the_pages_are_flat(city, evaluator, django_assert_max_num_queries):
    ev, anyone = client_for(evaluator[1]), Client()
    project = project_at(city, S.UNDER_CONSTRUCTION)
    services.engagement_add(actor=city.bureau, evaluator=evaluator[0], project=project)
    url = reverse("disclosure:evaluation", args=[project.code])
    ev.get(url)
    with django_assert_max_num_queries(26):
        assert ev.get(url).status_code == 200
    for n in range(4):
        services.site_visit_record(
            project=project, actor=evaluator[1], visited_on=timezone.localdate(), note=f"第{n}次"
        )
    report = services.report_save(project=project, actor=evaluator[1], scores=SCORES, findings="良好")
    services.report_publish(report=report, actor=evaluator[1])
    with django_assert_max_num_queries(26):
        assert ev.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert anyone.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        assert ev.get(reverse("disclosure:evaluation_desk")).status_code == 200
