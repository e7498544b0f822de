"""The demo's works (architecture §3): budget, award, the hash-chained ledger, milestones, progress
with generated site photos and the completion acceptance, for the estates under way or done."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from disclosure import collection, notices
from disclosure import selectors as disclosure_selectors
from disclosure import services as money
from disclosure.models import Budget, Milestone, Objection, ProgressUpdate
from projects import services as p
from projects.models import Award, PlanItem, PlanVersion, Project, ProjectEvent, Tender, Vote
from projects.services import procurement
from stakeholders.models import Estate, Membership, Organization, Resident, User

from . import approvals
from .common import elect_council
from .steps import (
    S,
    _ballots,
    _close,
    _plan_item,
    _ready_for_vote,
    _site_photo,
    _voters,
    _willingness_passed,
)

# --- the works: budget, award, ledger, milestones, progress, completion acceptance ----------------------
#
# Dates: the services stamp "now", so after each step the demo lets time pass the way _close does for
# votes — the step's timeline events (and the budget's publication, the award, a progress post) are
# moved back to when they happened. Ledger entries carry their own date (and are append-only: the
# database refuses to change them), so they are recorded in date order with past dates.

IN, OUT, REV, BATCH = "income", "expense", "reversal", "batch"
# Public ledger: counterparties are organizations or descriptions, never a resident's name.
CENTRAL = "南宁市财政局（中央财政城镇老旧小区改造补助资金）"
QINGXIU = "青秀区财政局（区级配套资金）"
XINGNING = "兴宁区财政局（区级配套资金）"
WATER = "南宁市水务集团（管网改造配套资金）"
MAINTENANCE = "南宁市住房维修资金管理中心（本小区住宅专项维修资金）"
WATERPROOF = "南宁市宏达防水材料有限公司"
PIPES = "广西桂通管业有限公司"
CLEARING = "南宁市清源环境工程有限公司"
SCAFFOLD = "南宁市安居脚手架租赁有限公司"
PAINT = "广西彩虹涂料有限公司"
LAMPS = "南宁市明光照明电器有限公司"
TESTING = "南宁市建设工程质量检测中心"


def _events_since(project: Project) -> int:
    return ProjectEvent.objects.filter(project=project).aggregate(m=Max("pk"))["m"] or 0


def _happened(project: Project, since: int, days_ago: int) -> int:
    """The timeline events the services just wrote (after event `since`) happened `days_ago` days
    ago; so did the project's last change of status. Returns the new `since`."""
    when = timezone.now() - timedelta(days=days_ago)
    if ProjectEvent.objects.filter(project=project, pk__gt=since).update(at=when):
        Project.objects.filter(pk=project.pk).update(status_changed_at=when)
    return _events_since(project)


def _day(days_ago: int):
    return timezone.localdate() - timedelta(days=days_ago)


def _plan_adopted(
    ctx, estate, owners, *, clerk, drafter, approver, street_staff, paper, summary, items, days: tuple[int, int]
):
    """Willingness vote passed `days[0]` days ago, accepted, one plan version adopted by the owners'
    vote that closed `days[1]` days ago."""
    project = _willingness_passed(ctx, estate, owners, clerk=clerk, paper=paper, days_ago=days[0])
    since = _happened(project, 0, days[0])
    ProjectEvent.objects.filter(project=project, to_status=S.PETITIONING).update(
        at=timezone.now() - timedelta(days=days[0] + 16)
    )
    year = _day(days[0] - 12).year + 1
    project = p.project_transition(
        project=project, to=S.ACCEPTED, actor=approver, note=f"符合改造条件，纳入{year}年度改造计划。"
    )
    project = p.project_transition(project=project, to=S.PLANNING, actor=street_staff, note="启动需求征集（点单）。")
    since = _happened(project, since, days[0] - 12)
    v1 = p.plan_version_start(project=project, actor=drafter)
    p.plan_version_edit(version=v1, actor=drafter, summary=summary)
    for row in items:
        _plan_item(v1, drafter, *row)
    p.plan_version_publish(version=v1, actor=approver)
    p.plan_comment_add(
        version=v1, actor=owners[1].user, text="同意方案。施工期间请提前张贴停水、停电通知，材料不要堆在消防通道上。"
    )
    _ready_for_vote(
        v1,
        drafter,
        [("adopted", "已写入施工要求：进场前张贴停水、停电通知，材料堆放避开消防通道。")],
    )
    vote = p.plan_vote_call(version=v1, actor=approver)
    since = _happened(project, since, days[1] + 14)
    _ballots(ctx, vote, online=_voters(estate), paper=paper, clerk=clerk, choices=("agree",) * 9 + ("abstain",))
    vote = _close(vote, days_ago=days[1])
    assert vote.result == Vote.Result.PASSED, (estate.code, vote.result)
    ctx.report.add("closed votes")
    _happened(project, since, days[1])
    return Project.objects.get(pk=project.pk)


