"""On a phone (issue 21 items 1 and 2): the street office records an open tender — the notice (a
wrong total of points told next to the field), four bids (one over the maximum price, rejected at
once), the committee and the scores — and closes the evaluation; the first-ranked builder is flagged
for low ratings, so the award refuses it until the approver asks the housing bureau with a public
reason and the bureau approves; then the award picks it from the record, and anyone reads it all."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Project, Tender
from stakeholders.models import Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "唯一具备本小区管线迁改经验的投标人，已书面承诺整改并增加驻场质量员"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_open_tender_on_the_record_and_a_flagged_winner_through_the_bureau(  # noqa: PLR0915 - one walk
    live_server, browser, shot, axe_violations
):
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    code = p.project.code
    second = f.organization(Organization.Kind.CONTRACTOR, "二号建筑工程公司")
    third = f.organization(Organization.Kind.CONTRACTOR, "三号建设集团")
    greedy = f.organization(Organization.Kind.CONTRACTOR, "四号工程公司")
    pool = f.organization(Organization.Kind.DESIGNER, "市建筑设计研究院")
    Organization.objects.filter(pk=city.contractor_org.pk).update(rating_details={"low_projects": 2})
    f.procure(p.project, city.street_a_staff, "supervisor", city.supervisor_org, Decimal("3000.00"))
    base, today = live_server.url, timezone.localdate()
    found = {}

    clerk = sign_in(browser, base, city.street_a_staff.username)
    clerk.goto(f"{base}/projects/{code}/tenders/")
    clerk.get_by_text("登记招标公告").click()
    form = clerk.get_by_test_id("tender-form")
    form.get_by_label("施工单位").check()
    form.get_by_label("公开招标").check()
    clerk.locator("#id_requirements").fill("市政公用工程施工总承包三级及以上；工期 90 日历天")
    clerk.locator("#id_published_on").fill((today - timedelta(days=40)).isoformat())
    clerk.locator("#id_bids_due").fill((today - timedelta(days=15)).isoformat())
    clerk.locator("#id_ceiling").fill("100000")
    clerk.locator("#id_criteria").fill("投标报价 40\n施工组织设计 50")
    clerk.get_by_role("button", name="登记公告").click()
    error = clerk.locator("#id_criteria_error")
    error.wait_for()
    assert "合计为 90 分" in error.inner_text()
    assert clerk.locator("#id_requirements").input_value().startswith("市政公用工程")  # nothing typed is lost
    _fits(clerk)
    shot(clerk, "procurement-00-notice-error-phone")
    clerk.locator("#id_criteria").fill("投标报价 40\n施工组织设计 60")
    clerk.get_by_role("button", name="登记公告").click()
    clerk.get_by_text("公告已登记并公开").wait_for()
    tender = Tender.objects.get(project=p.project, role="contractor")

    for org, amount in ((city.contractor_org, "96000"), (second, "93000"), (third, "91000"), (greedy, "100000.01")):
        clerk.get_by_text("登记开标的投标").click()
        clerk.locator("#id_bid-organization").select_option(label=org.name)
        clerk.locator("#id_bid-amount").fill(amount)
        clerk.get_by_role("button", name="登记", exact=True).click()
        clerk.get_by_text("投标已登记").wait_for()
    assert "高于最高投标限价" in clerk.get_by_test_id("bid-rejected").inner_text()
    for org, members in ((pool, 2), (city.street_a_org, 1)):
        clerk.get_by_text("添加评标委员会成员单位").click()
        clerk.locator("#id_seat-organization").select_option(value=str(org.pk))
        clerk.locator("#id_seat-members").fill(str(members))
        clerk.get_by_role("button", name="保存", exact=True).click()
        clerk.get_by_text("评标委员会已更新").wait_for()
    clerk.locator("#id_evaluate-evaluated_on").fill(today.isoformat())
    clerk.get_by_role("button", name="结束并排名").click()
    assert "评标委员会现有 3 人" in clerk.get_by_test_id("evaluate").inner_text()  # five or more, odd
    clerk.get_by_text("添加评标委员会成员单位").click()
    clerk.locator("#id_seat-organization").select_option(value=str(pool.pk))
    clerk.locator("#id_seat-members").fill("4")
    clerk.get_by_role("button", name="保存", exact=True).click()
    clerk.get_by_text("评标委员会已更新").wait_for()
    points = {city.contractor_org: ("38", "52"), second: ("39", "45"), third: ("40", "40")}
    for bid in tender.bids.filter(rejected_reason=""):
        box = clerk.get_by_test_id(f"score-{bid.pk}")
        box.locator("summary").click()
        price, plan = points[bid.organization]
        box.get_by_label("投标报价（0–40）").fill(price)
        box.get_by_label("施工组织设计（0–60）").fill(plan)
        box.get_by_role("button", name="保存评分").click()
        clerk.get_by_text("评分已登记").wait_for()
    found["record"] = axe_violations(clerk)
    shot(clerk, "procurement-01-scored-phone")
    clerk.locator("#id_evaluate-evaluated_on").fill(today.isoformat())
    clerk.get_by_role("button", name="结束并排名").click()
    clerk.get_by_text("评标结束，投标已排名").wait_for()
    ranks = clerk.get_by_test_id("rank").all_inner_texts()
    assert ranks == ["第 1 名", "第 2 名", "第 3 名"]
    assert city.contractor_org.name in clerk.get_by_test_id("bid").first.inner_text()
    _fits(clerk)

    # The first-ranked builder is flagged: the award refuses it, next to the field, until the bureau agrees.
    approver = sign_in(browser, base, city.street_a_manager.username)
    approver.goto(f"{base}/projects/{code}/award/")
    approver.locator("#id_contractor").select_option(value=str(city.contractor_org.pk))
    approver.locator("#id_supervisor").select_option(value=str(city.supervisor_org.pk))
    approver.get_by_role("button", name="保存").click()
    refusal = approver.locator("#id_contractor_error")
    refusal.wait_for()
    assert "被预警" in refusal.inner_text() and "住建局" in refusal.inner_text()
    _fits(approver)
    shot(approver, "procurement-02-award-refused-phone")
    approver.get_by_test_id("tenders-link").click()
    approver.get_by_role("link", name="施工单位 · 公开招标").click()
    approver.get_by_text("申请住建局同意授予").click()
    approver.locator("#id_ask-reason").fill(REASON)
    approver.get_by_role("button", name="提交住建局").click()
    approver.get_by_text("已提交住建局").wait_for()

    bureau = sign_in(browser, base, city.bureau.username)
    bureau.goto(f"{base}/projects/{code}/tenders/{tender.pk}/")  # the link of its notice
    assert REASON in bureau.get_by_test_id("flag-request").inner_text()
    bureau.get_by_test_id("decide-form").get_by_label("同意授予").check()
    found["decide"] = axe_violations(bureau)
    shot(bureau, "procurement-03-bureau-decides-phone")
    bureau.get_by_role("button", name="记录决定").click()
    bureau.get_by_text("决定已记录").wait_for()
    _fits(bureau)

    approver.goto(f"{base}/projects/{code}/award/")
    approver.locator("#id_contractor").select_option(value=str(city.contractor_org.pk))
    approver.locator("#id_supervisor").select_option(value=str(city.supervisor_org.pk))
    approver.get_by_role("button", name="保存").click()
    approver.get_by_test_id("project-status").first.wait_for()
    p.project.refresh_from_db()
    assert p.project.status == Project.Status.CONTRACTED

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/disclosure/projects/{code}/")
    anyone.get_by_test_id("parties").get_by_role("link", name="公开招标").click()
    record = anyone.locator("main").inner_text()
    assert "96,000.00" in record and "90 分" in record and REASON in record and "住建局于" in record
    assert "市建筑设计研究院" in anyone.get_by_test_id("committee").inner_text()
    _fits(anyone)
    shot(anyone, "procurement-04-public-record-phone")
    assert found == {k: [] for k in found}, found
