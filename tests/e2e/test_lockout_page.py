"""The sign-in lock-out as an elderly resident meets it on a phone: after too many wrong passwords,
a page in plain Chinese that says how long to wait and where to get help (390 px, axe clean)."""

import pytest
from django.conf import settings

from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_locked_out_page_reads_on_a_phone(live_server, browser, shot, axe_violations):
    f.ResidentFactory(phone="13807717777", user__username="13807717777")
    page = browser.new_context(**PHONE).new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", "138 0771 7777")
        page.fill("input[name=password]", "wrong-password")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert page.locator("[data-testid=locked-out]").is_visible()
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "登录已暂停" in text and "15 分钟" in text
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "locked-out-phone")
    assert axe_violations(page) == []
