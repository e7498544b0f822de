"""Demo projects in every stage up to plan_adopted (DESIGN §3), made through the real services —
petitions, sponsors, owners' votes (online and paper), needs, plan rounds — so what a newcomer
sees after `make run` is exactly what the portal produces. Idempotent: an estate that already has
a project is left alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from projects import services as p
from projects.models import CatalogItem, Project, Vote
from stakeholders import services as people
from stakeholders.models import Estate, Household, Resident, User

S = Project.Status
FIRST_EXTRA_PHONE = 37  # 13807710037…: owners of the estates the resident seed does not cover


class _Ctx:
    def __init__(self, report, admin: User):
        self.report, self.admin = report, admin
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "street_manager", "street_staff", "community_staff", "gucheng_staff", "minsheng_manager",
            "minsheng_staff", "jiefang_staff", "yinshan_staff",
        ])}
        self.next_phone = FIRST_EXTRA_PHONE + Resident.objects.filter(phone__gte="13807710037", phone__lt="13807719999").count()

    def u(self, username: str) -> User:
        return self.users[username]


def _owners(ctx: _Ctx, estate: Estate, names: list[str]) -> list[Resident]:
    """New verified voting owners of the estate's first households; the first is a Party member."""
    from .demo import _proof_file, _resident

    homes = list(
        Household.objects.filter(building__estate=estate, ownerships__isnull=True).order_by("building__number", "unit", "floor", "room")[: len(names)]
    )
    owners = []
    for k, (name, home) in enumerate(zip(names, homes)):
        resident, _created = _resident(f"1380771{ctx.next_phone:04d}", name, party=k == 0)
        ctx.next_phone += 1
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
    from .demo import _proof_file

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
    owners = _owners(ctx, estate, ["韦国强", "莫秀兰", "陆建平", "农小燕"])
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
    owners = _owners(ctx, estate, ["钟海涛", "罗美玲", "潘建军", "黄小平"])
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


STAGES = [
    ("taoyuan-xq", _taoyuan),
    ("jiefang-bei", _jiefang),
    ("yuanhu-nan", _yuanhu),
    ("xinzhu-gongdian", _gongdian),
    ("minsheng-jixie", _jixie),
    ("yinshan-yuan", _yinshan),
    ("yinshan-bei", _yinshan_bei),
]


def seed_projects(report, *, admin: User) -> None:
    ctx = _Ctx(report, admin)
    estates = {e.code: e for e in Estate.objects.filter(code__in=[code for code, _ in STAGES])}
    for code, stage in STAGES:
        if code in estates and not Project.objects.filter(estate=estates[code]).exists():
            with transaction.atomic():
                stage(ctx, estates[code])
            report.add("projects", Project.objects.filter(estate=estates[code]).count())
