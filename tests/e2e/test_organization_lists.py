"""On a phone (issue 21 item 2): the housing bureau puts a builder on the negative list (a missing
reason told next to the field); the street approver's bidder list says the builder cannot be
awarded, and why (the award's refusal itself: tests/disclosure/test_organization_lists.py)."""

import pytest

from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "2025年某小区改造项目偷工减料，经住建局通报"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_bureau_lists_a_builder_and_the_award_refuses_it(live_server, browser, shot):
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    base = live_server.url

    bureau = sign_in(browser, base, city.bureau.username)
    bureau.goto(f"{base}/disclosure/organization-lists/")
    form = bureau.get_by_test_id("listing-form")
    form.get_by_label("单位").select_option(label=city.contractor_org.name)
    form.get_by_label("负面清单").check()
    form.get_by_role("button", name="列入（公开）").click()
    bureau.locator("#id_reason_error").wait_for()  # no reason: told next to the field
    bureau.locator("#id_reason").fill(REASON)
    bureau.get_by_role("button", name="列入（公开）").click()
    bureau.get_by_text("已列入名单").wait_for()
    assert REASON in bureau.get_by_test_id("listings").inner_text()
    _fits(bureau)
    shot(bureau, "lists-00-bureau-phone")

    approver = sign_in(browser, base, city.street_a_manager.username)
    approver.goto(f"{base}/projects/{p.project.code}/award/")
    badge = approver.get_by_test_id(f"listed-{city.contractor_org.pk}")
    assert "负面清单" in badge.inner_text() and REASON in approver.content()
    _fits(approver)
    shot(approver, "lists-01-award-refuses-phone")
