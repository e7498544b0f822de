"""Money and works in Chromium: the street approver approves and publishes the budget and awards
the works, the contractor posts progress with a photo from a phone, street staff record an
expense, and an anonymous visitor sees all of it — chart drawn, chain verified — on the public page."""

from decimal import Decimal

import pytest
from PIL import Image

from disclosure import services
from tests import factories as f
from tests.disclosure.conftest import LINES, adopted_project
from tests.e2e.conftest import PHONE
from tests.e2e.test_renovation_flow import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def site_photo(path):
    image = Image.new("RGB", (1200, 900), (135, 170, 200))
    for x in range(100, 1100, 120):
        image.paste((90, 90, 90), (x, 300, x + 60, 900))
    image.save(path, "JPEG")
    return path


def test_budget_award_progress_ledger_public(live_server, browser, shot, axe_violations, watch_requests, tmp_path):
    city = f.build_city()
    p = adopted_project(city)
    code = p.project.code
    base = live_server.url
    people = People(browser, base)
    services.budget_save_draft(
        project=p.project, actor=city.street_a_staff, total=Decimal("100000.00"), lines=dict(LINES)
    )

    # 1. The street approver approves and publishes the budget, then awards the works.
    approver = people.page(city.street_a_manager.username)
    approver.goto(f"{base}/disclosure/projects/{code}/budget/")
    found = {"budget": axe_violations(approver)}
    approver.get_by_test_id("budget-approve").click()
    approver.get_by_test_id("budget-publish").click()
    approver.get_by_test_id("budget-status").filter(has_text="已公示").wait_for()
    # 1b. During the notice (公示) a resident of the estate objects on a phone; the award waits.
    resident = people.page(city.owner_a1.user.username)
    resident.goto(f"{base}/disclosure/projects/{code}/")
    resident.get_by_test_id("public-objections").get_by_role("link").click()
    resident.get_by_label("您的异议（公开，不显示姓名）").fill("楼道照明单价偏高，请说明依据。")
    found["objections"] = axe_violations(resident)
    shot(resident, "works-objection-filed-phone")
    resident.get_by_role("button", name="提交异议").click()
    resident.get_by_text("异议已提交并公开").wait_for()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    approver.goto(f"{base}/projects/{code}/award/")
    assert "公示期满后才能确定施工单位" in approver.get_by_test_id("award-hold").first.inner_text()
    approver.goto(f"{base}/disclosure/projects/{code}/objections/")
    approver.get_by_label("街道办的答复（公开）").fill("单价按本市2026年定额，含灯具和线路，明细见预算附表。")
    approver.get_by_role("button", name="答复（公开）").click()
    approver.get_by_text("答复已公开").wait_for()
    shot(approver, "works-objection-answered-phone")
    from tests.disclosure.conftest import end_notice

    end_notice(p.project.budget)  # the notice period runs its course
    f.procure(p.project, city.street_a_staff, "contractor", city.contractor_org)  # the walk: test_procurement
    f.procure(p.project, city.street_a_staff, "supervisor", city.supervisor_org, Decimal("4000.00"))
    approver.goto(f"{base}/projects/{code}/")
    approver.get_by_test_id("award-link").click()
    assert approver.get_by_test_id("award-hold").count() == 0
    found["award"] = axe_violations(approver)
    shot(approver, "works-award-picker-phone")
    approver.locator("#id_contractor").select_option(value=str(city.contractor_org.pk))
    approver.locator("#id_supervisor").select_option(value=str(city.supervisor_org.pk))
    approver.locator("#id_contract_amount").fill("95000")
    approver.get_by_role("button", name="保存").click()
    approver.get_by_test_id("project-status").filter(has_text="施工合同").or_(
        approver.get_by_test_id("project-status")
    ).first.wait_for()
    p.project.refresh_from_db()
    assert p.project.status == "contracted"

    # 2. The contractor posts progress with a photo, on a phone.
    contractor = people.page(city.contractor.username)
    contractor.goto(f"{base}/disclosure/projects/{code}/progress/")
    found["progress form"] = axe_violations(contractor)
    contractor.locator("#id_plan_item").select_option(index=1)
    contractor.locator("#id_percent").fill("40")
    contractor.locator("#id_text").fill("屋面旧防水层已拆除，开始铺设新卷材。")
    contractor.locator("#id_photos").set_input_files(str(site_photo(tmp_path / "roof.jpg")))
    contractor.get_by_role("button", name="发布（公开）").click()
    contractor.get_by_text("进度已发布，现已公开。").wait_for()
    shot(contractor, "works-contractor-progress-phone")
    p.project.refresh_from_db()
    assert p.project.status == "under_construction"

    # 3. Street staff record an income and an expense.
    staff = people.page(city.street_a_staff.username)
    for kind, amount, extra in [
        ("收入", "40000", ("#id_source", "central_subsidy")),
        ("支出", "12000", ("#id_plan_item", None)),
    ]:
        staff.goto(f"{base}/disclosure/projects/{code}/ledger/")
        found[f"ledger form {kind}"] = axe_violations(staff)
        staff.get_by_label(kind, exact=True).check()
        staff.locator("#id_amount").fill(amount)
        staff.locator("#id_counterparty").fill("南宁市财政局" if kind == "收入" else "施工公司")
        field, value = extra
        if value:
            staff.locator(field).select_option(value)
        else:
            staff.locator(field).select_option(index=1)
        staff.get_by_role("button", name="登记并公开").click()
        staff.get_by_text("已登记并公开").wait_for()

    # 4. Anyone, signed out, on a phone: the public page has it all.
    visitor = browser.new_context(**PHONE).new_page()
    outside = watch_requests(visitor, base)
    visitor.goto(f"{base}/disclosure/projects/{code}/")
    visitor.locator("#chart-sources[data-rendered='true']").wait_for()
    visitor.locator("#chart-items[data-rendered='true']").wait_for()
    assert visitor.get_by_test_id("chain-status").get_attribute("data-chain") == "ok"
    assert "40%" in visitor.get_by_test_id("plan-vs-spent").inner_text()
    assert "12,000.00" in visitor.get_by_test_id("ledger").inner_text()
    assert city.contractor_org.name in visitor.get_by_test_id("parties").inner_text()
    thumb = visitor.locator("[data-testid=progress-updates] img").first
    thumb.scroll_into_view_if_needed()  # lazy-loaded: below the fold on a phone it loads when reached
    visitor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    shot(visitor, "works-public-project-phone")
    found["public project"] = axe_violations(visitor)
    assert found == {name: [] for name in found}
    assert outside == []
    visitor.goto(f"{base}/disclosure/")
    assert p.project.estate.name in visitor.get_by_test_id("public-projects").inner_text()
    shot(visitor, "works-public-index-phone")
