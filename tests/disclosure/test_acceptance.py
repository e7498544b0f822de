"""竣工验收 as 《建设工程质量管理条例》 art. 16 has it (issue 20 item 2): the completion report, the
five signers (the designer only when a design firm was at the table), refusal with a punch list,
the fixes and the next report; the pages, the API, the public page and what each refuses."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import Milestone
from projects import permissions as pp
from projects import services as project_services
from projects.models import AcceptanceSignature, CompletionReport, Defect, PlanDesigner, Project
from stakeholders.models import Notification, Organization
from tests import factories as f
from tests.projects.test_hearings import client_for
from tests.stakeholders.test_services import _race, codes

from .conftest import file_report, final_lines, finish


def sign(project, role, user, **kw):
    return project_services.acceptance_sign(project=Project.objects.get(pk=project.pk), role=role, actor=user, **kw)


def refuse(project, user, role="council", due=None, item=None):
    due = due or timezone.localdate() + timedelta(days=10)
    return sign(project, role, user, decision="refuse", opinion="屋面渗水", defects=[("东侧檐口渗水", due, item)])


# --- the completion report ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_needs_every_item_and_names_what_is_unfinished(city, contracted):
    finish(city, contracted)
    services.progress_post(
        project=contracted.project,
        actor=city.contractor,
        percent=90,
        plan_item=contracted.light,
        text="两盏灯具待换",
    )
    services.milestone_add(
        project=contracted.project, actor=city.contractor, title="管线迁改", due_date=timezone.localdate()
    )
    services.milestone_add(  # the acceptance's own milestone is met by the acceptance: not a gap
        project=contracted.project,
        actor=city.contractor,
        title="竣工验收",
        type=Milestone.Type.ASSESSMENT,
        due_date=timezone.localdate(),
    )
    lines = final_lines(contracted)
    with pytest.raises(ValidationError) as error:
        project_services.completion_report_file(
            project=contracted.project,
            actor=city.contractor,
            scope_done="完工",
            lines={contracted.roof.pk: lines[contracted.roof.pk]},
        )
    assert codes(error.value) == {"line_missing"}
    with pytest.raises(ValidationError) as error:
        project_services.completion_report_file(
            project=contracted.project, actor=city.contractor, scope_done="  ", lines=lines
        )
    assert codes(error.value) == {"scope_required"}
    with pytest.raises(ValidationError) as error:
        project_services.completion_report_file(
            project=contracted.project, actor=city.contractor, scope_done="完工", lines=lines
        )
    assert codes(error.value) == {"gaps"}
    message = " ".join(error.value.messages)
    assert "楼道照明" in message and "90%" in message and "管线迁改" in message and "竣工验收" not in message
    report = project_services.completion_report_file(
        project=contracted.project,
        actor=city.contractor,
        scope_done="完工",
        lines=lines,
        exception="灯具厂家停产，替代型号下月到货；不影响使用",
    )
    assert report.number == 1 and report.status == CompletionReport.Status.FILED
    assert [(g["kind"], g["state"]) for g in report.gaps] == [("item", "90"), ("milestone", "scheduled")]
    assert report.lines.count() == 2


@pytest.mark.django_db
def test_bad_figures_are_refused_next_to_their_field(city, contracted):
    finish(city, contracted)
    for quantity, cost, code in [
        (Decimal("-1"), Decimal("1"), "quantity_range"),
        (Decimal("1"), Decimal("1000000000000"), "cost_range"),
    ]:
        lines = final_lines(contracted)
        lines[contracted.roof.pk] = (quantity, cost, "")
        with pytest.raises(ValidationError) as error:
            project_services.completion_report_file(
                project=contracted.project, actor=city.contractor, scope_done="完工", lines=lines
            )
        assert codes(error.value) == {code}
        assert list(error.value.error_dict) == [f"item_{contracted.roof.pk}_{code.split('_')[0]}"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Project.Status.values))
def test_who_files_the_report_when(city, council_a1, contracted, status):
    Project.objects.filter(pk=contracted.project.pk).update(status=status)
    project = Project.objects.get(pk=contracted.project.pk)
    building = status == Project.Status.UNDER_CONSTRUCTION
    for user, ok in [
        (city.contractor, building),
        (city.supervisor, False),
        (city.street_a_manager, False),
        (council_a1.user, False),
        (city.admin, False),
        (city.owner_a1.user, False),
    ]:
        assert pp.can_file_completion_report(user, project) is ok
        if not ok:
            with pytest.raises(PermissionDenied):
                project_services.completion_report_file(
                    project=project, actor=user, scope_done="完工", lines=final_lines(contracted), exception="x"
                )


@pytest.mark.django_db
def test_filing_tells_every_signer_and_a_second_report_waits(city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted)
    told = set(Notification.objects.filter(kind="completion_filed").values_list("user_id", flat=True))
    assert {city.supervisor.pk, city.street_a_manager.pk, council_a1.user_id} <= told
    assert city.contractor.pk not in told and city.owner_a1.user_id not in told
    with pytest.raises(PermissionDenied):  # one report waits for signatures at a time
        file_report(city, contracted)


@pytest.mark.django_db(transaction=True)
def test_two_filings_at_once_make_one_report(city, contracted):
    finish(city, contracted)
    results = _race(3, lambda i: file_report(city, contracted))
    assert sum(isinstance(r, CompletionReport) for r in results) == 1
    assert all(isinstance(r, (CompletionReport, PermissionDenied)) for r in results)
    assert CompletionReport.objects.filter(project=contracted.project).count() == 1


# --- signing: roles × states ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["none", "filed", "returned", "fixed", "accepted"])
def test_who_signs_and_refuses_in_each_state_of_the_report(city, council_a1, contracted, state):
    finish(city, contracted)
    project = contracted.project
    signers = {
        "contractor": city.contractor,
        "supervisor": city.supervisor,
        "street": city.street_a_manager,
        "council": council_a1.user,
    }
    others = [city.street_a_staff, city.street_b_staff, city.bureau, city.owner_a1.user, city.comm_a1_staff]
    if state != "none":
        file_report(city, contracted)
    if state in ("returned", "fixed"):
        refuse(project, city.supervisor, role="supervisor")
    if state == "fixed":
        project_services.defect_fix(defect=Defect.objects.get(), actor=city.contractor, note="已修复")
    if state == "accepted":
        for role, user in signers.items():
            sign(project, role, user)
    project = Project.objects.get(pk=project.pk)
    open_to_sign = state == "filed"
    for role, user in signers.items():
        assert pp.acceptance_roles(user, Project.objects.get(pk=project.pk)) == ([role] if open_to_sign else [])
    for user in others:
        assert pp.acceptance_roles(user, Project.objects.get(pk=project.pk)) == []
        with pytest.raises(PermissionDenied):
            sign(project, "street", user)
    assert pp.can_file_completion_report(city.contractor, project) is (state in ("none", "fixed"))
    assert pp.can_refuse_acceptance("contractor") is False
    assert all(pp.can_refuse_acceptance(r) for r in ("designer", "supervisor", "street", "council"))


@pytest.mark.django_db
def test_a_design_firm_at_the_table_signs_too_and_a_community_planner_does_not(city, council_a1, contracted):
    design = f.organization(Organization.Kind.DESIGNER, "甲市建筑设计院")
    designer = f.staff(design, "designer_a")
    planner_org = f.organization(Organization.Kind.COMMUNITY_PLANNER, "社区规划师工作室")
    planner = f.staff(planner_org, "planner_a")
    for org in (design, planner_org):
        PlanDesigner.objects.create(project=contracted.project, organization=org, assigned_by=city.street_a_staff)
    finish(city, contracted)
    file_report(city, contracted)
    project = Project.objects.get(pk=contracted.project.pk)
    assert pp.required_acceptance_roles(project) == ["contractor", "designer", "supervisor", "street", "council"]
    assert pp.acceptance_roles(designer, project) == ["designer"]
    assert pp.acceptance_roles(planner, Project.objects.get(pk=project.pk)) == []
    for role, user in [
        ("contractor", city.contractor),
        ("supervisor", city.supervisor),
        ("street", city.street_a_manager),
        ("council", council_a1.user),
    ]:
        sign(project, role, user)
    assert Project.objects.get(pk=project.pk).status == Project.Status.UNDER_CONSTRUCTION  # the designer has not
    sign(project, "designer", designer, opinion="按施工图完成")
    assert Project.objects.get(pk=project.pk).status == Project.Status.COMPLETED


@pytest.mark.django_db
def test_refusal_returns_the_report_as_a_punch_list_and_the_next_report_is_signed_again(city, council_a1, contracted):
    finish(city, contracted)
    project = contracted.project
    first = file_report(city, contracted)
    sign(project, "supervisor", city.supervisor)
    with pytest.raises(ValidationError) as error:
        sign(project, "contractor", city.contractor, decision="refuse", defects=[("x", timezone.localdate(), None)])
    assert codes(error.value) == {"contractor_cannot_refuse"}
    with pytest.raises(ValidationError) as error:
        sign(project, "council", council_a1.user, decision="refuse")
    assert codes(error.value) == {"defects_required"}
    with pytest.raises(ValidationError) as error:
        sign(project, "council", council_a1.user, defects=[("东侧渗水", timezone.localdate(), None)])
    assert codes(error.value) == {"defects_with_agree"}
    for defect, code in [
        (("", timezone.localdate(), None), "defect_description"),
        (("渗水", timezone.localdate() - timedelta(days=1), None), "defect_due"),
        (("渗水", timezone.localdate() + timedelta(days=400), None), "defect_due"),
        (("渗水", None, None), "defect_due"),
    ]:
        with pytest.raises(ValidationError) as error:
            sign(project, "council", council_a1.user, decision="refuse", defects=[defect])
        assert codes(error.value) == {code}
    refusal = refuse(project, council_a1.user, item=contracted.roof)
    first.refresh_from_db()
    assert first.status == CompletionReport.Status.RETURNED and first.closed_at is not None
    assert refusal.defects.get().plan_item == contracted.roof
    told = Notification.objects.get(kind="acceptance_refused")
    assert told.user_id == city.contractor.pk and told.params["count"] == 1
    with pytest.raises(PermissionDenied):  # a returned report takes no more signatures
        sign(project, "street", city.street_a_manager)
    with pytest.raises(PermissionDenied):  # the defect is still open
        file_report(city, contracted)
    defect = refusal.defects.get()
    for user in (city.supervisor, council_a1.user, city.street_a_manager):
        with pytest.raises(PermissionDenied):
            project_services.defect_fix(defect=defect, actor=user, note="修好了")
    with pytest.raises(ValidationError) as error:
        project_services.defect_fix(defect=defect, actor=city.contractor, note=" ")
    assert codes(error.value) == {"fix_note_required"}
    project_services.defect_fix(defect=defect, actor=city.contractor, note="补做滴水线，淋水试验无渗漏")
    with pytest.raises(PermissionDenied):  # once
        project_services.defect_fix(defect=defect, actor=city.contractor, note="again")
    second = file_report(city, contracted)
    assert second.number == 2
    # the supervisor signed report no. 1; report no. 2 needs everyone again
    assert pp.acceptance_roles(city.supervisor, Project.objects.get(pk=project.pk)) == ["supervisor"]
    for role, user in [
        ("contractor", city.contractor),
        ("supervisor", city.supervisor),
        ("street", city.street_a_manager),
        ("council", council_a1.user),
    ]:
        sign(project, role, user)
    project.refresh_from_db()
    second.refresh_from_db()
    assert project.status == Project.Status.COMPLETED and second.status == CompletionReport.Status.ACCEPTED
    assert AcceptanceSignature.objects.filter(project=project).count() == 6


@pytest.mark.django_db
def test_works_that_slipped_back_after_the_report_stop_the_acceptance(city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted)
    services.progress_post(
        project=contracted.project, actor=city.contractor, percent=80, plan_item=contracted.roof, text="返工"
    )
    with pytest.raises(ValidationError) as error:
        sign(contracted.project, "street", city.street_a_manager)
    assert codes(error.value) == {"works_changed"}


@pytest.mark.django_db(transaction=True)
def test_the_last_two_signatures_at_once_complete_the_project_once(city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted)
    sign(contracted.project, "contractor", city.contractor)
    sign(contracted.project, "supervisor", city.supervisor)
    pairs = [("street", city.street_a_manager), ("council", council_a1.user)]
    results = _race(2, lambda i: sign(contracted.project, *pairs[i]))
    assert all(isinstance(r, AcceptanceSignature) for r in results)
    project = Project.objects.get(pk=contracted.project.pk)
    assert project.status == Project.Status.COMPLETED
    assert project.events.filter(to_status=Project.Status.COMPLETED).count() == 1


# --- the pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_contractor_files_on_the_page_and_nothing_typed_is_lost(city, contracted):
    finish(city, contracted)
    services.progress_post(
        project=contracted.project, actor=city.contractor, percent=50, plan_item=contracted.light, text="半数"
    )
    client = client_for(city.contractor)
    url = reverse("projects:completion_report", args=[contracted.project.code])
    page = client.get(url).content.decode()
    assert 'data-testid="completion-gaps"' in page and "50%" in page
    data = {"scope_done": "屋面防水与照明改造完成（照明一半）"}
    for item in (contracted.roof, contracted.light):
        data |= {f"item_{item.pk}_quantity": str(item.quantity), f"item_{item.pk}_cost": str(item.estimated_cost)}
    data[f"item_{contracted.light.pk}_note"] = "另一半灯具下月安装"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "写明为什么" in html or "尚未全部完成" in html  # the gaps message, next to the exception field
    assert "屋面防水与照明改造完成（照明一半）" in html and "另一半灯具下月安装" in html
    data["exception"] = "灯具厂家停产，替代型号下月到货"
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse(
        "projects:acceptance", args=[contracted.project.code]
    )
    report = CompletionReport.objects.get()
    assert report.exception == "灯具厂家停产，替代型号下月到货"
    assert client.get(url).status_code == 302  # one report at a time: back to the one that waits


@pytest.mark.django_db
def test_a_refusal_on_the_page_keeps_what_was_typed_and_the_contractor_fixes_it(city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted)
    code = contracted.project.code
    council = client_for(council_a1.user)
    page = council.get(reverse("projects:acceptance", args=[code])).content.decode()
    assert 'data-testid="sign-form-council"' in page and 'data-testid="sign-form-street"' not in page
    data = {"role": "council", "decision": "refuse", "opinion": "东侧渗水", "defect_0_description": "东侧檐口渗水"}
    response = council.post(reverse("projects:acceptance_sign", args=[code]), data)
    html = response.content.decode()
    assert response.status_code == 400 and "东侧檐口渗水" in html and 'aria-invalid="true"' in html
    data["defect_0_due_on"] = (timezone.localdate() + timedelta(days=7)).isoformat()
    data["defect_0_plan_item"] = str(contracted.roof.pk)
    response = council.post(reverse("projects:acceptance_sign", args=[code]), data)
    assert response.status_code == 302
    contractor = client_for(city.contractor)
    page = contractor.get(reverse("projects:acceptance", args=[code])).content.decode()
    assert 'data-testid="fix-form"' in page and "东侧檐口渗水" in page
    defect = Defect.objects.get()
    assert contractor.post(reverse("projects:defect_fix", args=[defect.pk]), {"note": ""}).status_code == 400
    assert council.post(reverse("projects:defect_fix", args=[defect.pk]), {"note": "x"}).status_code == 403
    assert contractor.post(reverse("projects:defect_fix", args=[defect.pk]), {"note": "已补做"}).status_code == 302
    assert (
        'data-testid="file-completion"' in contractor.get(reverse("projects:acceptance", args=[code])).content.decode()
    )
    other = client_for(city.street_b_staff)
    assert other.get(reverse("projects:acceptance", args=[code])).status_code == 404
    assert other.post(reverse("projects:defect_fix", args=[defect.pk]), {"note": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_acceptance_page_stays_within_its_query_budget(city, council_a1, contracted, django_assert_max_num_queries):
    finish(city, contracted)
    file_report(city, contracted)
    refuse(contracted.project, city.supervisor, role="supervisor")
    project_services.defect_fix(defect=Defect.objects.get(), actor=city.contractor, note="已修复")
    file_report(city, contracted)
    sign(contracted.project, "street", city.street_a_manager)
    for user in (city.contractor, council_a1.user, city.street_a_manager):
        client = client_for(user)
        for name, budget in [("projects:acceptance", 20), ("projects:detail", 26)]:
            url = reverse(name, args=[contracted.project.code])
            client.get(url)  # warm the session
            with django_assert_max_num_queries(budget):
                assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_public_page_shows_the_reports_refusals_and_fixes_without_names(client, city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted, exception="")
    refuse(contracted.project, council_a1.user, item=contracted.roof)
    project_services.defect_fix(defect=Defect.objects.get(), actor=city.contractor, note="补做滴水线")
    html = client.get(reverse("disclosure:project", args=[contracted.project.code])).content.decode()
    assert 'data-testid="public-report"' in html and "东侧檐口渗水" in html and "补做滴水线" in html
    assert council_a1.name not in html and council_a1.phone not in html


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_files_signs_refuses_and_fixes(city, council_a1, contracted):
    from rest_framework.test import APIClient

    finish(city, contracted)
    code = contracted.project.code
    api = APIClient()
    api.force_authenticate(city.contractor)
    lines = [
        {"plan_item": item.pk, "final_quantity": str(item.quantity), "final_cost": str(item.estimated_cost)}
        for item in (contracted.roof, contracted.light)
    ]
    response = api.post(
        f"/api/v1/projects/{code}/completion-reports/", {"scope_done": "完工", "lines": lines}, format="json"
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    again = api.post(
        f"/api/v1/projects/{code}/completion-reports/", {"scope_done": "完工", "lines": lines}, format="json"
    )
    assert again.status_code == 403
    api.force_authenticate(council_a1.user)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    bad = api.post(
        f"/api/v1/projects/{code}/acceptance/",
        {
            "role": "council",
            "decision": "refuse",
            "defects": [{"description": "渗水", "due_on": due, "plan_item": 999999}],
        },
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "defect_item"
    response = api.post(
        f"/api/v1/projects/{code}/acceptance/",
        {"role": "council", "decision": "refuse", "defects": [{"description": "渗水", "due_on": due}]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["decision"] == "refuse"
    reports = api.get(f"/api/v1/projects/{code}/completion-reports/").json()
    defect = reports[0]["defects"][0]
    assert reports[0]["status"] == "returned" and defect["raised_by"] == "council"
    assert api.post(f"/api/v1/defects/{defect['id']}/fix/", {"text": "x"}, format="json").status_code == 403
    api.force_authenticate(city.contractor)
    fixed = api.post(f"/api/v1/defects/{defect['id']}/fix/", {"text": "已修复"}, format="json")
    assert fixed.status_code == 200 and fixed.json()["fix_note"] == "已修复"


@pytest.mark.django_db
def test_second_taps_get_a_clear_answer_not_an_error(city, council_a1, contracted):
    finish(city, contracted)
    code = contracted.project.code
    contractor = client_for(city.contractor)
    data = {"scope_done": "完工"}
    for item in (contracted.roof, contracted.light):
        data |= {f"item_{item.pk}_quantity": str(item.quantity), f"item_{item.pk}_cost": str(item.estimated_cost)}
    url = reverse("projects:completion_report", args=[code])
    assert contractor.post(url, data).status_code == 302
    again = contractor.post(url, data, follow=True)
    assert again.status_code == 200 and "已提交" in again.content.decode()
    assert CompletionReport.objects.count() == 1
    council = client_for(council_a1.user)
    sign_url = reverse("projects:acceptance_sign", args=[code])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    refusal = {"role": "council", "decision": "refuse", "defect_0_description": "渗水", "defect_0_due_on": due}
    assert council.post(sign_url, refusal).status_code == 302
    again = council.post(sign_url, refusal, follow=True)
    assert again.status_code == 200 and "已记录" in again.content.decode()
    assert AcceptanceSignature.objects.count() == 1 and Defect.objects.count() == 1
    fix_url = reverse("projects:defect_fix", args=[Defect.objects.get().pk])
    assert contractor.post(fix_url, {"note": "已修复"}).status_code == 302
    again = contractor.post(fix_url, {"note": "已修复"}, follow=True)
    assert again.status_code == 200 and "已标记" in again.content.decode()


@pytest.mark.django_db
def test_a_defect_past_its_date_is_reported_once_to_the_contractor_and_its_signer(city, council_a1, contracted):
    finish(city, contracted)
    file_report(city, contracted)
    refuse(contracted.project, council_a1.user)
    late, *_ = Defect.objects.all()
    assert project_services.defects_overdue_notify() == 0  # not due yet
    Defect.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert project_services.defects_overdue_notify() == 1
    assert project_services.defects_overdue_notify() == 0  # never twice
    told = set(Notification.objects.filter(kind="defect_overdue").values_list("user_id", flat=True))
    assert told == {city.contractor.pk, council_a1.user_id}
    # a defect fixed after its date is not reported
    refused_again = Defect.objects.create(
        report=late.report,
        signature=late.signature,
        description="另一处",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    project_services.defect_fix(defect=refused_again, actor=city.contractor, note="已修复")
    assert project_services.defects_overdue_notify() == 0


@pytest.mark.django_db
def test_the_overdue_task_is_on_the_beat_schedule():
    from django.conf import settings

    from projects import tasks

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "projects.tasks.report_overdue_defects" in schedule
    assert tasks.report_overdue_defects.apply().get() == 0


@pytest.mark.django_db
def test_the_completion_report_page_stays_within_its_query_budget(city, contracted, django_assert_max_num_queries):
    finish(city, contracted)
    client = client_for(city.contractor)
    url = reverse("projects:completion_report", args=[contracted.project.code])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_signers_see_each_items_final_cost_beside_what_the_ledger_paid(city, council_a1, contracted):
    from .conftest import expense, income

    income(city, contracted, amount="90000.00")
    expense(city, contracted, amount="48000.00", item=contracted.roof)  # retention still owed
    reversed_entry = expense(city, contracted, amount="5000.00", item=contracted.light)
    services.ledger_reverse(entry=reversed_entry, actor=city.street_a_staff, memo="重复录入")
    expense(city, contracted, amount="41000.00", item=contracted.light)  # ¥1,000 beyond the final cost
    finish(city, contracted)
    file_report(city, contracted)  # the final costs are the plan's: roof 60,000, light 40,000
    page = client_for(council_a1.user).get(reverse("projects:acceptance", args=[contracted.project.code]))
    lines = page.content.decode().split('data-testid="line-ledger"')[1:]
    assert "48,000.00" in lines[0] and "12,000.00" in lines[0] and "质保金" in lines[0]
    assert "41,000.00" in lines[1] and "1,000.00" in lines[1] and "text-danger" in page.content.decode()
    assert "89,000.00" in page.content.decode().split('data-testid="report-ledger-total"')[1][:200]
