"""On a phone (issue 22 item 3): the bureau opens next year's plan and puts 拆除重建 on the negative
list; a plan item that rebuilds is refused next to its field; the street office proposes its
accepted estate (choosing nothing is told next to the field); the bureau declines without a reason
(told), then confirms; the public sees the estate in the year's plan. The bureau reads how the
streets perform (item 5)."""

import pytest
from django.utils import timezone

from projects.models import Project
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_year_opened_an_estate_proposed_and_confirmed(live_server, browser, shot, axe_violations):
    city = f.build_city()
    project = project_at(city, Project.Status.ACCEPTED)
    year, base = timezone.localdate().year + 1, live_server.url
    found = {}

    bureau = sign_in(browser, base, city.bureau.username)
    bureau.get_by_test_id("plan-years-link").click()
    bureau.locator("#id_year").fill(str(year))
    bureau.locator("#id_note").fill("各街道办请在年底前申报")
    shot(bureau, "annual-05-open-a-year-phone")
    bureau.get_by_role("button", name="开设并接受申报").click()
    bureau.get_by_text("年度计划已开设").wait_for()
    bureau.goto(f"{base}/projects/negative-list/")
    bureau.locator("#id_name").fill("拆除重建")
    bureau.locator("#id_reason").fill("改造资金不得用于拆除新建。")
    bureau.locator("#id_keywords").fill("拆除重建、推倒重建")
    bureau.get_by_role("button", name="保存").click()
    bureau.get_by_text("负面清单已保存").wait_for()
    found["list"] = axe_violations(bureau)
    shot(bureau, "annual-00-negative-list-phone")
    _fits(bureau)

    clerk = sign_in(browser, base, city.street_a_staff.username)
    clerk.goto(f"{base}/projects/plan-years/{year}/")
    clerk.get_by_role("button", name="申报", exact=True).click()
    clerk.locator("#id_project_error").wait_for()  # nothing chosen: told next to the field
    clerk.locator("#id_project").select_option(index=1)
    clerk.locator("#id_reason").fill("居民改造意愿强，房屋安全鉴定已完成")
    found["propose"] = axe_violations(clerk)
    shot(clerk, "annual-01-propose-phone")
    clerk.get_by_role("button", name="申报", exact=True).click()
    clerk.get_by_text("已申报，等待住建局审核").wait_for()
    _fits(clerk)

    bureau.goto(f"{base}/projects/plan-years/{year}/")
    entry = bureau.get_by_test_id("plan-entry")
    entry.get_by_label("不予纳入（须说明理由）").check()
    bureau.get_by_role("button", name="记录决定").click()
    bureau.locator("[id$='-answer_error']").wait_for()  # no reason: told next to the field
    shot(bureau, "annual-02-decline-needs-a-reason-phone")
    bureau.get_by_test_id("plan-entry").get_by_label("纳入年度计划").check()
    bureau.get_by_role("button", name="记录决定").click()
    bureau.get_by_text("决定已记录").wait_for()
    assert "已纳入计划" in bureau.get_by_test_id("entry-status").inner_text()

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/projects/plan-years/{year}/")
    assert "居民改造意愿强" in anyone.get_by_test_id("plan-entries").inner_text()
    _fits(anyone)
    shot(anyone, "annual-03-public-year-phone")
    project.refresh_from_db()
    assert project.plan_year == year

    # How streets perform (item 5), on the bureau's phone: cards with their indicators, definitions.
    bureau.goto(f"{base}/")
    bureau.get_by_test_id("street-scores-dashboard").click()
    assert bureau.get_by_test_id("street-score").count() == 2  # 甲街道, 乙街道
    bureau.get_by_test_id("definitions").wait_for()
    found["scores"] = axe_violations(bureau)
    _fits(bureau)
    shot(bureau, "annual-04-street-scores-phone")
    assert found == {k: [] for k in found}, found
