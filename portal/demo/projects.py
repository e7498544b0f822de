"""Demo projects in every stage (architecture §3), made through the real services — petitions, sponsors,
owners' votes (online and paper), needs, plan rounds, then budgets, awards, the hash-chained ledger,
milestones, progress with photos and the completion acceptance — so what a newcomer sees after
`make run` is exactly what the portal produces. Idempotent: an estate that already has a project
is left alone (the ledger is append-only, so nothing is ever redone)."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw

from disclosure import selectors as disclosure_selectors
from disclosure import services as money
from disclosure.models import Budget, Milestone, ProgressUpdate
from projects import services as p
from projects.models import AcceptanceSignature, Award, CatalogItem, PlanItem, PlanVersion, Project, ProjectEvent, Vote
from stakeholders import services as people
from stakeholders.models import CouncilMember, Estate, Household, Membership, Resident, User

from .common import DEMO_PASSWORD, _proof_file, _resident

S = Project.Status
FIRST_EXTRA_PHONE = 37  # 13807710037…0099: owners of the estates the resident seed does not cover
# 13807710101…: owners of the estates whose works are under way, in fixed blocks per estate (their
# numbers are printed as demo accounts, so they must not depend on which stages ran before).
WORKS_PHONES = {"gucheng-liangshi": 101, "jiefang-fangzhi": 111, "taoyuan-youdian": 121, "yinshan-yuan": 131,
                "xinzhu-gongdian": 141}


class _Ctx:
    def __init__(self, report, admin: User):
        self.report, self.admin = report, admin
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "street_manager", "street_staff", "community_staff", "gucheng_staff", "minsheng_manager",
            "minsheng_staff", "jiefang_staff", "yinshan_staff", "contractor", "contractor2", "supervisor",
        ])}
        self.next_phone = FIRST_EXTRA_PHONE + Resident.objects.filter(phone__gte="13807710037", phone__lt="13807710100").count()
        self.photo_no = 0

    def u(self, username: str) -> User:
        return self.users[username]


def _owners(ctx: _Ctx, estate: Estate, names: list[str], *, first_phone: int | None = None) -> list[Resident]:
    """New verified voting owners of the estate's first households; the first is a Party member.
    Their phones follow on from 13807710037, or from 1380771<first_phone> when given."""
    homes = list(
        Household.objects.filter(building__estate=estate, ownerships__isnull=True).order_by("building__number", "unit", "floor", "room")[: len(names)]
    )
    owners = []
    for k, (name, home) in enumerate(zip(names, homes)):
        if first_phone is None:
            number, ctx.next_phone = ctx.next_phone, ctx.next_phone + 1
        else:
            number = first_phone + k
        resident, _created = _resident(f"1380771{number:04d}", name, party=k == 0)
        claim = people.ownership_claim(resident=resident, household=home, proof=_proof_file("proof.png"))
        people.ownership_verify(ownership=claim, actor=ctx.admin)
        owners.append(resident)
    ctx.report.add("residents", len(owners))
    return owners


def _petition(starter: Resident, estate: Estate, cosponsors: list[Resident], reason: str):
    petition = p.petition_start(resident=starter, estate=estate, reason=reason)
    for resident in cosponsors:
        invite = p.sponsor_invite(petition=petition, actor=starter.user, phone=resident.phone)
        p.sponsor_answer(sponsorship=invite, actor=resident.user, confirm=True)
    return petition


def _ballots(ctx: _Ctx, vote: Vote, *, online: list[Resident], paper: int, clerk: User, choices=("agree",)):
    """Online ballots by `online`, then `paper` signed paper ballots for households without a
    portal account (entered by `clerk` with a scan); choices cycle through `choices`."""
    k = 0
    for resident in online:
        p.ballot_cast(vote=vote, actor=resident.user, choice=choices[k % len(choices)])
        k += 1
    for voter in vote.voters.filter(resident__isnull=True).order_by("id")[:paper]:
        p.ballot_record_paper(vote=vote, voter=voter, choice=choices[k % len(choices)], scan=_proof_file("ballot.png"), actor=clerk)
        k += 1
    ctx.report.add("ballots", k)


def _close(vote: Vote, *, days_ago: int) -> Vote:
    """Let the vote's window end in the past and run the beat job's service, as the deadline would."""
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(days=days_ago + 14), closes_at=now - timedelta(days=days_ago))
    p.votes_close_due(now=now)
    return Vote.objects.get(pk=vote.pk)


def _voters(estate: Estate, exclude=()) -> list[Resident]:
    ids = set(Resident.objects.filter(
        ownerships__household__building__estate=estate, ownerships__status="verified", ownerships__is_voting_owner=True
    ).values_list("pk", flat=True)) - {r.pk for r in exclude}
    return list(Resident.objects.filter(pk__in=ids).select_related("user").order_by("phone"))


def _item(code: str) -> CatalogItem:
    return CatalogItem.objects.get(code=code)


def _plan_item(version, user, code, description, quantity, unit, cost, split):
    cost = Decimal(cost)
    funding = {source: (cost * Decimal(share) / 100).quantize(Decimal("0.01")) for source, share in split.items()}
    first = next(iter(funding))
    funding[first] += cost - sum(funding.values())  # rounding goes to the first source
    return p.plan_item_add(
        version=version, actor=user, catalog_item=_item(code), description=description, quantity=Decimal(quantity),
        unit=unit, estimated_cost=cost, funding=funding,
    )


STANDARD_SPLIT = {"central_subsidy": 50, "local_finance": 30, "utility": 10, "residents": 10}


def _accept_and_plan(project: Project, approver: User, staff: User) -> Project:
    project = p.project_transition(project=project, to=S.ACCEPTED, actor=approver, note="符合改造条件，纳入2027年度改造计划。")
    return p.project_transition(project=project, to=S.PLANNING, actor=staff, note="启动需求征集（点单）。")


def _willingness_passed(ctx, estate, owners, *, clerk, paper, days_ago=40):
    petition = _petition(owners[0], estate, owners[1:3], "房屋建成三十余年，屋面漏水、管网老化、楼道无照明，居民要求改造。")
    vote = p.petition_submit(petition=petition, actor=owners[0].user)
    _ballots(ctx, vote, online=_voters(estate), paper=paper, clerk=clerk, choices=("agree", "agree", "agree", "disagree"))
    vote = _close(vote, days_ago=days_ago)
    assert vote.result == Vote.Result.PASSED, (estate.code, vote.result)
    ctx.report.add("closed votes")
    return Project.objects.get(pk=petition.project_id)


# --- the stages ---------------------------------------------------------------------------------------


def _taoyuan(ctx: _Ctx, estate: Estate) -> None:
    """桃源小区: the whole path — willingness vote passed, accepted, needs, plan v1 and v2 with
    comments, and the final plan vote OPEN (demo residents 13807710001… can still cast)."""
    owners = _voters(estate)
    starter = Resident.objects.get(phone="13807710001")
    sponsors = [Resident.objects.get(phone=ph) for ph in ("13807710003", "13807710005")]
    petition = _petition(starter, estate, sponsors, "桃源小区建于1988年，外墙脱落、屋面漏水、雨污合流，楼道夜间无照明。")
    vote = p.petition_submit(petition=petition, actor=starter.user)
    _ballots(ctx, vote, online=owners, paper=48, clerk=ctx.u("community_staff"), choices=("agree", "agree", "agree", "abstain", "agree", "disagree"))
    vote = _close(vote, days_ago=60)
    assert vote.result == Vote.Result.PASSED, vote.result
    ctx.report.add("closed votes")
    project = _accept_and_plan(Project.objects.get(pk=petition.project_id), ctx.u("street_manager"), ctx.u("street_staff"))

    staff = ctx.u("community_staff")
    needs = [
        (owners[0], "roof", "1栋、2栋屋面多处漏水，顶楼住户雨天要接水。"),
        (owners[1], "drainage", "小区雨污合流，暴雨时3栋门口积水没过脚踝。"),
        (owners[2], "lighting", "2栋各单元楼道灯坏了一年多，老人晚上不敢下楼。"),
        (owners[3], "elevator", "3栋7层没有电梯，希望加装。"),
        (owners[4], "parking", "晚上电动车乱停，消防通道被堵。"),
    ]
    filed = [p.need_file(project=project, actor=r.user, catalog_item=_item(code), text=text) for r, code, text in needs]
    for k, need in enumerate(filed):
        for supporter in owners[5 : 5 + (12 - 2 * k)]:
            p.need_support(need=need, actor=supporter.user)
    ctx.report.add("needs", len(filed))
    for need in filed[:3]:
        p.need_triage(need=need, actor=staff, include=True)
    p.need_triage(need=filed[3], actor=staff, include=False, reason="3栋为砖混结构，经设计单位评估不具备加装电梯条件；将协调无障碍扶手改造。")

    v1 = p.plan_version_start(project=project, actor=staff)
    p.plan_version_edit(version=v1, actor=staff, summary="第一稿：根据居民点单，优先解决屋面漏水、雨污分流和楼道照明。")
    _plan_item(v1, staff, "roof", "1栋、2栋屋面防水层翻新", "1450", "m²", "290000.00", STANDARD_SPLIT)
    _plan_item(v1, staff, "drainage", "雨污分流管网改造", "620", "m", "465000.00", {"central_subsidy": 60, "local_finance": 30, "utility": 10})
    _plan_item(v1, staff, "lighting", "楼道声控照明", "42", "盏", "25200.00", {"local_finance": 50, "residents": 50})
    p.plan_version_publish(version=v1, actor=ctx.u("street_manager"))
    p.plan_comment_add(version=v1, actor=owners[5].user, text="楼道照明请用声光控，住户自筹部分希望公示明细。")
    p.plan_comment_add(version=v1, actor=owners[6].user, text="建议把3栋的无障碍扶手也加进来。")
    v2 = p.plan_version_start(project=project, actor=staff)
    p.plan_version_edit(version=v2, actor=staff, summary="第二稿：采纳居民意见，增加3栋无障碍扶手；照明改为声光控。")
    _plan_item(v2, staff, "barrier-free", "3栋各单元楼梯无障碍扶手", "6", "单元", "36000.00", {"local_finance": 100})
    p.plan_version_publish(version=v2, actor=ctx.u("street_manager"))
    plan_vote = p.plan_vote_call(version=v2, actor=ctx.u("street_manager"))
    # a few have voted already; 13807710001 (the demo account) has not
    _ballots(ctx, plan_vote, online=[r for r in owners if r.phone in ("13807710007", "13807710009", "13807710011")], paper=6,
             clerk=staff, choices=("agree", "agree", "disagree"))
    ctx.report.add("open votes")


def _jiefang(ctx: _Ctx, estate: Estate) -> None:
    """解放路北小区: a complete petition whose willingness vote is OPEN (13807710025 can vote)."""
    starter, *rest = [Resident.objects.get(phone=f"1380771{n:04d}") for n in (26, 27, 28)]
    petition = _petition(starter, estate, rest, "解放路北小区管网老化，经常停水，外墙瓷砖脱落伤人。")
    vote = p.petition_submit(petition=petition, actor=starter.user)
    others = [r for r in _voters(estate) if r.phone in ("13807710029", "13807710030")]
    _ballots(ctx, vote, online=others, paper=1, clerk=ctx.u("jiefang_staff"))
    ctx.report.add("open votes")


def _yuanhu(ctx: _Ctx, estate: Estate) -> None:
    """园湖南路住宅区: willingness vote passed; the petition waits for 新竹街道's approver."""
    owners = _owners(ctx, estate, ["黄丽娟", "覃德明", "梁桂芳"])
    _willingness_passed(ctx, estate, owners, clerk=ctx.u("community_staff"), paper=40, days_ago=3)