def _adopted_items(project: Project) -> dict[str, PlanItem]:
    version = PlanVersion.objects.get(project=project, status=PlanVersion.Status.ADOPTED)
    return {item.catalog_item.code: item for item in version.items.select_related("catalog_item")}


def _budget(
    ctx, project: Project, *, staff: User, approver: User, days_ago: int, objection=None, returned: str = ""
) -> Budget:
    """Drafted from the adopted plan (its total and what each source pays, as the budget desk
    prefills them), approved and published (公示) `days_ago` days ago. `objection`: (resident, text,
    answer) — a resident objected during the notice and the street office answered."""
    prefill = disclosure_selectors.budget_prefill(project, None)
    lines = {name[5:]: amount for name, amount in prefill.items() if name.startswith("fund_")}
    since = _events_since(project)
    approvals.run(ctx, project, staff, days_ago=days_ago + 35, returned=returned)  # 并联审批 first (issue 22)
    budget = money.budget_save_draft(project=project, actor=staff, total=prefill["total"], lines=lines)
    approvals.utility_shares(budget, staff)
    money.budget_approve(budget=budget, actor=approver)
    budget = money.budget_publish(budget=budget, actor=approver)
    when = timezone.now() - timedelta(days=days_ago)
    if objection is not None:
        resident, text, answer = objection
        filed = notices.objection_file(project=project, actor=resident.user, text=text)
        notices.objection_answer(objection=filed, actor=staff, answer=answer)
        Objection.objects.filter(pk=filed.pk).update(
            filed_at=when + timedelta(days=2), answered_at=when + timedelta(days=3)
        )
        ctx.report.add("objections answered")
    Budget.objects.filter(pk=budget.pk).update(
        approved_at=when - timedelta(days=2),
        published_at=when,
        notice_ends_on=timezone.localdate(when) + timedelta(days=settings.BUDGET_NOTICE_DAYS),
    )
    _happened(project, since, days_ago)
    ctx.report.add("budgets")
    return budget


# The procurement record (issue 21 item 1): the evaluation's criteria, and each bidder's points on
# them and price (a share of the winning bid) — the winner first. The committee: the buyer's
# representative, the design institute's and the bureau's engineers.
CRITERIA = [
    ("投标报价", Decimal("40")),
    ("施工组织设计", Decimal("30")),
    ("企业信誉与类似业绩", Decimal("20")),
    ("项目管理机构", Decimal("10")),
]
BIDDERS = [(Decimal("1"), (36, 27, 18, 9)), (Decimal("1.04"), (34, 25, 17, 8)), (Decimal("0.97"), (38, 21, 14, 7))]
RIVALS = ["绿城建筑安装有限公司", "邕城建设工程有限公司", "广西华建工程有限公司"]
COMMITTEE = [(None, 1), ("八桂城市规划设计院", 2), ("南宁市住房和城乡建设局", 2)]  # None: the project's own office


