"""A ledger cut short shows it, on a phone: the public mark names the missing entries (the chain
alone still verifies), and the ledger page says how to keep heads.json and where it is."""

import pytest

from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, expense, income, publish_budget
from tests.disclosure.test_checkpoints import _superuser_sql
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_removed_last_entry_shows_on_the_public_page_of_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    income(city, p, amount="40000.00")
    last = expense(city, p, amount="12000.00")
    _superuser_sql(("DELETE FROM disclosure_ledgerentry WHERE id = %s", [last.pk]))

    page = browser.new_context(**PHONE).new_page()
    base, code = live_server.url, p.project.code
    page.goto(f"{base}/disclosure/projects/{code}/")
    mark = page.get_by_test_id("chain-status")
    assert mark.get_attribute("data-chain") == "missing"
    assert "第 2 条起的记录缺失" in mark.inner_text() and "记到第 2 条" in mark.inner_text()
    box = mark.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the badge wraps inside the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "ledger-missing-tail-phone")
    assert axe_violations(page) == []

    page.goto(f"{base}/disclosure/projects/{code}/ledger/#verify")
    verify = page.locator("#verify")
    assert "heads.json" in verify.inner_text() and "请保存一份" in verify.inner_text()
    shot(page, "ledger-verify-heads-phone")
    heads = page.request.get(f"{base}/disclosure/projects/{code}/heads.json").json()
    assert [c["seq"] for c in heads["checkpoints"]] == [1, 2]
    assert axe_violations(page) == []