def _gongdian(ctx: _Ctx, estate: Estate) -> None:
    """新竹路供电局宿舍: a willingness vote with too few owners (no quorum) closed the first petition;
    a new petition is collecting sponsors."""
    owners = _owners(ctx, estate, ["韦国强", "莫秀兰", "陆建平", "农小燕"], first_phone=WORKS_PHONES[estate.code])
    petition = _petition(owners[0], estate, owners[1:3], "供电局宿舍楼道破损，希望改造。")
    vote = p.petition_submit(petition=petition, actor=owners[0].user)
    _ballots(ctx, vote, online=owners, paper=8, clerk=ctx.u("gucheng_staff"))
    vote = _close(vote, days_ago=20)
    assert vote.result == Vote.Result.NO_QUORUM, vote.result
    ctx.report.add("closed votes")
    again = p.petition_start(resident=owners[1], estate=estate, reason="上次参与表决的业主太少。这次我们先挨家挨户讲清楚再表决。")
    p.sponsor_invite(petition=again, actor=owners[1].user, phone=owners[3].phone)


def _jixie(ctx: _Ctx, estate: Estate) -> None:
    """民生路机械厂宿舍: plan version 1 was voted down (rejected), version 2 adopted → plan_adopted."""
    owners = _owners(ctx, estate, ["蒙志刚", "唐玉梅", "谢永红"])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("jiefang_staff"), paper=40, days_ago=120)
    project = _accept_and_plan(project, ctx.u("minsheng_manager"), ctx.u("minsheng_staff"))
    staff, approver = ctx.u("jiefang_staff"), ctx.u("minsheng_manager")
    v1 = p.plan_version_start(project=project, actor=staff)
    _plan_item(v1, staff, "exterior-wall", "外墙真石漆翻新", "5200", "m²", "780000.00", {"central_subsidy": 40, "local_finance": 20, "residents": 40})
    p.plan_version_publish(version=v1, actor=approver)
    vote = p.plan_vote_call(version=v1, actor=approver)
    _ballots(ctx, vote, online=owners, paper=36, clerk=staff, choices=("agree", "disagree", "disagree"))
    vote = _close(vote, days_ago=70)
    assert vote.result == Vote.Result.REJECTED, vote.result
    ctx.report.add("closed votes")
    v2 = p.plan_version_start(project=Project.objects.get(pk=project.pk), actor=staff)
    p.plan_version_edit(version=v2, actor=staff, summary="第二稿：居民自筹比例由40%降至10%，增加维修资金和公共收益出资。")
    v2.items.all().delete()  # the rejected split is replaced
    _plan_item(v2, staff, "exterior-wall", "外墙真石漆翻新", "5200", "m²", "780000.00",
               {"central_subsidy": 40, "local_finance": 30, "maintenance_fund": 10, "public_revenue": 10, "residents": 10})
    p.plan_version_publish(version=v2, actor=approver)
    vote = p.plan_vote_call(version=v2, actor=approver)
    _ballots(ctx, vote, online=owners, paper=40, clerk=staff, choices=("agree", "agree", "agree", "agree", "abstain"))
    vote = _close(vote, days_ago=30)
    assert vote.result == Vote.Result.PASSED, vote.result
    ctx.report.add("closed votes")


