"""On phones (issue 18 item 1): the street office opens a willingness survey, a household without
an account answers through its printed letter's link, the voting owner answers from the home page,
the office closes it, and anyone reads the estate's rates — without names."""

import re

import pytest

from feedback import services
from feedback.models import WillingnessAnswer, WillingnessInvitation, WillingnessSurvey
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_survey_opened_answered_by_letter_and_at_home_then_public(
    live_server, browser, shot, axe_violations, settings
):
    settings.SURVEY_MIN_RESPONSES = 2
    city = f.build_city()
    base = live_server.url

    clerk = sign_in(browser, base, city.street_a_staff.username)
    clerk.goto(f"{base}/feedback/willingness/new/")
    clerk.get_by_label("标题").fill("2027年改造意愿调查")
    clerk.get_by_label("甲一小区 · 甲一社区").check()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", clerk.get_by_label("回答截止日").input_value())
    assert axe_violations(clerk) == [] and clerk.evaluate("document.documentElement.scrollWidth") <= 390
    shot(clerk, "willingness-01-open-phone")
    clerk.get_by_role("button", name="发起调查并通知住户").click()
    clerk.get_by_text("调查已发起").wait_for()
    survey = WillingnessSurvey.objects.get()
    assert survey.households == 6

    # A household without an account: the letter's QR code opens the form, no sign-in.
    letter = WillingnessInvitation.objects.get(survey=survey, household=city.homes_a1[5])
    neighbour = browser.new_context(**PHONE).new_page()
    neighbour.goto(base + services.willingness_answer_path(letter))
    neighbour.get_by_label("愿意，希望小区改造").check()
    neighbour.get_by_label("加装电梯").check()
    neighbour.get_by_text("您是否愿意参与改造").locator("xpath=..").get_by_label("是", exact=True).check()
    neighbour.get_by_label("看金额多少再定").check()
    assert axe_violations(neighbour) == [] and neighbour.evaluate("document.documentElement.scrollWidth") <= 390
    shot(neighbour, "willingness-02-letter-answer-phone")
    neighbour.get_by_role("button", name="提交我的答卷").click()
    neighbour.get_by_test_id("willingness-thanks").wait_for()

    owner = sign_in(browser, base, city.owner_a1.user.username)
    owner.get_by_test_id("willingness-invitations").get_by_role("link").click()
    owner.get_by_label("愿意，希望小区改造").check()
    owner.get_by_text("您是否愿意参与改造").locator("xpath=..").get_by_label("否", exact=True).check()
    owner.get_by_label("愿意，合理分摊").check()
    owner.get_by_role("button", name="提交我的答卷").click()
    owner.get_by_test_id("willingness-thanks").wait_for()
    assert WillingnessAnswer.objects.count() == 2

    clerk.goto(f"{base}/feedback/willingness/{survey.pk}/")
    assert "6 户中已有 2 户回答" in clerk.get_by_test_id("willingness-desk").inner_text()
    clerk.get_by_role("button", name="立即结束调查").click()
    clerk.get_by_text("调查已结束").wait_for()

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/feedback/willingness/{survey.pk}/")
    result = anyone.get_by_test_id(f"willingness-result-{city.estate_a1.code}")
    assert result.get_by_test_id("willing-rate").inner_text() == "100%"
    assert result.get_by_test_id("take-part-rate").inner_text() == "50%"
    assert "加装电梯" in result.get_by_test_id("willingness-items").inner_text()
    assert city.owner_a1.name not in anyone.content()
    assert axe_violations(anyone) == [] and anyone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(anyone, "willingness-03-public-phone")
