"""On a phone (issue 21 item 2): the housing bureau puts a builder on the negative list (a missing
reason told next to the field); the street office cannot even record its bid, and is told why next
to the field (the award's refusal itself: tests/disclosure/test_organization_lists.py)."""

from decimal import Decimal

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

    # The street office records a direct award's notice; the listed builder's offer is refused
    # next to the field, with the list's reason (a negative-listed builder may not even bid).
    tender = f.procure(p.project, city.street_a_staff, "supervisor", city.supervisor_org)
    from projects.services import procurement

    works = procurement.tender_open(
        project=p.project,
        actor=city.street_a_staff,
        role="contractor",
        method="direct",
        requirements="楼道照明改造",
        published_on=tender.published_on,
        ceiling=Decimal("95000.00"),
        direct_reason="below_threshold",
        direct_details="估算价低于必须招标的标准",
    )
    clerk = sign_in(browser, base, city.street_a_staff.username)
    clerk.goto(f"{base}/projects/{p.project.code}/tenders/{works.pk}/")
    clerk.get_by_text("登记报价").click()
    clerk.locator("#id_bid-organization").select_option(label=city.contractor_org.name)
    clerk.locator("#id_bid-amount").fill("90000")
    clerk.get_by_role("button", name="登记", exact=True).click()
    error = clerk.locator("#id_bid-organization_error")
    error.wait_for()
    assert "负面清单" in error.inner_text() and REASON in error.inner_text()
    assert clerk.locator("#id_bid-amount").input_value() == "90000"  # nothing typed is lost
    _fits(clerk)
    shot(clerk, "lists-01-bid-refused-phone")