def _yinshan(ctx: _Ctx, estate: Estate) -> None:
    """银杉苑: planning — needs filed and supported, version 1 of the plan published for comment."""
    owners = _owners(ctx, estate, ["钟海涛", "罗美玲", "潘建军", "黄小平"], first_phone=WORKS_PHONES[estate.code])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("yinshan_staff"), paper=55, days_ago=50)
    project = _accept_and_plan(project, ctx.u("minsheng_manager"), ctx.u("minsheng_staff"))
    staff = ctx.u("yinshan_staff")
    gas = p.need_file(project=project, actor=owners[0].user, catalog_item=_item("gas"), text="燃气管道锈蚀，闻到过气味。")
    p.need_file(project=project, actor=owners[1].user, catalog_item=_item("charging"), text="需要电动自行车集中充电棚。")
    p.need_support(need=gas, actor=owners[2].user)
    p.need_triage(need=gas, actor=staff, include=True)
    v1 = p.plan_version_start(project=project, actor=staff)
    _plan_item(v1, staff, "gas", "庭院燃气管道更换", "380", "m", "228000.00", {"central_subsidy": 50, "utility": 50})
    p.plan_version_publish(version=v1, actor=ctx.u("minsheng_manager"))
    p.plan_comment_add(version=v1, actor=owners[3].user, text="施工期间请提前通知停气时间。")
    ctx.report.add("needs", 2)


def _yinshan_bei(ctx: _Ctx, estate: Estate) -> None:
    """银杉北苑: accepted into the renovation plan; needs collection has not started."""
    owners = _owners(ctx, estate, ["甘丽萍", "黄志坚", "陈春燕"])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("yinshan_staff"), paper=28, days_ago=10)
    p.project_transition(project=project, to=S.ACCEPTED, actor=ctx.u("minsheng_manager"), note="纳入2027年度改造计划。")


# --- the works: budget, award, ledger, milestones, progress, completion acceptance ----------------------
#
# Dates: the services stamp "now", so after each step the demo lets time pass the way _close does for
# votes — the step's timeline events (and the budget's publication, the award, a progress post) are
# moved back to when they happened. Ledger entries carry their own date (and are append-only: the
# database refuses to change them), so they are recorded in date order with past dates.

IN, OUT, REV = "income", "expense", "reversal"
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