def _procure(project: Project, staff: User, role: str, winner, amount: Decimal, method: str, days_ago: int) -> None:
    """Record the tender the award picks its winner from, dated before the award: an open or invited
    tender with three scored bids, or a direct award below the value that must be tendered."""
    since = _events_since(project)
    today = timezone.localdate()
    if method == "direct":
        tender = procurement.tender_open(
            project=project,
            actor=staff,
            role=role,
            method="direct",
            requirements="工程监理乙级及以上资质；监理服务至竣工验收"
            if role == "supervisor"
            else "施工总承包三级及以上",
            published_on=today - timedelta(days=days_ago + 3),
            ceiling=(amount * Decimal("1.05")).quantize(Decimal("0.01")),
            direct_reason="below_threshold",
            direct_details="合同估算价低于《必须招标的工程项目规定》第五条的标准，经街道办事处集体研究直接委托。",
        )
        procurement.bid_record(tender=tender, actor=staff, organization=winner, amount=amount)
    else:
        tender = procurement.tender_open(
            project=project,
            actor=staff,
            role=role,
            method=method,
            requirements="建筑工程施工总承包三级及以上资质，近三年有老旧小区改造业绩；工期 120 日历天。",
            published_on=today - timedelta(days=days_ago + 22),
            bids_due=today - timedelta(days=days_ago + 1),
            ceiling=(amount * Decimal("1.08")).quantize(Decimal("0.01")),
            criteria=CRITERIA,
        )
        office = Organization.objects.get(kind=Organization.Kind.STREET_OFFICE, street=project.estate.community.street)
        for name, members in COMMITTEE:
            member = office if name is None else Organization.objects.get(name=name)
            procurement.committee_seat_set(tender=tender, actor=staff, organization=member, members=members)
        rivals = [Organization.objects.get(kind=Organization.Kind.CONTRACTOR, name=n) for n in RIVALS]
        bidders = [winner] + [o for o in rivals if o.pk != winner.pk][:2]
        criteria = list(tender.criteria.all())
        for organization, (share, points) in zip(bidders, BIDDERS, strict=True):
            price = (amount * share).quantize(Decimal("0.01"))
            bid = procurement.bid_record(tender=tender, actor=staff, organization=organization, amount=price)
            procurement.bid_score(
                bid=bid, actor=staff, points={c.pk: Decimal(n) for c, n in zip(criteria, points, strict=True)}
            )
    procurement.tender_evaluate(tender=tender, actor=staff, evaluated_on=today - timedelta(days=days_ago + 1))
    Tender.objects.filter(pk=tender.pk).update(created_at=timezone.now() - timedelta(days=days_ago + 22))
    _happened(project, since, days_ago + 22 if method != "direct" else days_ago + 3)


def _award(
    ctx, project: Project, *, approver: User, contractor: User, amount: str, days_ago: int, method: str = "open"
) -> None:
    """The works go to `contractor`'s organization (the demo account signs in and finds them), the
    supervision to the demo supervisor's — each from its procurement record."""
    supervisor = _org_of(ctx.u("supervisor"))
    _procure(project, approver, "contractor", _org_of(contractor), Decimal(amount), method, days_ago)
    fee = (Decimal(amount) * Decimal("0.025")).quantize(Decimal("1"))  # 监理费, about 2.5 % of the works
    _procure(project, approver, "supervisor", supervisor, fee, "direct", days_ago)
    ctx.report.add("tenders", 2)
    since = _events_since(project)
    p.project_award(
        project=project,
        actor=approver,
        contractor=_org_of(contractor),
        supervisor=supervisor,
        contract_amount=Decimal(amount),
    )
    Award.objects.filter(project=project).update(awarded_at=timezone.now() - timedelta(days=days_ago))
    _happened(project, since, days_ago)
    ctx.report.add("awards", 2)


def _org_of(user: User):
    return Membership.objects.select_related("organization").get(user=user).organization


