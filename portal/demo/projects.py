"""Demo projects in every stage (architecture §3), made through the real services — petitions, sponsors,
owners' votes (online and paper), needs, plan rounds, then budgets, awards, the hash-chained ledger,
milestones, progress with photos and the completion acceptance — so what a newcomer sees after
`make run` is exactly what the portal produces. Idempotent: an estate that already has a project
is left alone (the ledger is append-only, so nothing is ever redone)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from projects import services as p
from projects.models import AnnualPlan, Hearing, Project, Vote
from stakeholders import councils
from stakeholders.models import (
    Council,
    CouncilElection,
    CouncilMeeting,
    CouncilMember,
    Estate,
    Organization,
    Ownership,
    Resident,
    User,
)

from . import approvals
from .built import _liangshi, _youdian
from .common import DEMO_PASSWORD, _proof_file, elect_council
from .completed import _fangzhi
from .deliberation import accounts as deliberation_accounts
from .deliberation import desk_sign_ins, proxy_paper_ballot, site_plan_and_needs
from .elevator import seed_elevator
from .steps import (
    STANDARD_SPLIT,
    WORKS_PHONES,
    S,
    _accept_and_plan,
    _ballots,
    _close,
    _Ctx,
    _item,
    _owners,
    _petition,
    _plan_item,
    _ready_for_vote,
    _voters,
    _willingness_passed,
)
from .texts import WORKS_ACCOUNTS, bureau_texts

# --- the stages ---------------------------------------------------------------------------------------


def _taoyuan(ctx: _Ctx, estate: Estate) -> None:
    """桃源小区: the whole path — willingness vote passed, accepted, needs, plan v1 and v2 with
    comments, and the final plan vote OPEN (demo residents 13807710001… can still cast)."""
    owners = _voters(estate)
    starter = Resident.objects.get(phone="13807710001")
    sponsors = [Resident.objects.get(phone=ph) for ph in ("13807710003", "13807710005")]
    petition = _petition(
        starter, estate, sponsors, "桃源小区建于1988年，外墙脱落、屋面漏水、雨污合流，楼道夜间无照明。"
    )
    vote = p.petition_submit(petition=petition, actor=starter.user)
    _ballots(
        ctx,
        vote,
        online=owners,
        paper=48,
        clerk=ctx.u("community_staff"),
        choices=("agree", "agree", "agree", "abstain", "agree", "disagree"),
    )
    vote = _close(vote, days_ago=60)
    assert vote.result == Vote.Result.PASSED, vote.result
    ctx.report.add("closed votes")
    project = _accept_and_plan(
        Project.objects.get(pk=petition.project_id), ctx.u("street_manager"), ctx.u("street_staff")
    )

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
    p.need_triage(
        need=filed[3],
        actor=staff,
        include=False,
        reason="3栋为砖混结构，经设计单位评估不具备加装电梯条件；将协调无障碍扶手改造。",
    )

    v1 = p.plan_version_start(project=project, actor=staff)
    p.plan_version_edit(version=v1, actor=staff, summary="第一稿：根据居民点单，优先解决屋面漏水、雨污分流和楼道照明。")
    _plan_item(v1, staff, "roof", "1栋、2栋屋面防水层翻新", "1450", "m²", "290000.00", STANDARD_SPLIT)
    _plan_item(
        v1,
        staff,
        "drainage",
        "雨污分流管网改造",
        "620",
        "m",
        "465000.00",
        {"central_subsidy": 60, "local_finance": 30, "utility": 10},
    )
    _plan_item(v1, staff, "lighting", "楼道声控照明", "42", "盏", "25200.00", {"local_finance": 50, "residents": 50})
    p.plan_version_publish(version=v1, actor=ctx.u("street_manager"))
    p.plan_comment_add(version=v1, actor=owners[5].user, text="楼道照明请用声光控，住户自筹部分希望公示明细。")
    p.plan_comment_add(version=v1, actor=owners[6].user, text="建议把3栋的无障碍扶手也加进来。")
    _hearing_on(ctx, v1, staff)
    _designer_on(ctx, v1)
    v2 = p.plan_version_start(project=project, actor=staff)
    p.plan_version_edit(version=v2, actor=staff, summary="第二稿：采纳居民意见，增加3栋无障碍扶手；照明改为声光控。")
    _plan_item(v2, staff, "barrier-free", "3栋各单元楼梯无障碍扶手", "6", "单元", "36000.00", {"local_finance": 100})
    p.plan_version_publish(version=v2, actor=ctx.u("street_manager"))
    _ready_for_vote(
        v2,
        staff,
        [
            ("partly", "照明改为声光控；住户自筹部分的明细在预算公示时逐项公开，现在先列出总额。"),
            ("adopted", "第二稿增加3栋各单元楼梯无障碍扶手，由地方财政出资。"),
        ],
    )
    plan_vote = p.plan_vote_call(version=v2, actor=ctx.u("street_manager"))
    # a few have voted already; 13807710001 (the demo account) has not
    _ballots(
        ctx,
        plan_vote,
        online=[r for r in owners if r.phone in ("13807710007", "13807710009", "13807710011")],
        paper=6,
        clerk=staff,
        choices=("agree", "agree", "disagree"),
    )
    proxy_paper_ballot(ctx.report, plan_vote, staff)
    ctx.report.add("open votes")
    seed_elevator(ctx, estate)


def _designer_on(ctx: _Ctx, version) -> None:
    """The street office puts the demo designer at the table; it attaches the site plan to v1."""
    designer = User.objects.get(username="designer")
    org = Organization.objects.get(name="八桂城市规划设计院")
    p.plan_designer_assign(project=version.project, actor=ctx.u("street_manager"), organization=org)
    p.plan_drawing_add(
        version=version,
        actor=designer,
        title="改造范围总平面图",
        explanation="红线内为屋面防水和雨污分流的范围；虚线为新建雨水管。",
        file=_proof_file("总平面图.png"),
    )
    ctx.report.add("plan drawings")


def _hearing_on(ctx: _Ctx, version, staff: User) -> None:
    """A hearing on the first version, held ten days ago, recorded with the positions heard."""
    hearing = p.hearing_schedule(
        project=version.project,
        actor=staff,
        kind=Hearing.Kind.HEARING,
        subject=Hearing.Subject.PLAN,
        plan_version=version,
        held_at=timezone.now() + timedelta(hours=1),
        place="桃源小区居民活动室",
        agenda="改造方案第一稿：屋面防水、雨污分流和楼道照明的范围与居民自筹",
    )
    desk_sign_ins(hearing, staff, 6)
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now() - timedelta(days=10))
    hearing.refresh_from_db()
    p.hearing_record(
        hearing=hearing,
        actor=staff,
        paper_signins=38,
        minutes="社区主持，街道办城建科说明方案第一稿和资金构成，12位居民发言。",
        positions="赞成：先做屋面防水和雨污分流（多数）。\n意见：楼道照明用声光控；3栋老人多，希望加装扶手。\n"
        "反对：住户自筹部分没有明细前不同意。",
    )
    ctx.report.add("hearings recorded")


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
    again = p.petition_start(
        resident=owners[1], estate=estate, reason="上次参与表决的业主太少。这次我们先挨家挨户讲清楚再表决。"
    )
    p.sponsor_invite(petition=again, actor=owners[1].user, phone=owners[3].phone)


def _jixie(ctx: _Ctx, estate: Estate) -> None:
    """民生路机械厂宿舍: plan version 1 was voted down (rejected), version 2 adopted → plan_adopted."""
    owners = _owners(ctx, estate, ["蒙志刚", "唐玉梅", "谢永红"])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("jiefang_staff"), paper=40, days_ago=120)
    project = _accept_and_plan(project, ctx.u("minsheng_manager"), ctx.u("minsheng_staff"))
    staff, approver = ctx.u("jiefang_staff"), ctx.u("minsheng_manager")
    v1 = p.plan_version_start(project=project, actor=staff)
    _plan_item(
        v1,
        staff,
        "exterior-wall",
        "外墙真石漆翻新",
        "5200",
        "m²",
        "780000.00",
        {"central_subsidy": 40, "local_finance": 20, "residents": 40},
    )
    p.plan_version_publish(version=v1, actor=approver)
    _ready_for_vote(v1, staff)
    vote = p.plan_vote_call(version=v1, actor=approver)
    _ballots(ctx, vote, online=owners, paper=36, clerk=staff, choices=("agree", "disagree", "disagree"))
    vote = _close(vote, days_ago=70)
    assert vote.result == Vote.Result.REJECTED, vote.result
    ctx.report.add("closed votes")
    v2 = p.plan_version_start(project=Project.objects.get(pk=project.pk), actor=staff)
    p.plan_version_edit(
        version=v2, actor=staff, summary="第二稿：居民自筹比例由40%降至10%，增加维修资金和公共收益出资。"
    )
    v2.items.all().delete()  # the rejected split is replaced
    _plan_item(
        v2,
        staff,
        "exterior-wall",
        "外墙真石漆翻新",
        "5200",
        "m²",
        "780000.00",
        {"central_subsidy": 40, "local_finance": 30, "maintenance_fund": 10, "public_revenue": 10, "residents": 10},
    )
    p.plan_version_publish(version=v2, actor=approver)
    _ready_for_vote(v2, staff)
    vote = p.plan_vote_call(version=v2, actor=approver)
    _ballots(ctx, vote, online=owners, paper=40, clerk=staff, choices=("agree", "agree", "agree", "agree", "abstain"))
    vote = _close(vote, days_ago=30)
    assert vote.result == Vote.Result.PASSED, vote.result
    ctx.report.add("closed votes")
    # 并联审批 (issue 22): submitted 25 days ago; planning approved, finance returned it once and
    # has the resubmission before it.
    approvals.run(
        ctx,
        Project.objects.get(pk=project.pk),
        approver,  # the street office submits
        days_ago=25,
        returned="财政补助资金预算评审",
        pending="财政补助资金预算评审#2",
    )
    approvals.draft_waiting_for_gas(Project.objects.get(pk=project.pk), approver)


def _yinshan(ctx: _Ctx, estate: Estate) -> None:
    """银杉苑: planning — needs filed and supported, version 1 of the plan published for comment."""
    owners = _owners(ctx, estate, ["钟海涛", "罗美玲", "潘建军", "黄小平"], first_phone=WORKS_PHONES[estate.code])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("yinshan_staff"), paper=55, days_ago=50)
    project = _accept_and_plan(project, ctx.u("minsheng_manager"), ctx.u("minsheng_staff"))
    staff = ctx.u("yinshan_staff")
    gas = p.need_file(
        project=project, actor=owners[0].user, catalog_item=_item("gas"), text="燃气管道锈蚀，闻到过气味。"
    )
    p.need_file(
        project=project, actor=owners[1].user, catalog_item=_item("charging"), text="需要电动自行车集中充电棚。"
    )
    p.need_support(need=gas, actor=owners[2].user)
    p.need_triage(need=gas, actor=staff, include=True)
    v1 = p.plan_version_start(project=project, actor=staff)
    _plan_item(v1, staff, "gas", "庭院燃气管道更换", "380", "m", "228000.00", {"central_subsidy": 50, "utility": 50})
    p.plan_version_publish(version=v1, actor=ctx.u("minsheng_manager"))
    p.plan_comment_add(version=v1, actor=owners[3].user, text="施工期间请提前通知停气时间。")
    site_plan_and_needs(project, staff)
    ctx.report.add("needs", 3)


def _yinshan_bei(ctx: _Ctx, estate: Estate) -> None:
    """银杉北苑: accepted into the renovation plan; needs collection has not started."""
    owners = _owners(ctx, estate, ["甘丽萍", "黄志坚", "陈春燕"])
    project = _willingness_passed(ctx, estate, owners, clerk=ctx.u("yinshan_staff"), paper=28, days_ago=10)
    p.project_transition(project=project, to=S.ACCEPTED, actor=ctx.u("minsheng_manager"), note="纳入2027年度改造计划。")


def _works_accounts(report) -> None:
    """The residents whose accounts play the journeys README lists (their numbers are fixed blocks)."""
    for code, k, what in WORKS_ACCOUNTS:
        phone = f"1380771{WORKS_PHONES[code] + k:04d}"
        if Resident.objects.filter(phone=phone).exists():
            report.accounts.append((phone, DEMO_PASSWORD, what))
    deliberation_accounts(report, DEMO_PASSWORD)


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
    councils_before, seats_before = Council.objects.count(), CouncilMember.objects.count()
    estates = {e.code: e for e in Estate.objects.filter(code__in=[code for code, _ in STAGES])}
    for code, stage in STAGES:
        if code in estates and not Project.objects.filter(estate=estates[code]).exists():
            with transaction.atomic():
                stage(ctx, estates[code])
            report.add("projects", Project.objects.filter(estate=estates[code]).count())
    _councils(ctx)
    if not AnnualPlan.objects.exists():
        approvals.seed_annual_plan(ctx)
        approvals.seed_evaluation(User.objects.get(username="bureau"))
    bureau_texts(ctx.report, bureau=User.objects.get(username="bureau"))
    # Councils elected along the way (before each estate's first petition, and in _councils).
    report.add("councils", Council.objects.count() - councils_before)
    report.add("council members", CouncilMember.objects.count() - seats_before)
    _works_accounts(report)


def _councils(ctx: _Ctx) -> None:
    """先自治、后改造: every estate with a project has a filed council (its first verified owners);
    one more estate's election waits for the street office; the council of the estate whose
    renovation is done has become its owners' committee."""
    with_projects = Estate.objects.filter(projects__isnull=False).distinct().order_by("code")
    for estate in with_projects:
        if not Council.objects.filter(estate=estate, filed_on__isnull=False).exists():
            owners = _first_owners(estate, 3)
            if owners:
                elect_council(estate, owners, actor=ctx.admin)
    # 桃源小区's council meets in the open: last month's minutes, and the next meeting announced.
    if taoyuan_council := Council.objects.filter(estate__code="taoyuan-xq", filed_on__isnull=False).first():
        if not taoyuan_council.meetings.exists():
            chair = taoyuan_council.seats_active().get(role=CouncilMember.Role.CHAIR).resident.user
            past = councils.council_meeting_schedule(
                council=taoyuan_council,
                actor=chair,
                held_at=timezone.now() + timedelta(days=1),
                place="桃源小区居民活动室",
                agenda="征集各楼栋对改造方案的意见；讨论屋面防水和楼道照明的先后顺序",
            )
            CouncilMeeting.objects.filter(pk=past.pk).update(held_at=timezone.now() - timedelta(days=28))
            past.refresh_from_db()
            councils.council_meeting_record(
                meeting=past,
                actor=chair,
                attendance=31,
                minutes="五位代表和26位居民到会。各楼栋代表汇报了意见：3栋顶层漏水最严重，1栋楼道无照明。",
                decisions="建议方案先做屋面防水，再做楼道照明；由议事会向社区提交意见汇总。",
                attachments=[_proof_file("议事会签到表.png")],
            )
            councils.council_meeting_schedule(
                council=taoyuan_council,
                actor=chair,
                held_at=timezone.now() + timedelta(days=6),
                place="桃源小区居民活动室",
                agenda="通报改造方案第二稿的修改情况；讨论施工期间的停车安排",
            )
            ctx.report.add("council meetings", 2)
    # 桃源小区: a representative resigned; the by-election for the seat waits for the street office.
    taoyuan = Council.objects.filter(estate__code="taoyuan-xq", filed_on__isnull=False).first()
    if taoyuan is not None and not taoyuan.elections.filter(kind=CouncilElection.Kind.BY_ELECTION).exists():
        leaving = taoyuan.seats_active().filter(role=CouncilMember.Role.MEMBER).order_by("-id").first()
        sitting = set(taoyuan.seats_active().values_list("resident_id", flat=True))
        newcomer = next((o for o in _first_owners(taoyuan.estate, 20) if o.pk not in sitting), None)
        if leaving is not None and newcomer is not None:
            councils.council_seat_end(seat=leaving, actor=ctx.admin)
            turnout = councils.electorate_of(taoyuan.estate)
            councils.council_election_record(
                estate=taoyuan.estate,
                actor=ctx.admin,
                kind=CouncilElection.Kind.BY_ELECTION,
                held_on=timezone.localdate() - timedelta(days=3),
                place="桃源小区居民活动室",
                turnout=turnout,
                term_ends=taoyuan.term_ends or timezone.localdate() + timedelta(days=365),
                tally_scan=_proof_file("补选计票单.png"),
                candidates=[councils.Candidate(resident=newcomer, votes=turnout, elected=True)],
            )
            ctx.report.add("council elections waiting to be filed")
    done = (
        Council.objects.filter(
            estate__projects__status=Project.Status.MAINTAINED, filed_on__isnull=False, converted_on__isnull=True
        ).first()
        or Council.objects.filter(
            estate__projects__status=Project.Status.COMPLETED, filed_on__isnull=False, converted_on__isnull=True
        ).first()
    )
    if done is not None:
        councils.council_convert(
            council=done, actor=ctx.admin, on=timezone.localdate() - timedelta(days=10), reference="青秀业备〔2026〕3号"
        )
        ctx.report.add("councils converted into owners' committees")


def _first_owners(estate: Estate, n: int) -> list[Resident]:
    seen, owners = set(), []
    for ownership in (
        Ownership.objects.verified()
        .filter(household__building__estate=estate)
        .select_related("resident")
        .order_by("-is_voting_owner", "id")
    ):
        if ownership.resident_id not in seen:
            seen.add(ownership.resident_id)
            owners.append(ownership.resident)
    return owners[:n]