def _plan_adopted(ctx, estate, owners, *, clerk, drafter, approver, street_staff, paper, summary, items, days: tuple[int, int]):
    """Willingness vote passed `days[0]` days ago, accepted, one plan version adopted by the owners'
    vote that closed `days[1]` days ago."""
    project = _willingness_passed(ctx, estate, owners, clerk=clerk, paper=paper, days_ago=days[0])
    since = _happened(project, 0, days[0])
    ProjectEvent.objects.filter(project=project, to_status=S.PETITIONING).update(at=timezone.now() - timedelta(days=days[0] + 16))
    year = _day(days[0] - 12).year + 1
    project = p.project_transition(project=project, to=S.ACCEPTED, actor=approver, note=f"符合改造条件，纳入{year}年度改造计划。")
    project = p.project_transition(project=project, to=S.PLANNING, actor=street_staff, note="启动需求征集（点单）。")
    since = _happened(project, since, days[0] - 12)
    v1 = p.plan_version_start(project=project, actor=drafter)
    p.plan_version_edit(version=v1, actor=drafter, summary=summary)
    for row in items:
        _plan_item(v1, drafter, *row)
    p.plan_version_publish(version=v1, actor=approver)
    p.plan_comment_add(version=v1, actor=owners[1].user, text="同意方案。施工期间请提前张贴停水、停电通知，材料不要堆在消防通道上。")
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


def _budget(ctx, project: Project, *, staff: User, approver: User, days_ago: int) -> Budget:
    """Drafted from the adopted plan (its total and what each source pays, as the budget desk
    prefills them), approved and published (公示) `days_ago` days ago."""
    prefill = disclosure_selectors.budget_prefill(project, None)
    lines = {name[5:]: amount for name, amount in prefill.items() if name.startswith("fund_")}
    since = _events_since(project)
    budget = money.budget_save_draft(project=project, actor=staff, total=prefill["total"], lines=lines)
    money.budget_approve(budget=budget, actor=approver)
    budget = money.budget_publish(budget=budget, actor=approver)
    when = timezone.now() - timedelta(days=days_ago)
    Budget.objects.filter(pk=budget.pk).update(
        approved_at=when - timedelta(days=2), published_at=when,
        notice_ends_on=timezone.localdate(when) + timedelta(days=settings.BUDGET_NOTICE_DAYS),
    )
    _happened(project, since, days_ago)
    ctx.report.add("budgets")
    return budget


