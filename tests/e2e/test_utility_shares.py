"""On a phone (issue 22 item 1, 专营单位出资): the street office splits the budget's utility line
between the water and power companies (too much is told next to the field, with what was typed
kept); water confirms; power disputes (a missing reason told next to the field, then its reason);
the approver sees why the budget waits; the street office asks power again with its amount, power
confirms, and the line is settled. The bureau's catalog and a department's desk on the phone."""

from decimal import Decimal

import pytest

from approvals import services as approval_services
from disclosure import services
from stakeholders.models import Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project
from tests.disclosure.test_utility_shares import LINES
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _name(page, utility: str, amount: str):
    page.locator("#id_organization").select_option(label=utility)
    page.locator("#id_amount").fill(amount)
    page.get_by_role("button", name="请该单位确认").click()


def test_two_utilities_confirm_and_dispute_their_shares(live_server, browser, shot, axe_violations):
    city = f.build_city()
    water = f.staff(f.organization(Organization.Kind.UTILITY, "市自来水公司"), "water_staff")
    power = f.staff(f.organization(Organization.Kind.UTILITY, "供电公司"), "power_staff")
    fire = f.organization(Organization.Kind.DEPARTMENT, "市消防救援支队")
    fire_staff = f.staff(fire, "fire_staff")
    approval_services.matter_save(actor=city.bureau, name="消防审查", department=fire, time_limit=15)
    p = adopted_project(city)
    approval_services.submit(project=p.project, actor=city.street_a_staff)  # fire's desk has it
    services.budget_save_draft(project=p.project, actor=city.street_a_staff, total=Decimal("100000"), lines=LINES)
    code, base = p.project.code, live_server.url
    found = {}

    clerk = sign_in(browser, base, city.street_a_staff.username)
    clerk.goto(f"{base}/disclosure/projects/{code}/budget/")
    clerk.get_by_test_id("utility-link").get_by_role("link").click()
    _name(clerk, "市自来水公司", "25000")  # more than the line of ¥20,000
    clerk.locator("#id_amount_error").wait_for()
    assert clerk.locator("#id_amount").input_value() == "25000"
    found["name"] = axe_violations(clerk)
    shot(clerk, "utility-00-too-much-phone")
    _name(clerk, "市自来水公司", "12000")
    clerk.get_by_text("已保存，已请该专营单位确认").wait_for()
    _name(clerk, "供电公司", "8000")
    clerk.get_by_text("已保存，已请该专营单位确认").wait_for()
    assert clerk.get_by_test_id("utility-status").count() == 2
    _fits(clerk)
    shot(clerk, "utility-01-named-phone")

    w = sign_in(browser, base, water.username)
    assert w.get_by_test_id("utility-shares-waiting").inner_text() == "1"  # on the dashboard
    w.get_by_role("link", name="预算出资（专营单位）").click()
    w.get_by_test_id("utility-decide").get_by_label("确认：我单位承担此金额").check()
    found["desk"] = axe_violations(w)
    shot(w, "utility-02-water-desk-phone")
    w.get_by_role("button", name="发送答复").click()
    w.get_by_text("您的答复已记录").wait_for()
    _fits(w)

    pw = sign_in(browser, base, power.username)
    pw.goto(f"{base}/disclosure/utilities/")
    pw.get_by_test_id("utility-decide").get_by_label("提出异议").check()
    pw.get_by_role("button", name="发送答复").click()
    pw.locator("[id$='-text_error']").wait_for()  # no reason: told next to the field
    pw.locator("textarea[id$='-text']").fill("只能出资6000元，其余为小区内部线路")
    shot(pw, "utility-03-power-disputes-phone")
    pw.get_by_role("button", name="发送答复").click()
    pw.get_by_text("您的答复已记录").wait_for()

    approver = sign_in(browser, base, city.street_a_manager.username)
    approver.goto(f"{base}/disclosure/projects/{code}/budget/")
    waits = approver.get_by_test_id("budget-utility-problems").inner_text()
    assert "供电公司" in waits and "只能出资6000元" in waits
    shot(approver, "utility-04-budget-waits-phone")

    clerk.goto(f"{base}/disclosure/projects/{code}/budget/")  # the line becomes 18,000, power's 6,000
    clerk.locator("#id_fund_utility").fill("18000")
    clerk.locator("#id_fund_local_finance").fill("32000")
    clerk.get_by_role("button", name="保存草稿").click()
    clerk.goto(f"{base}/disclosure/projects/{code}/budget/utilities/")
    _name(clerk, "供电公司", "6000")
    clerk.get_by_text("已保存，已请该专营单位确认").wait_for()
    pw.goto(f"{base}/disclosure/utilities/")
    pw.get_by_test_id("utility-decide").get_by_label("确认：我单位承担此金额").check()
    pw.get_by_role("button", name="发送答复").click()
    pw.get_by_text("您的答复已记录").wait_for()
    clerk.reload()
    clerk.get_by_test_id("utility-settled").wait_for()
    shot(clerk, "utility-05-settled-phone")

    # The fire matter waits: a department's desk, and the bureau's catalog, on the phone.
    desk = sign_in(browser, base, fire_staff.username)
    desk.goto(f"{base}/approvals/")
    shot(desk, "utility-06-department-desk-phone")
    _fits(desk)
    bureau = sign_in(browser, base, city.bureau.username)
    bureau.goto(f"{base}/approvals/catalog/")
    found["catalog"] = axe_violations(bureau)
    shot(bureau, "utility-07-bureau-catalog-phone")
    _fits(bureau)
    assert found == {k: [] for k in found}, found
