"""On a phone (issue 20 item 6): a resident logs volunteer work (a wrong figure told next to the field),
the council's chair records the agreed rate and confirms the work, the estate's manager exchanges the
points for a fee credit, and anyone reads the totals without a name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import PlanManagement, Project
from stakeholders import services as people_services
from stakeholders.models import Council, CouncilMeeting, Organization
from tests import factories as f
from tests.disclosure.conftest import accept, adopted_project, award, publish_budget
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORK = "雨后随物业巡查1栋屋面和落水口"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_volunteer_work_is_logged_confirmed_and_exchanged(live_server, browser, shot):
    city = f.build_city()
    chair = f.verified_owner(city.homes_a1[2])
    council = people_services.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    people_services.council_member_add(council=council, resident=chair, actor=city.street_a_staff)
    p = adopted_project(city)
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业服务有限公司")
    manager = f.staff(firm, "property_a")
    f.management(p.version, operator=PlanManagement.Operator.PROPERTY, organization=firm)
    publish_budget(city, p)
    award(city, p)
    accept(city, p, chair)
    assert Project.objects.get(pk=p.project.pk).status == Project.Status.COMPLETED
    today = timezone.localdate()
    Council.objects.filter(pk=council.pk).update(
        filed_on=today - timedelta(days=300), term_ends=today + timedelta(days=400)
    )
    CouncilMeeting.objects.create(
        council=council,
        held_at=timezone.now() - timedelta(days=5),
        place="小区活动室",
        agenda="志愿者积分兑换比例",
        attendance=12,
        minutes="议定每分抵扣物业费0.10元",
        recorded_at=timezone.now() - timedelta(days=4),
        scheduled_by=city.comm_a1_staff,
    )
    base, code = live_server.url, city.estate_a1.code
    url = f"{base}/disclosure/estates/{code}/volunteers/"

    resident = sign_in(browser, base, city.owner_a1.user.username)
    resident.goto(url)
    form = resident.get_by_test_id("volunteer-log-form")
    form.get_by_label("服务类别").select_option(label="工地巡查")
    form.locator("#id_hours").fill("20")
    form.locator("#id_description").fill(WORK)
    form.get_by_role("button", name="登记，请议事会确认").click()
    error = resident.locator("#id_hours_error")
    error.wait_for()
    assert "0.5 至 12" in error.inner_text()
    assert resident.locator("#id_description").input_value() == WORK  # nothing typed is lost
    _fits(resident)
    shot(resident, "volunteers-00-log-error-phone")
    resident.locator("#id_hours").fill("2.5")
    resident.get_by_role("button", name="登记，请议事会确认").click()
    resident.get_by_text("已登记").first.wait_for()
    assert "待议事会确认" in resident.get_by_test_id("volunteer-own-logs").inner_text()
    shot(resident, "volunteers-01-logged-phone")

    desk = sign_in(browser, base, chair.user.username)
    desk.goto(url)
    rate = desk.get_by_test_id("volunteer-rate-form")
    rate.locator("#id_yuan_per_point").fill("0.10")
    rate.locator("#id_meeting").select_option(index=1)
    rate.get_by_role("button", name="登记兑换比例").click()
    desk.get_by_text("兑换比例已登记").wait_for()
    waiting = desk.get_by_test_id("volunteer-waiting-log")
    assert city.owner_a1.name in waiting.inner_text() and WORK in waiting.inner_text()
    waiting.get_by_label("确认", exact=True).check()
    _fits(desk)
    shot(desk, "volunteers-02-council-confirms-phone")
    waiting.get_by_role("button", name="提交").click()
    desk.get_by_text("已处理").wait_for()
    assert "没有待确认的" in desk.get_by_test_id("volunteer-waiting").inner_text()

    keeper = sign_in(browser, base, manager.username)
    keeper.goto(url)
    exchange = keeper.get_by_test_id("points-redeem")
    exchange.get_by_label("居民").select_option(index=1)
    exchange.locator("#id_points").fill("25")
    _fits(keeper)
    shot(keeper, "volunteers-03-manager-exchanges-phone")
    exchange.get_by_role("button", name="兑换").click()
    keeper.get_by_text("抵扣物业费 ¥2.50").first.wait_for()

    resident.goto(url)
    assert "您现有 0 分" in resident.get_by_test_id("volunteer-balance").inner_text()
    assert "¥2.50" in resident.get_by_test_id("volunteer-own-redemptions").inner_text()

    anyone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    anyone.goto(f"{base}/disclosure/projects/{p.project.code}/")
    anyone.get_by_test_id("public-volunteers-link").click()
    totals = anyone.get_by_test_id("volunteer-totals").inner_text()
    assert "1 位住户参加志愿服务" in totals and "已兑换 25 分，抵扣物业费 ¥2.50" in totals
    assert city.owner_a1.name not in anyone.content() and WORK not in anyone.content()
    _fits(anyone)
    shot(anyone, "volunteers-04-public-phone")
    anyone.get_by_role("link", name="见长效管理台账").click()
    assert "志愿者积分抵扣物业费" in anyone.content()