def _award(ctx, project: Project, *, approver: User, contractor: User, amount: str, days_ago: int) -> None:
    """The works go to `contractor`'s organization (the demo account signs in and finds them), the
    supervision to the demo supervisor's."""
    since = _events_since(project)
    p.project_award(
        project=project, actor=approver, contractor=_org_of(contractor), supervisor=_org_of(ctx.u("supervisor")),
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
        if kind == REV:
            money.ledger_reverse(entry=tagged[row[2]], actor=staff, memo=row[3], date=_day(days))
        else:
            _days, _kind, key, amount, counterparty, memo, *tag = row
            entry = money.ledger_record(
                project=project, actor=staff, date=_day(days), kind=kind, amount=Decimal(amount), counterparty=counterparty,
                source=key if kind == IN else "", plan_item=items[key] if kind == OUT else None, memo=memo,
            )
            if tag:
                tagged[tag[0]] = entry
    ctx.report.add("ledger entries", len(rows))


def _milestones(ctx, project: Project, contractor: User, rows: list[tuple]) -> None:
    """(title, type, due in days from today, status, met days ago or None, description)."""
    for title, kind, due, status, met, description in rows:
        milestone = money.milestone_add(
            project=project, actor=contractor, title=title, due_date=timezone.localdate() + timedelta(days=due), type=kind,
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
            project=project, actor=contractor, percent=percent, text=text, plan_item=items[code] if code else None, photos=files,
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(posted_at=timezone.now() - timedelta(days=days))
        _happened(project, since, days)
        ctx.report.add("progress updates")
        ctx.report.add("progress photos", photos)


SKIES = [((96, 158, 224), (196, 222, 246)), ((146, 156, 170), (214, 217, 222)), ((120, 176, 230), (232, 236, 240)),
         ((232, 164, 118), (248, 220, 182)), ((84, 140, 206), (176, 206, 238))]
FACADES = [((190, 174, 146), (238, 228, 206)), ((172, 164, 156), (226, 214, 196)), ((184, 160, 140), (232, 222, 214)),
           ((168, 170, 160), (240, 232, 214))]


def _site_photo(n: int, *, done: float) -> SimpleUploadedFile:
    """A generated photo of the works (the demo has no real ones), 800×600: sky, trees, an old
    walk-up block with its windows, the finished part of the facade fresh, the rest behind
    scaffolding and green safety netting, materials on the ground. `n` varies weather and colours."""
    rng = random.Random(n)
    width, height, horizon = 800, 600, 440
    (top, bottom), (old, new) = SKIES[n % len(SKIES)], FACADES[n % len(FACADES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _k in range(12):  # trees behind the block
        x, r = rng.randint(-20, width), rng.randint(30, 60)
        draw.ellipse([x - r, horizon - 2 * r, x + r, horizon + 10], fill=(52 + rng.randint(0, 30), 110 + rng.randint(0, 40), 60))
    draw.rectangle([0, horizon, width, height], fill=(124 + rng.randint(-10, 10), 116, 104))
    x0, x1, y0, y1, floors, columns = 80 + rng.randint(0, 40), 660 + rng.randint(0, 40), 110, 470, 6, 10
    split = x0 + round((x1 - x0) * max(0.0, min(1.0, done)))
    draw.rectangle([x0, y0, x1, y1], fill=old)
    draw.rectangle([x0, y0, split, y1], fill=new)
    for _k in range(40):  # damp stains on the old render
        sx, sy = rng.randint(split, x1), rng.randint(y0, y1)
        if sx < x1 - 8:
            draw.ellipse([sx, sy, sx + rng.randint(6, 18), sy + rng.randint(10, 30)], fill=tuple(c - 28 for c in old))
    draw.rectangle([x0 - 8, y0 - 12, x1 + 8, y0], fill=(86, 86, 92))
    storey, bay = (y1 - y0) / floors, (x1 - x0) / columns
    for f in range(floors):
        for c in range(columns):
            wx, wy = x0 + c * bay + bay * 0.22, y0 + f * storey + storey * 0.25
            draw.rectangle([wx, wy, wx + bay * 0.56, wy + storey * 0.5], fill=(62, 84, 104), outline=(230, 230, 225), width=2)
            if rng.random() < 0.25:  # an air conditioner under the window
                draw.rectangle([wx + 4, wy + storey * 0.52, wx + bay * 0.45, wy + storey * 0.68], fill=(236, 236, 232))
    for c in (2, 7):  # entrances
        draw.rectangle([x0 + c * bay + bay * 0.2, y1 - storey * 0.6, x0 + c * bay + bay * 0.8, y1], fill=(70, 60, 54))
    if done < 1:  # scaffolding and netting over the part still being worked on
        pole = (150, 150, 156)
        xs = range(max(x0 - 10, split - 16), x1 + 24, 34)
        for x in xs:
            draw.line([(x, y0 - 20), (x, y1)], fill=pole, width=3)
        for f in range(floors + 1):
            y = y0 - 10 + f * storey
            draw.line([(xs[0], y), (xs[-1], y)], fill=pole, width=3)
            if f < floors:
                draw.line([(xs[0], y), (xs[0] + 68, y + storey)], fill=pole, width=2)
        net = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ImageDraw.Draw(net).rectangle([xs[0], y0 - 20, xs[-1], y0 + storey * rng.randint(2, 5)], fill=(30, 130, 70, 110))
        image = Image.alpha_composite(image.convert("RGBA"), net).convert("RGB")
        draw = ImageDraw.Draw(image)
    for k in range(rng.randint(3, 6)):  # pipes and pallets on the ground
        px, py = rng.randint(20, width - 140), rng.randint(horizon + 60, height - 40)
        draw.rectangle([px, py, px + rng.randint(60, 130), py + rng.randint(12, 26)], fill=(200 - 20 * k, 90 + 10 * k, 50))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return SimpleUploadedFile(f"site-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _council(ctx, estate: Estate, members: list[Resident]) -> None:
    """The estate's 老友议事会, chaired by the first of `members` (who signs the acceptance)."""
    council = people.council_register(estate=estate, actor=ctx.admin)
    for k, resident in enumerate(members):
        role = CouncilMember.Role.CHAIR if k == 0 else CouncilMember.Role.MEMBER
        people.council_member_add(council=council, resident=resident, actor=ctx.admin, role=role)
    ctx.report.add("councils")
    ctx.report.add("council members", len(members))


def _liangshi(ctx: _Ctx, estate: Estate) -> None:
    """古城路粮食局宿舍: UNDER CONSTRUCTION — budget published, works awarded to the demo contractor
    (邕城建设) and supervisor, a ledger of 36 entries (two corrected by reversals), five milestones,
    nine progress posts (five photos); about 60 % done. Its council chair (13807710101), the
    supervisor and 新竹街道's approver can walk through the completion acceptance."""
    owners = _owners(ctx, estate, ["农建华", "黄秀珍", "韦德胜", "梁月娥"], first_phone=WORKS_PHONES[estate.code])
    staff, approver, clerk = ctx.u("street_staff"), ctx.u("street_manager"), ctx.u("gucheng_staff")
    _council(ctx, estate, owners[:2])
    project = _plan_adopted(
        ctx, estate, owners, clerk=clerk, drafter=clerk, approver=approver, street_staff=staff, paper=56, days=(330, 200),
        summary="屋面漏水、雨污合流和外墙脱落是居民点单最多的三项，一并改造；楼道照明由区财政和居民各出一半。",
        items=[
            ("roof", "1–3栋屋面防水层翻新（SBS改性沥青卷材）及隔热层", "1680", "m²", "352800.00",
             {"central_subsidy": 50, "local_finance": 30, "maintenance_fund": 10, "residents": 10}),
            ("drainage", "雨污分流管网改造及化粪池清掏", "540", "m", "405000.00", {"central_subsidy": 60, "local_finance": 30, "utility": 10}),
            ("exterior-wall", "外墙真石漆翻新、空调机位规整", "4600", "m²", "506000.00",
             {"central_subsidy": 40, "local_finance": 40, "public_revenue": 10, "residents": 10}),
            ("lighting", "楼道声光控LED照明", "36", "盏", "21600.00", {"local_finance": 50, "residents": 50}),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=150)
    contractor = ctx.u("contractor")
    builder = _org_of(contractor).name
    _award(ctx, project, approver=approver, contractor=contractor, amount="836000.00", days_ago=130)
    _keep_ledger(ctx, project, staff, [
        (140, IN, "central_subsidy", "373080.00", CENTRAL, "中央补助资金第一批（60%）"),
        (138, IN, "local_finance", "220270.00", QINGXIU, "区级配套资金第一批（50%）"),
        (134, IN, "residents", "34200.00", "居民自筹（第一批，24户）", "按建筑面积分摊，收据已发至各户"),
        (130, IN, "maintenance_fund", "35280.00", MAINTENANCE, "经业主表决同意动用，用于屋面防水"),
        (124, OUT, "roof", "70560.00", builder, "工程预付款（屋面部分）"),
        (124, OUT, "drainage", "81000.00", builder, "工程预付款（雨污分流部分）"),
        (124, OUT, "exterior-wall", "101200.00", builder, "工程预付款（外墙部分）"),
        (121, IN, "utility", "40500.00", WATER, "雨污分流管网配套资金"),
        (119, OUT, "roof", "86400.00", WATERPROOF, "甲供材：SBS改性沥青防水卷材 3,600 m²"),
        (116, OUT, "drainage", "96800.00", PIPES, "甲供材：HDPE双壁波纹管 DN300/DN400 及检查井"),
        (113, OUT, "drainage", "12600.00", CLEARING, "化粪池清掏及原管道CCTV检测"),
        (112, IN, "public_revenue", "50600.00", "古城路粮食局宿舍公共收益账户（停车费、广告位收入）", "业主大会决议动用公共收益"),
        (108, OUT, "roof", "18300.00", WATERPROOF, "甲供材：挤塑聚苯保温板"),
        (101, OUT, "roof", "8400.00", SCAFFOLD, "脚手架租赁（第一期）", "scaffold"),
        (100, REV, "scaffold", "科目选错：该笔为外墙脚手架租赁费，误记入屋面项目。冲销本笔，改记外墙项目。"),
        (100, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第一期），更正前一笔"),
        (90, OUT, "roof", "52000.00", builder, "屋面工程进度款（第一期）"),
        (84, OUT, "lighting", "9800.00", LAMPS, "甲供材：LED声光控灯具 36 套"),
        (78, OUT, "drainage", "64000.00", builder, "雨污分流工程进度款（第一期）"),
        (72, IN, "residents", "29650.00", "居民自筹（第二批，21户）", "按建筑面积分摊，收据已发至各户"),
        (70, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第二期）"),
        (63, OUT, "roof", "61000.00", builder, "屋面工程进度款（第二期）"),
        (60, OUT, "roof", "3600.00", TESTING, "防水卷材送检及屋面闭水试验"),
        (55, OUT, "exterior-wall", "72500.00", PAINT, "甲供材：真石漆、底漆及罩面漆"),
        (49, OUT, "drainage", "58000.00", builder, "雨污分流工程进度款（第二期）"),
        (45, IN, "local_finance", "202270.00", QINGXIU, "区级配套资金第二批（50%）", "typo"),
        (44, REV, "typo", "金额录入错误：银行回单到账220,270.00元，误录为202,270.00元。冲销本笔，按回单重新登记。"),
        (44, IN, "local_finance", "220270.00", QINGXIU, "区级配套资金第二批（50%），更正前一笔"),
        (40, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第三期）"),
        (33, IN, "residents", "17300.00", "居民自筹（第三批，12户）", "尚有11户未缴，社区继续上门沟通"),
        (30, OUT, "exterior-wall", "60000.00", builder, "外墙工程进度款（第一期）"),
        (26, OUT, "drainage", "9600.00", CLEARING, "新管道疏通及闭水试验"),
        (18, OUT, "roof", "28000.00", builder, "屋面工程进度款（第三期，屋面完工）"),
        (12, OUT, "lighting", "4200.00", builder, "楼道照明安装人工费"),
        (10, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第四期）"),
        (6, OUT, "drainage", "20000.00", builder, "雨污分流工程进度款（第三期）"),
    ])
    _milestones(ctx, project, contractor, [
        ("施工进场：围挡、公示牌、材料堆场", Milestone.Type.DELIVERY, -112, Milestone.Status.MET, 110, "材料堆场设在3栋北侧空地，不占消防通道。"),
        ("屋面防水工程完工", Milestone.Type.DELIVERY, -25, Milestone.Status.MET, 20, "1–3栋屋面，闭水试验48小时无渗漏。"),
        ("雨污分流管网完工", Milestone.Type.DELIVERY, -10, Milestone.Status.PARTIALLY_MET, 5, "主管已完成；各单元立管接驳还剩3栋。"),
        ("外墙翻新完工", Milestone.Type.DELIVERY, 40, Milestone.Status.SCHEDULED, None, "真石漆面层及空调机位规整。"),
        ("竣工验收", Milestone.Type.ASSESSMENT, 60, Milestone.Status.SCHEDULED, None, "监理、街道办、业主代表三方验收。"),
    ])
    _progress(ctx, project, contractor, [
        (110, None, 5, "施工队进场，围挡和安全文明施工公示牌已设好，施工期间每天8:00–12:00、14:30–18:00作业。", 1),
        (95, "roof", 35, "1栋屋面旧防水层铲除完毕，基层找平完成。", 1),
        (80, "drainage", 20, "2栋东侧雨水管沟开挖，已铺设DN300雨水管60米。", 0),
        (65, "roof", 80, "1栋、2栋屋面SBS卷材铺贴完成，闭水试验无渗漏。", 1),
        (50, "exterior-wall", 15, "外墙脚手架搭设完成，开始铲除空鼓墙皮，请住户关好窗户。", 1),
        (30, "drainage", 60, "雨污分流主管完成，正在接驳各单元立管。", 0),
        (20, "roof", 100, "3栋屋面完工，三栋屋面均通过监理验收。", 0),
        (8, "exterior-wall", 40, "1栋外墙真石漆底漆完成。施工期间请暂勿在窗外晾晒衣物。", 1),
        (2, "lighting", 50, "1栋、2栋楼道声光控灯具安装完成，3栋下周安装。", 0),
    ])


# 解放路纺织厂宿舍 was completed this many days ago: its survey opened SURVEY_AFTER_DAYS (30) days
# after, ran SURVEY_CLOSE_DAYS (21) and is closed, with results; its one-year follow-up
# (SURVEY_FOLLOW_UP_DAYS, 365) opened three days ago and can be answered by the estate's owners.
FANGZHI_AGO = 368


def _earlier(days: int, rows: list[tuple]) -> list[tuple]:
    """Rows whose first element is "days ago", all `days` earlier."""
    return [(row[0] + days, *row[1:]) for row in rows]


def _earlier_milestones(days: int, rows: list[tuple]) -> list[tuple]:
    return [(t, k, due - days, status, None if met is None else met + days, d) for t, k, due, status, met, d in rows]


def _fangzhi(ctx: _Ctx, estate: Estate) -> None:
    """解放路纺织厂宿舍: COMPLETED — the works by 绿城建筑 (contractor2), a ledger of 33 entries (one
    reversal), every milestone met, progress to 100 %, and the acceptance signed by the supervisor,
    民生街道's approver and the chair of the estate's 老友议事会 (13807710111) FANGZHI_AGO days ago —
    long enough for its satisfaction survey to have run and closed (portal/demo/feedback.py)."""
    ago = FANGZHI_AGO
    owners = _owners(ctx, estate, ["陆振邦", "覃桂兰", "蒙国华", "李淑芬", "周家明"], first_phone=WORKS_PHONES[estate.code])
    staff, approver, clerk = ctx.u("minsheng_staff"), ctx.u("minsheng_manager"), ctx.u("jiefang_staff")
    _council(ctx, estate, owners[:3])
    project = _plan_adopted(
        ctx, estate, owners, clerk=clerk, drafter=clerk, approver=approver, street_staff=staff, paper=34, days=(420 + ago, 300 + ago),
        summary="供水管道锈蚀、屋面漏水和楼道破旧三项一并改造；原产权单位南宁纺织集团捐资用于屋面。",
        items=[
            ("water-supply", "供水管道更换、一户一表改造", "44", "户", "198000.00", {"central_subsidy": 50, "local_finance": 30, "utility": 20}),
            ("roof", "1–2栋屋面防水翻新", "820", "m²", "164000.00",
             {"central_subsidy": 50, "local_finance": 30, "residents": 10, "donation": 10}),
            ("stairwell", "楼道墙面粉刷、扶手及窗户更换", "4", "单元", "88000.00", {"local_finance": 60, "residents": 40}),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=250 + ago)
    contractor = ctx.u("contractor2")
    builder = _org_of(contractor).name
    _award(ctx, project, approver=approver, contractor=contractor, amount="296000.00", days_ago=228 + ago)
    _keep_ledger(ctx, project, staff, _earlier(ago, [
        (240, IN, "central_subsidy", "108600.00", CENTRAL, "中央补助资金第一批（60%）"),
        (236, IN, "local_finance", "80700.00", XINGNING, "区级配套资金第一批（50%）"),
        (232, IN, "utility", "39600.00", "南宁市水务集团（一户一表改造配套资金）", "供水管网配套资金"),
        (226, IN, "residents", "22800.00", "居民自筹（第一批，20户）", "按建筑面积分摊，收据已发至各户"),
        (220, IN, "donation", "16400.00", "南宁纺织集团有限公司（原产权单位捐资）", "定向用于屋面防水"),
        (215, OUT, "water-supply", "37600.00", builder, "工程预付款（供水部分）"),
        (215, OUT, "roof", "31200.00", builder, "工程预付款（屋面部分）"),
        (215, OUT, "stairwell", "16700.00", builder, "工程预付款（楼道部分）"),
        (205, OUT, "water-supply", "42300.00", PIPES, "甲供材：PPR给水管及管件"),
        (200, OUT, "water-supply", "26400.00", "南宁市宁水计量设备有限公司", "甲供材：远传水表 44 只"),
        (190, OUT, "roof", "38500.00", WATERPROOF, "甲供材：SBS改性沥青防水卷材"),
        (180, IN, "residents", "19400.00", "居民自筹（第二批，17户）", "按建筑面积分摊，收据已发至各户"),
        (180, OUT, "water-supply", "30000.00", builder, "供水工程进度款（第一期）"),
        (172, OUT, "stairwell", "14800.00", PAINT, "甲供材：楼道内墙乳胶漆"),
        (165, OUT, "roof", "24000.00", builder, "屋面工程进度款（第一期）"),
        (158, OUT, "stairwell", "21600.00", "南宁市鑫盛门窗有限公司", "甲供材：楼道塑钢窗 24 樘", "windows"),
        (157, REV, "windows", "金额录入错误：发票金额为12,600.00元，误录为21,600.00元。冲销本笔，按发票重新登记。"),
        (157, OUT, "stairwell", "12600.00", "南宁市鑫盛门窗有限公司", "甲供材：楼道塑钢窗 24 樘，更正前一笔"),
        (150, OUT, "water-supply", "3200.00", TESTING, "给水管道压力试验及水质检测"),
        (140, OUT, "water-supply", "28000.00", builder, "供水工程进度款（第二期，新管切换通水）"),
        (130, OUT, "roof", "26000.00", builder, "屋面工程进度款（第二期）"),
        (120, IN, "local_finance", "80700.00", XINGNING, "区级配套资金第二批（50%）"),
        (118, OUT, "stairwell", "9600.00", "广西盛达五金制品有限公司", "甲供材：楼梯不锈钢扶手"),
        (110, OUT, "stairwell", "16000.00", builder, "楼道工程进度款（第一期）"),
        (100, OUT, "roof", "2400.00", TESTING, "屋面闭水试验"),
        (95, IN, "residents", "9400.00", "居民自筹（第三批，7户，已全部收齐）", "44户自筹款全部到位"),
        (90, OUT, "roof", "22000.00", builder, "屋面工程进度款（第三期，屋面完工）"),
        (75, OUT, "water-supply", "16000.00", builder, "供水工程进度款（第三期）"),
        (60, IN, "central_subsidy", "72400.00", CENTRAL, "中央补助资金第二批（40%）"),
        (60, OUT, "stairwell", "10400.00", builder, "楼道工程进度款（第二期）"),
        (30, OUT, "stairwell", "6000.00", builder, "楼道工程进度款（第三期，楼道完工）"),
        (12, OUT, "water-supply", "5400.00", CLEARING, "旧管道拆除及建筑垃圾清运"),
        (8, OUT, "roof", "4800.00", CLEARING, "屋面旧防水层垃圾清运；施工合同余款待结算审计后支付"),
    ]))
    _milestones(ctx, project, contractor, _earlier_milestones(ago, [
        ("施工进场", Milestone.Type.DELIVERY, -200, Milestone.Status.MET, 198, "围挡、停水通知和施工公示牌。"),
        ("新旧给水管切换通水", Milestone.Type.DELIVERY, -135, Milestone.Status.MET, 138, "两栋切换各停水半天，已提前三天通知。"),
        ("屋面防水完工", Milestone.Type.DELIVERY, -95, Milestone.Status.MET, 92, ""),
        ("楼道修缮完工", Milestone.Type.DELIVERY, -40, Milestone.Status.MET, 35, ""),
        ("竣工验收", Milestone.Type.ASSESSMENT, -3, Milestone.Status.MET, 0, "监理、街道办、老友议事会三方签字。"),
    ]))
    _progress(ctx, project, contractor, _earlier(ago, [
        (198, None, 3, "施工队进场，搭设围挡，张贴施工公告和停水通知。", 1),
        (170, "water-supply", 40, "1栋新给水立管安装完成，旧管暂时保留供水。", 0),
        (150, "roof", 50, "2栋屋面旧防水层铲除，基层修补完成。", 1),
        (138, "water-supply", 80, "两栋新管切换通水完成，水质检测合格。", 0),
        (120, "stairwell", 30, "楼道墙面铲灰、修补裂缝。", 0),
        (92, "roof", 100, "屋面防水完工，闭水试验48小时无渗漏。", 1),
        (70, "water-supply", 100, "一户一表安装完成，44户远传水表均已调试。", 0),
        (35, "stairwell", 100, "楼道粉刷、扶手和窗户更换全部完成。", 0),
        (10, None, 100, "全部工程完工，建筑垃圾已清运，申请竣工验收。", 0),
    ]))
    chair = User.objects.get(pk=owners[0].user_id)  # fresh: permission caches live on the user object
    for role, signer, opinion in [
        ("supervisor", ctx.u("supervisor"), "各分项工程经监理验收合格，施工资料齐全，同意竣工验收。"),
        ("street", approver, "经现场核查，工程内容与公示方案一致，同意竣工验收。"),
        ("council", chair, "业主代表参加了验收：屋面、楼道和水表逐户核对，同意验收。请施工单位在保修期内及时处理报修。"),
    ]:
        since = _events_since(project)
        p.acceptance_sign(project=project, role=role, actor=signer, opinion=opinion)
        _happened(project, since, ago)
    AcceptanceSignature.objects.filter(project=project).update(signed_at=timezone.now() - timedelta(days=ago))
    Project.objects.filter(pk=project.pk).update(completed_on=_day(ago))
    ctx.report.add("acceptance signatures", 3)


def _youdian(ctx: _Ctx, estate: Estate) -> None:
    """桃源路邮电宿舍: CONTRACTED — budget published, works awarded to the demo contractor, the first
    funds in and two milestones planned; no progress yet (the contractor's first post starts the works)."""
    owners = _owners(ctx, estate, ["谭志勇", "苏丽萍", "邓国栋"], first_phone=WORKS_PHONES[estate.code])
    staff, approver, clerk = ctx.u("street_staff"), ctx.u("street_manager"), ctx.u("community_staff")
    project = _plan_adopted(
        ctx, estate, owners, clerk=clerk, drafter=clerk, approver=approver, street_staff=staff, paper=52, days=(160, 70),
        summary="道路修缮、消防设施和电动自行车充电棚；充电棚由运营企业投资、居民分摊。",
        items=[
            ("roads", "小区主干道及宅间路面修缮", "2400", "m²", "180000.00", {"central_subsidy": 50, "local_finance": 40, "residents": 10}),
            ("fire-safety", "楼道灭火器箱、应急照明和疏散指示", "13", "单元", "72000.00", {"local_finance": 100}),
            ("charging", "电动自行车集中充电棚（60个充电口）", "2", "座", "96000.00", {"social_capital": 60, "residents": 40}),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=40)
    contractor = ctx.u("contractor")
    _award(ctx, project, approver=approver, contractor=contractor, amount="318000.00", days_ago=12)
    _keep_ledger(ctx, project, staff, [
        (20, IN, "central_subsidy", "54000.00", CENTRAL, "中央补助资金第一批（60%）"),
        (15, IN, "local_finance", "72000.00", QINGXIU, "区级配套资金第一批（50%）"),
        (9, IN, "social_capital", "57600.00", "南宁市绿能充电科技有限公司", "充电棚建设投资（按协议运营8年）"),
    ])
    _milestones(ctx, project, contractor, [
        ("施工进场", Milestone.Type.DELIVERY, 7, Milestone.Status.SCHEDULED, None, "先施工充电棚，道路分段封闭。"),
        ("道路及充电棚完工", Milestone.Type.DELIVERY, 75, Milestone.Status.SCHEDULED, None, ""),
    ])


def _works_accounts(report) -> None:
    """The residents whose accounts play the journeys README lists (their numbers are fixed blocks)."""
    for code, k, what in [
        ("xinzhu-gongdian", 1, "resident: started 新竹路供电局宿舍's new petition; invites sponsors (13807710141 is a Party member), then opens the willingness vote"),
        ("xinzhu-gongdian", 3, "resident: invited to sponsor 新竹路供电局宿舍's petition; signs or declines it"),
        ("yinshan-yuan", 2, "resident: verified owner in 银杉苑 (planning): files and supports needs, comments on plan v1"),
        ("gucheng-liangshi", 0, "resident: council chair of 古城路粮食局宿舍 (under construction): ledger, progress, own share on the budget page, complaints; signs the acceptance when done"),
        ("jiefang-fangzhi", 0, "resident: council chair of 解放路纺织厂宿舍; signed its acceptance; answers its open one-year follow-up survey on the home page"),
    ]:
        phone = f"1380771{WORKS_PHONES[code] + k:04d}"
        if Resident.objects.filter(phone=phone).exists():
            report.accounts.append((phone, DEMO_PASSWORD, what))


STAGES = [
    ("taoyuan-xq", _taoyuan),
    ("jiefang-bei", _jiefang),
    ("yuanhu-nan", _yuanhu),
    ("xinzhu-gongdian", _gongdian),
    ("minsheng-jixie", _jixie),
    ("yinshan-yuan", _yinshan),
    ("yinshan-bei", _yinshan_bei),
    ("gucheng-liangshi", _liangshi),
    ("jiefang-fangzhi", _fangzhi),
    ("taoyuan-youdian", _youdian),
]


def seed_projects(report, *, admin: User) -> None:
    ctx = _Ctx(report, admin)
    estates = {e.code: e for e in Estate.objects.filter(code__in=[code for code, _ in STAGES])}
    for code, stage in STAGES:
        if code in estates and not Project.objects.filter(estate=estates[code]).exists():
            with transaction.atomic():
                stage(ctx, estates[code])
            report.add("projects", Project.objects.filter(estate=estates[code]).count())
    _works_accounts(report)
