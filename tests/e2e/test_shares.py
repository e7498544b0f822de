"""On phones (issue 19): the committee drafts an elevator for one entrance, shared by agreed floor
coefficients with a ground-floor compensation; the plan (adopted, set up) becomes a published
budget; an owner on the third floor reads their figure and how it was computed; the community
records a payment at the desk and the compensation paid to a ground-floor household; the ledger
refuses a batch that does not equal the payments it names, then records it; the public shares
page shows sums per building, no rooms."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure import services as money
from disclosure.models import SharePayment
from projects import services
from projects.models import PlanVersion, Project, Vote
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.e2e.test_renovation_flow import deadline_passes, vote_agree
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = "document.documentElement.scrollWidth"


def test_an_elevator_shared_by_floor_a_figure_a_payment_and_a_batch(live_server, browser, shot, axe_violations):
    city = f.build_city()
    building = f.BuildingFactory(estate=city.estate_a1, number="2")
    entrance = f.households(building, 6, unit="1")  # floors 1–3, two households each
    third_floor = f.verified_owner(entrance[4])
    neighbours = [f.verified_owner(entrance[0], is_party_member=True), f.verified_owner(entrance[2])]
    project_at(city, Project.Status.PLANNING)  # the estate's own renovation is under way meanwhile
    base = live_server.url
    found = {}

    # The third-floor owner petitions for an elevator in their entrance, from the home page.
    owner = sign_in(browser, base, third_floor.user.username)
    owner.get_by_test_id("elevator-petition-link").click()
    owner.get_by_label("单元加装电梯", exact=True).check()
    owner.get_by_label("单元（加装电梯时）").select_option(label=f"{city.estate_a1.name} 2栋1单元")
    owner.get_by_label("小区为什么需要改造？").fill("老人多，三楼以上上下楼困难。")
    found["petition form"] = axe_violations(owner)
    shot(owner, "shares-00-elevator-petition-phone")
    owner.get_by_role("button", name="发起申请").click()
    owner.get_by_test_id("petition-checklist").wait_for()
    project = Project.objects.get(kind="elevator")
    petition = project.petition
    for neighbour in neighbours:  # two more households of the entrance sign (their own pages: tested elsewhere)
        sponsorship = services.sponsor_invite(petition=petition, actor=third_floor.user, phone=neighbour.phone)
        services.sponsor_answer(sponsorship=sponsorship, actor=neighbour.user, confirm=True)
    owner.reload()
    owner.get_by_test_id("petition-submit").click()
    willingness = Vote.objects.get(project=project)
    assert (willingness.scope, willingness.unit, willingness.matter) == ("unit", "1", "special")
    assert willingness.electorate_owners == 6  # the entrance's households
    # The entrance votes: the owners with an account on their phones, the rest on paper at the desk.
    for voter in (owner, *(sign_in(browser, base, n.user.username) for n in neighbours)):
        vote_agree(voter, base, willingness.code)
    for paper in willingness.voters.filter(resident__isnull=True):
        services.ballot_record_paper(
            vote=willingness, voter=paper, choice="agree", scan=f.proof_file(), actor=city.comm_a1_staff
        )
    assert deadline_passes(willingness.code).result == "passed"  # 3/4 of a special matter, by area and owners
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED

    # The street office accepted it (set up): the committee drafts the plan.
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    project.refresh_from_db()
    services.plan_version_start(project=project, actor=city.comm_a1_staff)
    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/{project.code}/plan/1/")
    clerk.get_by_text("添加改造项目", exact=True).click()
    clerk.get_by_label("改造内容清单项目").select_option(label="完善类 · 加装电梯")
    clerk.locator("#id_description").fill("2栋1单元加装电梯")
    clerk.get_by_label("数量").fill("1")
    clerk.get_by_label("计量单位").fill("部")
    clerk.get_by_label("估算费用（元）").fill("610000")
    clerk.get_by_label("中央补助资金").fill("300000")
    clerk.get_by_label("居民自筹").fill("300000")
    clerk.get_by_label("底层住户补偿基金").fill("9000")  # wrong: 2 households × ¥5,000 is ¥10,000
    sharing = clerk.get_by_test_id("sharing-fields")
    sharing.get_by_label("单个单元", exact=True).check()
    sharing.get_by_label("楼栋（一栋楼或一个单元分摊时）").select_option(label="2栋")
    sharing.get_by_label("单元", exact=True).select_option(label="1单元")
    sharing.get_by_label("按楼层系数×面积分摊（业主约定，如加装电梯）").check()
    sharing.get_by_label("楼层系数（按楼层分摊时）").fill("1:0, 2:0.5, 3:1")
    sharing.get_by_label("每户底层住户补偿（元，可选）").fill("5000")
    sharing.get_by_label("补偿的楼层").fill("1")
    clerk.get_by_role("button", name="添加项目").click()
    clerk.get_by_text("底层住户补偿基金应为 ¥5,000.00 × 2 户 = ¥10,000.00").wait_for()
    assert clerk.locator("#id_share_coefficients").input_value() == "1:0, 2:0.5, 3:1"  # nothing typed is lost
    clerk.get_by_label("估算费用（元）").fill("610000")
    clerk.get_by_label("中央补助资金").fill("300000")
    clerk.get_by_label("底层住户补偿基金").fill("10000")
    clerk.get_by_label("居民自筹").fill("300000")
    clerk.get_by_role("button", name="添加项目").click()
    clerk.get_by_text("项目已添加").wait_for()
    described = clerk.get_by_test_id("item-sharing").inner_text()
    assert "2栋1单元的住户分摊" in described and "3层：1" in described and "1层每户 ¥5,000.00" in described
    found["plan form"] = axe_violations(clerk)
    assert clerk.evaluate(WIDTH) <= 390
    shot(clerk, "shares-01-elevator-item-phone")

    # The plan goes to the entrance's owners: a special matter by law (the ballots are set up).
    version = PlanVersion.objects.get(project=project)
    services.plan_version_publish(version=version, actor=city.street_a_manager)
    PlanVersion.objects.filter(pk=version.pk).update(published_at=timezone.now() - timedelta(days=8))
    f.management(version)  # who manages the estate after the works (建管一体)
    plan_vote = services.plan_vote_call(version=PlanVersion.objects.get(pk=version.pk), actor=city.street_a_manager)
    assert (plan_vote.scope, plan_vote.unit, plan_vote.matter, plan_vote.electorate_owners) == (
        "unit",
        "1",
        "special",
        6,
    )
    vote_agree(owner, base, plan_vote.code)  # the owner's notice said their share; they agree
    for voter in plan_vote.voters.exclude(resident=third_floor):
        if voter.resident is None:
            services.ballot_record_paper(
                vote=plan_vote, voter=voter, choice="agree", scan=f.proof_file(), actor=city.comm_a1_staff
            )
        else:
            services.ballot_cast(vote=plan_vote, actor=voter.resident.user, choice="agree")
    assert deadline_passes(plan_vote.code).result == "passed"
    project.refresh_from_db()
    assert project.status == Project.Status.PLAN_ADOPTED
    # Its result's public notice runs its course (a week, set up), then the budget is published.
    Vote.objects.filter(pk=plan_vote.pk).update(closed_at=timezone.now() - timedelta(days=8))
    lines = {
        "central_subsidy": Decimal("300000.00"),
        "residents": Decimal("300000.00"),
        "compensation": Decimal("10000.00"),
    }
    budget = money.budget_save_draft(
        project=project, actor=city.street_a_staff, total=Decimal("610000.00"), lines=lines
    )
    money.budget_approve(budget=budget, actor=city.street_a_manager)
    money.budget_publish(budget=budget, actor=city.street_a_manager)

    owner.goto(f"{base}/disclosure/projects/{project.code}/budget/")
    figure = owner.get_by_test_id("household-share").inner_text()
    assert "× 系数 1" in figure and "2栋1单元加装电梯" in figure
    found["owner's figure"] = axe_violations(owner)
    assert owner.evaluate(WIDTH) <= 390
    shot(owner, "shares-02-owners-figure-phone")
    due = Decimal(owner.get_by_test_id("share-total").first.inner_text().lstrip("¥").replace(",", ""))

    # The community records the owner's payment at the desk.
    clerk.goto(f"{base}/disclosure/projects/{project.code}/collection/?building={building.pk}")
    row = clerk.locator(f"#household-{entrance[4].pk}")
    row.get_by_text("登记缴款").click()
    row.get_by_label("缴款方式").select_option(label="微信支付")
    row.get_by_label("收据编号").fill("SJ-2027-0001")
    found["collection desk"] = axe_violations(clerk)
    shot(clerk, "shares-03-collection-desk-phone")
    row.get_by_role("button", name="登记这笔缴款").click()
    clerk.get_by_text("已登记缴款").wait_for()
    payment = SharePayment.objects.get()
    assert payment.amount == due and payment.receipt_no == "SJ-2027-0001"
    # A ground-floor household is paid its compensation against the receipt it signed.
    ground = clerk.locator(f"#household-{entrance[0].pk}")
    assert "待领 ¥5,000.00" in ground.inner_text()
    ground.get_by_text("登记向这一户发放的补偿").click()
    ground.get_by_label("发放方式").select_option(label="银行转账")
    ground.get_by_label("住户签收的收据编号").fill("BC-001")
    assert clerk.evaluate(WIDTH) <= 390
    shot(clerk, "shares-03b-compensation-paid-phone")
    ground.get_by_role("button", name="登记补偿发放").click()
    clerk.get_by_text("已登记补偿发放").wait_for()
    assert "补偿已发放" in clerk.locator(f"#household-{entrance[0].pk}").inner_text()
    assert SharePayment.objects.get(kind="payout").amount == Decimal("5000.00")

    # The street office's batch must equal the payments it names.
    street = sign_in(browser, base, city.street_a_staff.username)
    street.goto(f"{base}/disclosure/projects/{project.code}/ledger/")
    street.get_by_label("收入", exact=True).check()
    street.get_by_label("金额（元）").fill(str(due + 1))
    street.get_by_label("付款方／收款方").fill("居民自筹（第一批，1户）")
    street.get_by_label("资金来源（收入）").select_option("residents")
    street.get_by_test_id("batch-payments").locator("summary").click()
    street.get_by_text("SJ-2027-0001").click()
    street.get_by_role("button", name="登记并公开").click()
    street.get_by_text("两者必须相等").wait_for()
    street.get_by_label("金额（元）").fill(str(due))
    street.get_by_test_id("batch-payments").locator("input[type=checkbox]").first.check()
    street.get_by_role("button", name="登记并公开").click()
    street.get_by_text("已登记并公开").first.wait_for()
    payment.refresh_from_db()
    assert payment.ledger_entry is not None
    assert SharePayment.objects.get(kind="payout").ledger_entry is None  # an expense batch brings it in

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/disclosure/projects/{project.code}/shares/")
    public = anyone.locator("main").inner_text()
    assert "2栋" in public and third_floor.name not in public and "SJ-2027-0001" not in public
    found["public shares"] = axe_violations(anyone)
    assert anyone.evaluate(WIDTH) <= 390
    shot(anyone, "shares-04-public-phone")
    assert found == {k: [] for k in found}, found
