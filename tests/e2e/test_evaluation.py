"""On a phone (issue 22 item 6): the bureau engages an evaluator for a project; the evaluator reads
its records (no resident named), records a visit, writes the report (a score out of range is told
next to its field, what was typed kept), and publishes it; anyone reads it from the public page."""

import pytest
from django.utils import timezone

from projects.models import Project
from stakeholders.models import Organization, Resident
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_evaluator_engaged_visits_scores_and_publishes(live_server, browser, shot, axe_violations):
    city = f.build_city()
    org = f.organization(Organization.Kind.EVALUATOR, "广西城乡评估咨询有限公司")
    writer = f.staff(org, "evaluator_staff")
    project = project_at(city, Project.Status.UNDER_CONSTRUCTION)
    base, found = live_server.url, {}

    bureau = sign_in(browser, base, city.bureau.username)
    bureau.goto(f"{base}/disclosure/evaluations/")
    bureau.locator("#id_evaluator").select_option(label="广西城乡评估咨询有限公司")
    bureau.locator("#id_project").fill(project.code)
    bureau.locator("#id_scope").fill("施工质量与资金使用")
    bureau.get_by_role("button", name="委托", exact=True).click()
    bureau.get_by_text("已委托评估机构").wait_for()
    found["desk"] = axe_violations(bureau)
    _fits(bureau)
    shot(bureau, "evaluation-02-desk-phone")

    ev = sign_in(browser, base, writer.username)
    ev.get_by_test_id("dashboard-evaluation").get_by_role("link").click()
    ev.get_by_test_id("engagements").get_by_role("link").first.click()
    records = ev.get_by_test_id("evaluation-records").inner_text()
    assert all(r.name not in records for r in Resident.objects.all())
    ev.locator("#id_visit-visited_on").fill(timezone.localdate().isoformat())
    ev.locator("#id_visit-note").fill("屋面防水层完好，东侧排水沟有积水")
    ev.get_by_role("button", name="记录走访").click()
    ev.get_by_text("走访已记录").wait_for()
    for code, score in (
        ("quality", "88"),
        ("schedule", "120"),
        ("money", "90"),
        ("participation", "85"),
        ("aftercare", "80"),
    ):
        ev.locator(f"#id_score_{code}").fill(score)
    ev.locator("#id_findings").fill("质量良好，进度滞后约三周")
    ev.get_by_role("button", name="保存草稿").click()
    ev.locator("#id_score_schedule_error").wait_for()  # 120: told next to the field
    assert ev.locator("#id_findings").input_value() == "质量良好，进度滞后约三周"
    found["report"] = axe_violations(ev)
    shot(ev, "evaluation-00-score-out-of-range-phone")
    ev.locator("#id_score_schedule").fill("76")
    ev.get_by_role("button", name="保存草稿").click()
    ev.get_by_text("报告草稿已保存").wait_for()
    ev.get_by_test_id("report-publish").click()
    ev.get_by_text("报告已在项目页面发布").wait_for()
    _fits(ev)

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/disclosure/projects/{project.code}/")
    anyone.get_by_test_id("public-evaluation").click()
    assert anyone.get_by_test_id("evaluation-overall").inner_text() == "83.8"  # (88+76+90+85+80)/5
    assert anyone.get_by_test_id("evaluation-records").count() == 0
    found["public"] = axe_violations(anyone)
    _fits(anyone)
    shot(anyone, "evaluation-01-public-report-phone")
    assert found == {k: [] for k in found}, found
