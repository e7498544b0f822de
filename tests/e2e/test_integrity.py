"""On a phone (issue 21 item 3): an anonymous integrity report (a missing text told next to the
field), its tracking code shown once, the discipline-inspection office's answer on its desk, and the
reporter reading it through the code."""

import pytest

from stakeholders.models import Membership, Organization
from tests import factories as f
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = "3单元施工队长要求每户交500元才给换新水表，说是“加急费”"
ANSWER = "已立案核查：涉事人员已被施工单位停职，所收款项责令退还。"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_anonymous_report_is_answered_and_read_through_its_code(live_server, browser, shot):
    city = f.build_city()
    office = f.organization(Organization.Kind.INSPECTION, "市纪委监委驻住建局纪检监察组")
    inspector = f.staff(office, "inspector", Membership.Role.MANAGER)
    base = live_server.url

    anyone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    anyone.goto(f"{base}/disclosure/")
    anyone.get_by_test_id("integrity-report-link").click()
    form = anyone.get_by_test_id("integrity-form")
    form.get_by_label("违纪违规（如索贿受贿、包庇偷工减料）").check()
    form.get_by_label("发生在哪个街道").select_option(label=str(city.street_a))
    form.get_by_role("button", name="提交举报").click()
    anyone.locator("#id_text_error").wait_for()  # nothing said: told next to the field
    _fits(anyone)
    shot(anyone, "integrity-00-error-phone")
    anyone.locator("#id_text").fill(TEXT)
    anyone.get_by_role("button", name="提交举报").click()
    code = anyone.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code) == 19
    _fits(anyone)
    shot(anyone, "integrity-01-code-phone")

    desk = sign_in(browser, base, inspector.username)
    desk.goto(f"{base}/feedback/integrity/")
    desk.get_by_test_id("integrity-reports").get_by_role("link").first.click()
    assert TEXT in desk.content() and "匿名（无账号）" in desk.get_by_test_id("report-reporter").inner_text()
    desk.get_by_role("button", name="受理").click()
    desk.get_by_text("已受理").first.wait_for()
    desk.locator("#id_answer").fill(ANSWER)
    _fits(desk)
    shot(desk, "integrity-02-office-answers-phone")
    desk.get_by_role("button", name="发送答复").click()
    desk.get_by_text("已答复").first.wait_for()

    anyone.goto(f"{base}/feedback/integrity/track/")
    anyone.locator("#id_code").fill(code.lower())
    anyone.get_by_role("button", name="查看我的举报").click()
    assert "已答复" in anyone.get_by_test_id("tracked-status").inner_text()
    assert ANSWER in anyone.get_by_test_id("tracked-thread").inner_text()
    _fits(anyone)
    shot(anyone, "integrity-03-answer-through-code-phone")

    anyone.goto(f"{base}/disclosure/integrity/")
    counts = anyone.get_by_test_id("integrity-counts").inner_text()
    assert city.street_a.name in counts and "1 件受理 · 1 件已答复" in counts and TEXT not in anyone.content()