def _keep_ledger(ctx, project: Project, staff: User, rows: list[tuple]) -> None:
    """Record `rows` in date order: (days ago, IN, source, amount, counterparty, memo[, tag]),
    (days ago, OUT, plan item code, amount, counterparty, memo[, tag]) or (days ago, REV, tag, memo):
    the reversal of the entry tagged so, with the memo that explains the correction."""
    items, tagged = _adopted_items(project), {}
    for row in sorted(rows, key=lambda r: -r[0]):  # stable: same-day rows keep their order
        days, kind = row[0], row[1]
        if kind == BATCH:  # (days ago, BATCH, households, collector, counterparty, memo)
            _days, _kind, n, collector, counterparty, memo = row
            _collect_batch(project, staff, collector, n, days=days, counterparty=counterparty, memo=memo)
        elif kind == REV:
            money.ledger_reverse(entry=tagged[row[2]], actor=staff, memo=row[3], date=_day(days))
        else:
            _days, _kind, key, amount, counterparty, memo, *tag = row
            entry = money.ledger_record(
                project=project,
                actor=staff,
                date=_day(days),
                kind=kind,
                amount=Decimal(amount),
                counterparty=counterparty,
                source=key if kind == IN else "",
                plan_item=items[key] if kind == OUT else None,
                memo=memo,
            )
            if tag:
                tagged[tag[0]] = entry
    ctx.report.add("ledger entries", len(rows))


def _collect_batch(project, staff, collector, n, *, days, counterparty, memo) -> None:
    """居民自筹, household by household: the community collects the full share of the next `n`
    households that have not paid (receipts numbered in order), then the street office brings them
    into the ledger as one batch naming them — its amount is their sum (issue 19)."""
    owing = [row for row in collection.collection_of(project).households if row.remaining > 0][:n]
    paid = []
    for k, row in enumerate(owing):
        paid.append(
            money.payment_record(
                project=project,
                household=row.household,
                amount=row.remaining,
                paid_on=_day(days + 2),
                channel=("cash", "wechat", "bank")[k % 3],
                receipt_no=f"{project.code[:12]}-{days:03d}-{k + 1:03d}",
                actor=collector,
            )
        )
    if paid:
        money.ledger_record(
            project=project,
            actor=staff,
            date=_day(days),
            kind=IN,
            amount=sum((p.amount for p in paid), Decimal("0.00")),
            counterparty=counterparty % {"n": len(paid)},
            source="residents",
            memo=memo,
            payments=[p.pk for p in paid],
        )


def _exempt(project, collector, reason: str) -> None:
    """One household that has not paid is exempted (hardship, decided by the council)."""
    owing = [row for row in collection.collection_of(project).households if row.remaining > 0]
    if owing:
        money.exemption_record(project=project, household=owing[-1].household, reason=reason, actor=collector)


def _milestones(ctx, project: Project, contractor: User, rows: list[tuple]) -> None:
    """(title, type, due in days from today, status, met days ago or None, description)."""
    for title, kind, due, status, met, description in rows:
        milestone = money.milestone_add(
            project=project,
            actor=contractor,
            title=title,
            due_date=timezone.localdate() + timedelta(days=due),
            type=kind,
            description=description,
        )
        if status != Milestone.Status.SCHEDULED:
            money.milestone_update(milestone=milestone, actor=contractor, status=status, date_met=_day(met))
    ctx.report.add("milestones", len(rows))


def _progress(ctx, project: Project, contractor: User, rows: list[tuple]) -> None:
    """(days ago, plan item code or None for the whole project, percent, text, photos), oldest first;
    the first post starts the works (contracted → under_construction)."""
    items = _adopted_items(project)
    for days, code, percent, text, photos in rows:
        since = _events_since(project)
        files = []
        for _k in range(photos):
            ctx.photo_no += 1
            files.append(_site_photo(ctx.photo_no, done=percent / 100))
        update = money.progress_post(
            project=project,
            actor=contractor,
            percent=percent,
            text=text,
            plan_item=items[code] if code else None,
            photos=files,
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(posted_at=timezone.now() - timedelta(days=days))
        _happened(project, since, days)
        ctx.report.add("progress updates")
        ctx.report.add("progress photos", photos)


def _council(ctx, estate: Estate, members: list[Resident], *, file: bool = True) -> None:
    """The estate's 老友议事会 as Nanning forms it: an election the community committee records (the
    first of `members` elected chair, who signs the acceptance), filed by the street office."""
    elect_council(estate, members, actor=ctx.admin, file=file)  # counted by seed_projects
