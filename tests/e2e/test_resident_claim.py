"""A resident signs up on a phone, claims a household with a proof file, community staff verify
it, and the resident sees "verified" — in real Chromium against the live server."""

import pytest

from stakeholders.models import Ownership
from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_signs_up_claims_and_is_verified_on_a_phone(live_server, browser, shot, watch_requests, tmp_path):
    city = f.build_city()
    proof = tmp_path / "房产证.png"
    proof.write_bytes(f.png_bytes((800, 600)))

    resident_ctx = browser.new_context(**PHONE)
    page = resident_ctx.new_page()
    outside = watch_requests(page, live_server.url)

    # Landing page in Chinese, then sign-up with a mistake first: the error shows and input stays.
    page.goto(live_server.url + "/")
    shot(page, "01-landing-phone")
    page.get_by_role("link", name="居民注册").first.click()
    # Step 1: the number; a code is sent to it (read where the SMS gateway would get it).
    page.get_by_label("手机号或电子邮箱").fill("13807719876")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/accounts/signup/confirm/")
    assert "138****9876" in page.get_by_test_id("signup-to").inner_text()
    shot(page, "01b-signup-code-phone")
    page.get_by_label("验证码").fill(f.sent_code("13807719876"))
    page.get_by_label("真实姓名").fill("陈小梅")
    page.locator("#id_password1").fill("Quiet-River-2026")
    page.locator("#id_password2").fill("Quiet-River-2099")
    page.get_by_label("我同意").check()
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_selector("#id_password2_error")
    assert "两次输入的密码不一致" in page.locator("#id_password2_error").inner_text()
    assert page.get_by_label("真实姓名").input_value() == "陈小梅"
    assert page.get_by_label("验证码").input_value() == f.sent_code("13807719876")
    shot(page, "02-signup-error-phone")
    page.locator("#id_password1").fill("Quiet-River-2026")
    page.locator("#id_password2").fill("Quiet-River-2026")
    page.get_by_role("button", name="注册", exact=True).click()

    # Claim: estate → building → entrance → room (htmx fills each list), then the proof.
    page.wait_for_url("**/accounts/claims/new/")
    page.get_by_label("小区").select_option(label=city.estate_a1.name)
    page.get_by_label("楼栋").select_option(label="1栋")
    page.get_by_label("单元").select_option("1")
    page.get_by_label("房号").select_option(str(city.homes_a1[2].pk))
    page.get_by_label("证明材料").set_input_files(str(proof))
    shot(page, "03-claim-form-phone")
    page.get_by_role("button", name="提交认领").click()
    page.wait_for_url(live_server.url + "/")
    status = page.get_by_test_id("claim-status").first
    assert "待核验" in status.inner_text()
    shot(page, "04-claim-pending-phone")

    # Community staff verify it from the queue.
    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    staff.goto(live_server.url + "/accounts/login/")
    staff.get_by_label("手机号、电子邮箱或用户名").fill(city.comm_a1_staff.username)
    staff.get_by_label("密码").fill(f.PASSWORD)
    staff.locator("main").get_by_role("button", name="登录").click()
    staff.get_by_role("link", name="查看待核验列表").click()
    staff.get_by_role("link", name="陈小梅").click()
    # The private proof loads for the verifying staff (served by the permission-checked view).
    staff.wait_for_function("() => { const i = document.querySelector('img.proof-preview'); return i && i.complete; }")
    assert staff.locator("img.proof-preview").evaluate("img => img.naturalWidth") == 800
    shot(staff, "05-staff-review-desktop")
    staff.get_by_role("button", name="核验通过").click()
    staff.wait_for_url("**/accounts/reviews/")
    shot(staff, "06-staff-queue-after")

    # The resident sees "verified" and is the voting owner.
    page.reload()
    assert "已核验" in page.get_by_test_id("claim-status").first.inner_text()
    shot(page, "07-claim-verified-phone")
    ownership = Ownership.objects.get(resident__phone="13807719876")
    assert ownership.status == Ownership.Status.VERIFIED and ownership.is_voting_owner
    assert outside == [], f"requests left the portal: {outside}"
    # Nothing on the phone page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    resident_ctx.close()
    staff_ctx.close()


def test_language_switcher_and_keyboard_focus(live_server, browser, shot):
    page = browser.new_page(**PHONE)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="打开菜单").click()
    # Bootstrap's collapse animates the menu open: click once it has finished moving, or the tap can
    # land on its neighbour (简体中文) while the buttons slide.
    page.wait_for_selector("#nav-main.show:not(.collapsing)")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector("text=Register as a resident")
    assert page.locator("html").get_attribute("lang") == "en"
    # The skip link is the first thing a keyboard reaches, and it is visible when focused.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    shot(page, "08-english-phone")
    page.close()
