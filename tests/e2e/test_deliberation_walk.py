"""The walk issue 18 asks for, on phones, one estate from before its project to its award:
the households answer a willingness survey and the petition page shows what they said; a hearing
on the plan is called, signed in online and at the door, and recorded; a comment on version 1 is
answered and version 2 lists what changed and which comments it answers; during the budget's
public notice an owner objects, and the works cannot be awarded until the street office has
answered and the notice has run its course. Steps that are not the walk's subject (a vote's
ballots, drafting the budget) are set up through the services."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import WillingnessInvitation, WillingnessSurvey
from projects import services
from projects.models import CatalogItem, Hearing, PlanVersion, Project
from tests import factories as f
from tests.disclosure.conftest import end_notice, publish_budget
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.projects.test_hearings import soon
from tests.projects.test_needs_plan import add_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "document.documentElement.scrollWidth"


def test_survey_hearing_answered_comment_and_an_objection_that_holds_the_award(
    live_server, browser, shot, axe_violations, settings
):
    settings.SURVEY_MIN_RESPONSES = 2
    city = f.build_city()
    base = live_server.url
    found = {}

    # 1. The street office asks every household; two answer (one by letter, the owner at home).
    survey = feedback_services.willingness_open(
        actor=city.street_a_staff,
        title="2027年改造意愿调查",
        estates=[city.estate_a1],
        items=list(CatalogItem.objects.filter(code__in=["roof", "lighting"])),
        closes_on=timezone.localdate() + timedelta(days=14),
    )
    letter = WillingnessInvitation.objects.get(survey=survey, household=city.homes_a1[5])
    neighbour = browser.new_context(**PHONE).new_page()
    neighbour.goto(base + feedback_services.willingness_answer_path(letter))
    neighbour.get_by_label("不希望改造").check()
    neighbour.get_by_text("您是否愿意参与改造").locator("xpath=..").get_by_label("否", exact=True).check()
    neighbour.get_by_label("看金额多少再定").check()
    neighbour.get_by_role("button", name="提交我的答卷").click()
    neighbour.get_by_test_id("willingness-thanks").wait_for()
    owner = sign_in(browser, base, city.owner_a1.user.username)
    owner.get_by_test_id("willingness-invitations").get_by_role("link").click()
    owner.get_by_label("愿意，希望小区改造").check()
    owner.get_by_label("屋面防水修缮").check()
    owner.get_by_text("您是否愿意参与改造").locator("xpath=..").get_by_label("是", exact=True).check()
    owner.get_by_label("愿意，合理分摊").check()
    found["survey answer"] = axe_violations(owner)
    shot(owner, "walk-01-survey-answer-phone")
    owner.get_by_role("button", name="提交我的答卷").click()
    owner.get_by_test_id("willingness-thanks").wait_for()
    feedback_services.willingness_close(survey=survey, actor=city.street_a_staff)
    assert WillingnessSurvey.objects.get().status == "closed"

    # The owner starts the petition: the form and the petition page show what the households said.
    owner.goto(base + "/")
    owner.get_by_role("link", name=f"为{city.estate_a1.name}发起改造申请").click()
    said = owner.get_by_test_id("estate-willingness").inner_text()
    assert "2027年改造意愿调查" in said and "50%" in said
    owner.get_by_label("小区为什么需要改造？").fill("屋面漏水，楼道无照明。")
    owner.get_by_role("button", name="发起申请").click()
    owner.get_by_test_id("petition-checklist").wait_for()
    assert "50%" in owner.get_by_test_id("estate-willingness").inner_text()
    assert owner.evaluate(WIDTH) <= 390
    shot(owner, "walk-02-petition-with-survey-phone")
    project = Project.objects.get(estate=city.estate_a1)

    # 2. The petition passed and the owners' vote too (set up): version 1 of the plan is published.
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)

    # The community committee calls a hearing about version 1 for half an hour from now.
    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/{project.code}/hearings/")
    clerk.get_by_text("召集听证会或居民会议").click()
    clerk.get_by_label("居民会议", exact=True).check()
    clerk.get_by_label("改造方案的一稿", exact=True).check()
    clerk.get_by_label("方案稿次（议题为改造方案时）").select_option(index=1)
    clerk.get_by_label("时间").fill(soon().strftime("%Y-%m-%dT%H:%M"))  # later today, even near midnight
    clerk.get_by_label("地点").fill("甲一社区活动室")
    clerk.get_by_label("议程").fill("改造方案第一稿：屋面和楼道")
    clerk.get_by_role("button", name="召集并通知居民").click()
    clerk.get_by_text("听证会已召集").wait_for()
    # On the day: the owner signs in online; at the door, staff tick a household without an account.
    owner.goto(f"{base}/projects/{project.code}/hearings/")
    owner.get_by_test_id("check-in").click()
    owner.get_by_text("签到成功").wait_for()
    clerk.reload()
    clerk.get_by_test_id("hearing-desk-link").click()
    assert clerk.get_by_test_id("desk-signed").count() == 1  # the owner's household, online
    row = clerk.locator(f"#household-{city.homes_a1[4].pk}")
    row.get_by_test_id("desk-sign-in").click()
    clerk.get_by_text("已签到：").wait_for()
    assert clerk.get_by_test_id("desk-signed").count() == 2
    assert city.owner_a1.name not in clerk.locator("main").inner_text()
    found["sign-in desk"] = axe_violations(clerk)
    assert clerk.evaluate(WIDTH) <= 390
    shot(clerk, "walk-03-hearing-desk-phone")
    hearing = Hearing.objects.get()
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now() - timedelta(minutes=1))  # it began
    clerk.goto(f"{base}/projects/{project.code}/hearings/")
    clerk.get_by_test_id("record-hearing").click()
    assert "2 户已在网上或现场签到" in clerk.get_by_test_id("online-signins").inner_text()
    clerk.get_by_label("纸质签到人数").fill("1")
    clerk.get_by_label("会议记录").fill("社区说明第一稿；3户发言。")
    clerk.get_by_label("听取的意见").fill("赞成先做屋面；希望加装楼道照明。")
    clerk.get_by_role("button", name="公开记录").click()
    clerk.get_by_text("听证会记录已公开").wait_for()
    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/projects/{project.code}/hearings/")
    record = anyone.get_by_test_id("hearing").inner_text()
    assert "小区共 6 户，3 户签到（纸质签到表 1 户，现场登记 1 户，其余网上签到）" in record
    assert "希望加装楼道照明" in record and city.owner_a1.name not in anyone.content()
    shot(anyone, "walk-04-hearing-record-public-phone")

    # 3. The owner comments on version 1; the committee answers it and drafts version 2.
    plan_v1 = f"{base}/projects/{project.code}/plan/1/"
    owner.goto(plan_v1)
    owner.get_by_label("您的意见").fill("楼道太黑，请加装声控照明。")
    owner.get_by_role("button", name="发表意见").click()
    owner.get_by_text("您的意见已随方案公开").wait_for()
    clerk.goto(base + project.get_absolute_url())
    clerk.get_by_role("button", name="开始修订下一稿").click()
    clerk.get_by_text("添加改造项目", exact=True).click()
    clerk.get_by_label("改造内容清单项目").select_option(label="完善类 · 照明设施")
    clerk.locator("#id_description").fill("1栋楼道声控照明")
    clerk.get_by_label("数量").fill("24")
    clerk.get_by_label("计量单位").fill("盏")
    clerk.get_by_label("估算费用（元）").fill("12000")
    clerk.get_by_label("地方财政资金").fill("12000")
    clerk.get_by_role("button", name="添加项目").click()
    clerk.get_by_text("项目已添加").wait_for()
    clerk.goto(plan_v1)
    answer = clerk.get_by_test_id("answer-form")
    answer.get_by_label("部分采纳", exact=True).check()
    answer.get_by_label("理由（公开）").fill("第二稿加装1栋声控照明；其他楼栋待下一批。")
    clerk.get_by_role("button", name="发布答复").click()
    clerk.get_by_text("答复已随方案公开").wait_for()
    manager = sign_in(browser, base, city.street_a_manager.username)
    manager.goto(f"{base}/projects/{project.code}/plan/2/")
    manager.get_by_role("button", name="公示并征求居民意见").click()
    manager.get_by_text("已公示征求意见，并已通知本小区业主").wait_for()
    anyone.goto(f"{base}/projects/{project.code}/plan/2/")  # the public reads version 2
    changes = anyone.get_by_test_id("plan-changes").inner_text()
    assert "照明设施" in changes and "12,000" in changes
    assert "其他楼栋待下一批" in anyone.get_by_test_id("plan-answers-before").inner_text()
    found["plan v2"] = axe_violations(anyone)
    assert anyone.evaluate(WIDTH) <= 390
    shot(anyone, "walk-05-plan-v2-changes-answers-phone")

    # 4. Version 2 adopted by the owners (set up); the budget is published for its notice (公示).
    PlanVersion.objects.filter(project=project, number=2).update(status=PlanVersion.Status.ADOPTED)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLAN_ADOPTED)
    project.refresh_from_db()
    p = SimpleNamespace(project=project)
    publish_budget(city, p, notice_over=False)
    owner.goto(f"{base}/disclosure/projects/{project.code}/")
    owner.get_by_test_id("public-objections").get_by_role("link").click()
    owner.get_by_label("您的异议（公开，不显示姓名）").fill("居民自筹一万元没有说明怎么分摊。")
    found["objection"] = axe_violations(owner)
    shot(owner, "walk-06-objection-phone")
    owner.get_by_role("button", name="提交异议").click()
    owner.get_by_text("异议已提交并公开").wait_for()
    # The project's timeline shows the notice window and its objection; the award waits.
    manager.goto(base + project.get_absolute_url())
    window = manager.get_by_test_id("notice-windows").inner_text()
    assert "预算公示" in window and "公示中，可提出异议" in window and "1 条异议（1 条待答复）" in window
    manager.goto(f"{base}/projects/{project.code}/award/")
    holds = manager.get_by_test_id("award-hold").all_inner_texts()
    assert len(holds) == 2 and "公示期满后才能确定施工单位" in holds[0] and "还有 1 条未答复" in holds[1]
    shot(manager, "walk-07-award-held-phone")
    end_notice(p.budget)  # the notice runs its course — the unanswered objection still holds it
    manager.reload()
    assert "还有 1 条未答复" in manager.get_by_test_id("award-hold").first.inner_text()
    manager.goto(f"{base}/disclosure/projects/{project.code}/objections/")
    manager.get_by_label("街道办的答复（公开）").fill("按建筑面积分摊，每户约200元，明细见预算页。")
    manager.get_by_role("button", name="答复（公开）").click()
    manager.get_by_text("答复已公开").wait_for()
    anyone.goto(f"{base}/disclosure/projects/{project.code}/objections/")
    public = anyone.locator("main").inner_text()
    assert "没有说明怎么分摊" in public and "每户约200元" in public and city.owner_a1.name not in public
    f.procure(project, city.street_a_staff, "contractor", city.contractor_org, Decimal("98000.00"))
    f.procure(project, city.street_a_staff, "supervisor", city.supervisor_org, Decimal("3000.00"))
    manager.goto(f"{base}/projects/{project.code}/award/")
    assert manager.get_by_test_id("award-hold").count() == 0
    manager.locator("#id_contractor").select_option(value=str(city.contractor_org.pk))
    manager.locator("#id_supervisor").select_option(value=str(city.supervisor_org.pk))
    manager.locator("#id_contract_amount").fill("98000")
    manager.get_by_role("button", name="保存").click()
    manager.get_by_test_id("project-status").first.wait_for()
    project.refresh_from_db()
    assert project.status == Project.Status.CONTRACTED
    assert found == {k: [] for k in found}, found
