"""The demo's parallel approvals (issue 22): the city's departments, the bureau's catalog of matters,
and each plan's one submission decided by the departments in parallel — dated before its budget.
民生路机械厂宿舍's plan is still in review: planning approved it, fire returned it once and has the
resubmission, finance has not decided yet."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from approvals import services as approval_services
from approvals.calendar import add_working_days, working_days_between
from approvals.models import Matter, Review
from disclosure import selectors as disclosure_selectors
from disclosure import services as money
from projects import services as project_services
from projects.models import CatalogItem, Project
from stakeholders.models import Organization, User
from stakeholders.selectors import street_office_user_ids

# (department, matter, working days, documents, project kinds, plan items that trigger it)
MATTERS = [
    ("南宁市自然资源局", "改造方案规划审查", 10, "改造方案、总平面图", ["renovation"], []),
    ("南宁市自然资源局", "加装电梯规划许可", 15, "加装电梯方案、业主表决结果", ["elevator"], []),
    ("南宁市消防救援支队", "消防通道及消防设施改造审查", 15, "消防设计图", [], ["fire-safety", "roads", "charging"]),
    ("南宁市园林局", "绿地调整与树木迁移审批", 20, "绿化设计图、树木清单", [], ["greening", "parking"]),
    ("南宁市财政局", "财政补助资金预算评审", 15, "预算书、资金来源表", [], []),
]


# A returned matter: the department's reasons, and what the street office changed.
RETURNS = {
    "南宁市消防救援支队": (
        "消防车通道净宽不足4米，充电棚与住宅楼间距不足6米，请调整总平面布置。",
        "消防车通道拓宽至4.5米，充电棚移至小区东侧围墙边，距住宅楼8米。",
    ),
    "南宁市财政局": (
        "预算书未列明维修资金和公共收益出资的依据，请补充业主大会决议和公共收益账目。",
        "已补充业主表决结果（维修资金使用）和近三年公共收益明细。",
    ),
}


def seed_catalog(report, organizations: dict) -> None:
    if Matter.objects.exists():
        return
    bureau = User.objects.get(username="bureau")
    for department, name, days, documents, kinds, items in MATTERS:
        approval_services.matter_save(
            actor=bureau,
            name=name,
            department=organizations[department],
            time_limit=days,
            documents=documents,
            project_kinds=kinds,
            items=list(CatalogItem.objects.filter(code__in=items)),
        )
        report.add("approval matters")
    seed_negative_list(bureau)


def _staff_of(review: Review) -> User:
    return User.objects.filter(memberships__organization=review.department).order_by("id").first()


def _dated(review: Review, opened, working_days: int | None) -> None:
    """Move a review to when it happened: opened then, decided `working_days` later (or still open)."""
    due = add_working_days(opened, review.matter.time_limit)
    decided = add_working_days(opened, working_days) if working_days is not None else None
    Review.objects.filter(pk=review.pk).update(
        opened_on=opened,
        due_on=due,
        decided_on=decided,
        working_days=working_days_between(opened, decided) if decided else None,
    )


def run(ctx, project: Project, staff: User, *, days_ago: int, returned: str = "", pending: str = "") -> None:
    """Submit the adopted plan `days_ago` days ago; each department decides within its limit. The
    matter named `returned` is returned once (and resubmitted); `pending` is left undecided."""
    submission = approval_services.submit(project=project, actor=staff, note="改造方案、图纸及预算书一并提交。")
    opened = timezone.localdate() - timedelta(days=days_ago)
    for n, review in enumerate(submission.reviews.select_related("matter", "department").order_by("id")):
        name = review.matter.name
        if name == pending:
            _dated(review, opened, None)
            continue
        if name == returned:
            reason, change = RETURNS[review.department.name]
            approval_services.decide(review=review, actor=_staff_of(review), decision="return", text=reason)
            _dated(review, opened, 6)
            again = approval_services.resubmit(review=review, actor=staff, note=change)
            review, opened_again = again, add_working_days(opened, 6)
            if pending == f"{name}#2":
                _dated(review, opened_again, None)
                continue
            approval_services.decide(review=review, actor=_staff_of(review), decision="approve")
            _dated(review, opened_again, 4)
            continue
        conditions = n % 3 == 1
        approval_services.decide(
            review=review,
            actor=_staff_of(review),
            decision="conditions" if conditions else "approve",
            text="施工期间保留消防通道畅通，不得占用绿地堆放材料。" if conditions else "",
        )
        _dated(review, opened, 3 + n * 2)
    ctx.report.add("approval submissions")


GAS, WATER = "邕州燃气有限公司", "南宁市水务集团"


def utility_shares(budget, staff: User, *, utility: str = WATER, answer: bool = True) -> None:
    """专营单位出资 (issue 22 item 1): the budget's utility line is one utility's (the water group's
    pipes, unless said); it confirmed it (or, with `answer=False`, has not answered yet)."""
    line = money.utility_line(budget)
    if not line:
        return
    org = Organization.objects.get(name=utility)
    share = money.utility_share_set(budget=budget, actor=staff, organization=org, amount=line)
    if answer:
        utility = User.objects.get(memberships__organization=org)
        money.utility_share_decide(share=share, actor=utility, decision="confirm", text="按管线迁改协议出资。")


def draft_waiting_for_gas(project: Project, staff: User) -> None:
    """民生路's budget draft, waiting on its departments: the gas company is asked to carry the
    relocation of its pipes (¥30,000 of the local finance line), and has not answered yet."""
    prefill = disclosure_selectors.budget_prefill(project, None)
    lines = {name[5:]: amount for name, amount in prefill.items() if name.startswith("fund_") and amount}
    moved = Decimal("30000.00")
    lines["local_finance"] -= moved
    lines["utility"] = lines.get("utility", Decimal("0")) + moved
    budget = money.budget_save_draft(project=project, actor=staff, total=prefill["total"], lines=lines)
    utility_shares(budget, staff, utility=GAS, answer=False)


# The negative list (负面清单, issue 22 item 3): what renovation money may not pay for.
EXCLUDED = [
    ("拆除重建", "老旧小区改造以改造提升为主，资金不得用于拆除新建（国办发〔2020〕23号）。", "拆除重建、推倒重建"),
    ("豪华景观", "不得建设脱离居民需要的景观工程，绿化以实用、易维护为准。", "雕塑、喷泉、景观水系、大型景墙"),
    ("户内装修", "改造资金用于共有部分，不得用于业主户内装修。", "户内装修、室内装修、入户装修"),
]


def seed_negative_list(bureau: User) -> None:
    for name, reason, keywords in EXCLUDED:
        project_services.exclusion_save(actor=bureau, name=name, reason=reason, keywords=keywords)


def seed_annual_plan(ctx) -> None:
    """年度项目库: the bureau opened next year's plan; 民生路's street office proposed its estate and
    the bureau confirmed it; 银杉苑's proposal waits for the bureau's answer."""
    bureau = User.objects.get(username="bureau")
    year = timezone.localdate().year + 1
    plan = project_services.annual_plan_open(actor=bureau, year=year, note="各街道办请在年底前申报明年拟改造小区。")
    minsheng = Project.objects.get(estate__code="minsheng-jixie", kind=Project.Kind.RENOVATION)
    entry = project_services.plan_entry_propose(
        plan=plan, project=minsheng, actor=_street_office(minsheng), reason="方案已表决通过，居民出资已落实。"
    )
    project_services.plan_entry_decide(entry=entry, actor=bureau, confirm=True)
    yinshan = Project.objects.get(estate__code="yinshan-yuan", kind=Project.Kind.RENOVATION)
    project_services.plan_entry_propose(
        plan=plan, project=yinshan, actor=_street_office(yinshan), reason="燃气管道锈蚀，居民改造意愿强。"
    )
    ctx.report.add("annual plan entries", 2)


def _street_office(project: Project) -> User:
    return User.objects.filter(pk__in=street_office_user_ids(project.estate.community.street_id)).order_by("pk")[0]


def seed_evaluation(bureau: User) -> None:
    """第三方评估: the bureau engaged the evaluator for 解放路纺织厂宿舍 (completed; its report is
    published) and for every project of next year's plan (none written yet)."""
    evaluator = Organization.objects.get(kind=Organization.Kind.EVALUATOR)
    writer = User.objects.get(memberships__organization=evaluator)
    done = Project.objects.get(estate__code="jiefang-fangzhi", kind=Project.Kind.RENOVATION)
    money.engagement_add(actor=bureau, evaluator=evaluator, project=done, scope="竣工后的工程质量、资金使用和居民参与")
    money.engagement_add(
        actor=bureau, evaluator=evaluator, year=timezone.localdate().year + 1, scope="年度计划项目的全过程评估"
    )
    money.site_visit_record(
        project=done,
        actor=writer,
        visited_on=timezone.localdate() - timedelta(days=12),
        note="抽查3栋楼屋面及外墙，防水层完好；楼道照明全部正常；小区东侧排水沟有少量积水。",
    )
    report = money.report_save(
        project=done,
        actor=writer,
        scores={"quality": 88, "schedule": 76, "money": 92, "participation": 85, "aftercare": 80},
        findings="工程质量总体良好，资金使用与预算一致、账本公开完整；工期比计划滞后约三周；"
        "建议物业按季度疏通东侧排水沟，并公开维修记录。",
    )
    money.report_publish(report=report, actor=writer)
