"""On a phone (issue 20 items 2 and 4): the contractor files the completion report item by item;
the council's representative refuses it with a defect and its deadline (a missing date is told next
to the field, the typed defect kept); the contractor marks it fixed and files the next report; the
four signers agree, the project is completed and handed over to the firm the owners voted for,
whose staff records the first entry of the management ledger; the public page shows it all
without names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disclosure import services as works
from projects.models import CompletionReport, PlanManagement, Project
from stakeholders import services as people_services
from stakeholders.models import Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, publish_budget
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEFECT = "2号楼屋面东侧檐口渗水，补做滴水线"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_from_the_completion_report_to_acceptance_on_a_phone(live_server, browser, shot, axe_violations):
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
    for item in (p.roof, p.light):
        works.progress_post(project=p.project, actor=city.contractor, percent=100, plan_item=item, text="完工")
    base, code = live_server.url, p.project.code

    builder = sign_in(browser, base, city.contractor.username)
    builder.goto(f"{base}/projects/{code}/")
    builder.get_by_test_id("file-completion").click()
    builder.get_by_label("完成了哪些工作").fill("屋面防水1200 m²、楼道照明40盏全部完工")
    cards = builder.get_by_test_id("completion-item")
    assert cards.count() == 2
    cards.nth(0).get_by_label("结算金额（元）").fill("58800")
    cards.nth(0).get_by_label("与方案不同的原因（选填）").fill("卷材集中采购，单价下降")
    _fits(builder)
    shot(builder, "acceptance-00-report-phone")
    builder.get_by_role("button", name="提交竣工报告").click()
    builder.get_by_text("第 1 次竣工报告已提交").wait_for()
    assert "¥58,800.00" in builder.get_by_test_id("report-lines").inner_text()

    member = sign_in(browser, base, chair.user.username)
    member.goto(f"{base}/projects/{code}/")
    member.get_by_test_id("acceptance-to-sign").click()
    form = member.get_by_test_id("sign-form-council")
    form.get_by_label("不同意，列出整改项").check()
    form.get_by_label("验收意见").fill("东侧檐口有渗水痕迹，整改后再验收")
    form.locator("#id_accept_council_defect_0_description").fill(DEFECT)
    form.get_by_role("button", name="提交我的意见").click()
    told = member.locator("#id_accept_council_defect_0_due_on_error")
    told.wait_for()
    assert "整改期限" in told.inner_text()
    form = member.get_by_test_id("sign-form-council")
    assert form.locator("#id_accept_council_defect_0_description").input_value() == DEFECT  # nothing lost
    _fits(member)
    shot(member, "acceptance-01-refusal-told-phone")
    due = timezone.localdate() + timedelta(days=7)
    form.locator("#id_accept_council_defect_0_due_on").fill(due.isoformat())
    form.locator("#id_accept_council_defect_0_plan_item").select_option(label="屋面防水")
    form.get_by_role("button", name="提交我的意见").click()
    member.get_by_text("已记录不同意意见").wait_for()
    assert "已退回整改" in member.get_by_test_id("report-status").inner_text()
    assert axe_violations(member) == []

    builder.goto(f"{base}/projects/{code}/acceptance/")
    defect = builder.get_by_test_id("defect")
    assert DEFECT in defect.inner_text() and "待整改" in defect.inner_text()
    defect.get_by_label("如何整改的").fill("已补做滴水线，淋水试验2小时无渗漏")
    defect.get_by_role("button", name="标记为已整改").click()
    builder.get_by_text("已标记为整改完成").wait_for()
    _fits(builder)
    shot(builder, "acceptance-02-fixed-phone")
    builder.get_by_test_id("file-completion").click()
    assert "第 2 次竣工报告" in builder.locator("h1").inner_text()
    assert builder.get_by_label("完成了哪些工作").input_value() == "屋面防水1200 m²、楼道照明40盏全部完工"  # prefilled
    builder.get_by_role("button", name="提交竣工报告").click()
    builder.get_by_text("第 2 次竣工报告已提交").wait_for()
    builder.get_by_test_id("sign-form-contractor").get_by_role("button", name="提交我的意见").click()
    builder.get_by_text("您的竣工验收签署已记录").wait_for()

    for user, role in [(city.supervisor, "supervisor"), (city.street_a_manager, "street")]:
        signer = sign_in(browser, base, user.username)
        signer.goto(f"{base}/projects/{code}/acceptance/")
        signer.get_by_test_id(f"sign-form-{role}").get_by_role("button", name="提交我的意见").click()
        signer.get_by_text("您的竣工验收签署已记录").wait_for()
    member.goto(f"{base}/projects/{code}/acceptance/")
    member.get_by_test_id("sign-form-council").get_by_role("button", name="提交我的意见").click()
    member.get_by_text("各方均已同意").wait_for()
    assert "已通过验收" in member.get_by_test_id("report-status").inner_text()
    _fits(member)
    shot(member, "acceptance-03-accepted-phone")
    project = Project.objects.get(pk=p.project.pk)
    assert project.status == Project.Status.COMPLETED and project.completed_on == timezone.localdate()
    assert [r.status for r in CompletionReport.objects.order_by("number")] == ["returned", "accepted"]

    keeper = sign_in(browser, base, manager.username)
    keeper.goto(f"{base}/disclosure/projects/{code}/ledger/")
    form = keeper.get_by_test_id("management-form")
    form.get_by_label("款项类别").select_option(label="停车收入（公共收益）")
    form.get_by_label("金额（元）").fill("4320")
    form.get_by_label("付款方／收款方").fill("小区停车场（24个车位月租）")
    form.get_by_role("button", name="登记并公开").click()
    keeper.get_by_text("已登记并公开").wait_for()
    assert "¥4,320.00" in keeper.get_by_test_id("management-totals").inner_text()
    assert keeper.locator("[data-chain=ok]").count() >= 1
    _fits(keeper)
    shot(keeper, "acceptance-04-management-ledger-phone")

    public = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    public.goto(f"{base}/disclosure/projects/{code}/")
    section = public.get_by_test_id("public-acceptance")
    assert DEFECT in section.inner_text() and "已补做滴水线" in section.inner_text()
    assert chair.name not in public.content() and chair.phone not in public.content()
    assert (
        "邕江物业服务有限公司" in public.content()
        and "4,320.00" in public.get_by_test_id("management-totals").inner_text()
    )
    _fits(public)
    shot(public, "acceptance-05-public-phone")
