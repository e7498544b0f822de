"""On phones: an owner starts a petition, invites two neighbours by phone number, they sign from
their home pages, and the checklist turns complete — names masked throughout."""

import pytest

from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, username):
    page = browser.new_context(**PHONE).new_page()
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")
    return page


def test_three_households_one_party_member_sign_a_petition(live_server, browser, shot, axe_violations):
    city = f.build_city()  # owner_a1 is a Party member
    neighbours = [f.verified_owner(home) for home in city.homes_a1[2:4]]
    base = live_server.url

    starter = sign_in(browser, base, city.owner_a1.user.username)
    starter.get_by_role("link", name=f"为{city.estate_a1.name}发起改造申请").click()
    starter.get_by_label("小区为什么需要改造？").fill("屋面漏水，楼道无照明，雨污管网老化。")
    assert axe_violations(starter) == []
    starter.get_by_role("button", name="发起申请").click()
    checklist = starter.get_by_test_id("petition-checklist")
    assert "至少需要3名业主" in checklist.inner_text()
    for neighbour in neighbours:
        starter.get_by_label("邻居的手机号").fill(neighbour.phone)
        starter.get_by_role("button", name="邀请联名").click()
        starter.wait_for_selector("text=邀请已发送")
    shot(starter, "10-petition-invited-phone")

    for neighbour in neighbours:
        page = sign_in(browser, base, neighbour.user.username)
        page.get_by_test_id("invitations").get_by_role("link").click()
        assert axe_violations(page) == []
        page.get_by_role("button", name="确认联名").click()
        page.wait_for_selector("text=您已联名支持该申请")
        page.context.close()

    starter.reload()
    assert "联名发起人已满足条件" in starter.content()
    sponsors = starter.get_by_test_id("sponsors").inner_text()
    assert city.owner_a1.name not in sponsors and city.owner_a1.masked_name in sponsors
    shot(starter, "11-petition-complete-phone")
    assert starter.evaluate("document.documentElement.scrollWidth") <= 390
