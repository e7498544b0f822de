"""The demo's works (architecture §3): budget, award, the hash-chained ledger, milestones, progress
with generated site photos and the completion acceptance, for the estates under way or done."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from disclosure import selectors as disclosure_selectors
from disclosure import services as money
from disclosure.models import Budget, Milestone, ProgressUpdate
from projects import services as p
from projects.models import AcceptanceSignature, Award, PlanItem, PlanVersion, Project, ProjectEvent, Vote
from stakeholders import services as stakeholder_services
from stakeholders.models import CouncilMember, Estate, Membership, Resident, User

from .steps import (
    WORKS_PHONES,
    S,
    _ballots,
    _close,
    _Ctx,
    _owners,
    _plan_item,
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
        approved_at=when - timedelta(days=2),
        published_at=when,
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
        project=project,
        actor=approver,
        contractor=_org_of(contractor),
        supervisor=_org_of(ctx.u("supervisor")),
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


def _council(ctx, estate: Estate, members: list[Resident]) -> None:
    """The estate's 老友议事会, chaired by the first of `members` (who signs the acceptance)."""
    council = stakeholder_services.council_register(estate=estate, actor=ctx.admin)
    for k, resident in enumerate(members):
        role = CouncilMember.Role.CHAIR if k == 0 else CouncilMember.Role.MEMBER
        stakeholder_services.council_member_add(council=council, resident=resident, actor=ctx.admin, role=role)
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
        ctx,
        estate,
        owners,
        clerk=clerk,
        drafter=clerk,
        approver=approver,
        street_staff=staff,
        paper=56,
        days=(330, 200),
        summary="屋面漏水、雨污合流和外墙脱落是居民点单最多的三项，一并改造；楼道照明由区财政和居民各出一半。",
        items=[
            (
                "roof",
                "1–3栋屋面防水层翻新（SBS改性沥青卷材）及隔热层",
                "1680",
                "m²",
                "352800.00",
                {"central_subsidy": 50, "local_finance": 30, "maintenance_fund": 10, "residents": 10},
            ),
            (
                "drainage",
                "雨污分流管网改造及化粪池清掏",
                "540",
                "m",
                "405000.00",
                {"central_subsidy": 60, "local_finance": 30, "utility": 10},
            ),
            (
                "exterior-wall",
                "外墙真石漆翻新、空调机位规整",
                "4600",
                "m²",
                "506000.00",
                {"central_subsidy": 40, "local_finance": 40, "public_revenue": 10, "residents": 10},
            ),
            ("lighting", "楼道声光控LED照明", "36", "盏", "21600.00", {"local_finance": 50, "residents": 50}),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=150)
    contractor = ctx.u("contractor")
    builder = _org_of(contractor).name
    _award(ctx, project, approver=approver, contractor=contractor, amount="836000.00", days_ago=130)
    _keep_ledger(
        ctx,
        project,
        staff,
        [
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
            (
                112,
                IN,
                "public_revenue",
                "50600.00",
                "古城路粮食局宿舍公共收益账户（停车费、广告位收入）",
                "业主大会决议动用公共收益",
            ),
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
        ],
    )
    _milestones(
        ctx,
        project,
        contractor,
        [
            (
                "施工进场：围挡、公示牌、材料堆场",
                Milestone.Type.DELIVERY,
                -112,
                Milestone.Status.MET,
                110,
                "材料堆场设在3栋北侧空地，不占消防通道。",
            ),
            (
                "屋面防水工程完工",
                Milestone.Type.DELIVERY,
                -25,
                Milestone.Status.MET,
                20,
                "1–3栋屋面，闭水试验48小时无渗漏。",
            ),
            (
                "雨污分流管网完工",
                Milestone.Type.DELIVERY,
                -10,
                Milestone.Status.PARTIALLY_MET,
                5,
                "主管已完成；各单元立管接驳还剩3栋。",
            ),
            (
                "外墙翻新完工",
                Milestone.Type.DELIVERY,
                40,
                Milestone.Status.SCHEDULED,
                None,
                "真石漆面层及空调机位规整。",
            ),
            (
                "竣工验收",
                Milestone.Type.ASSESSMENT,
                60,
                Milestone.Status.SCHEDULED,
                None,
                "监理、街道办、业主代表三方验收。",
            ),
        ],
    )
    _progress(
        ctx,
        project,
        contractor,
        [
            (110, None, 5, "施工队进场，围挡和安全文明施工公示牌已设好，施工期间每天8:00–12:00、14:30–18:00作业。", 1),
            (95, "roof", 35, "1栋屋面旧防水层铲除完毕，基层找平完成。", 1),
            (80, "drainage", 20, "2栋东侧雨水管沟开挖，已铺设DN300雨水管60米。", 0),
            (65, "roof", 80, "1栋、2栋屋面SBS卷材铺贴完成，闭水试验无渗漏。", 1),
            (50, "exterior-wall", 15, "外墙脚手架搭设完成，开始铲除空鼓墙皮，请住户关好窗户。", 1),
            (30, "drainage", 60, "雨污分流主管完成，正在接驳各单元立管。", 0),
            (20, "roof", 100, "3栋屋面完工，三栋屋面均通过监理验收。", 0),
            (8, "exterior-wall", 40, "1栋外墙真石漆底漆完成。施工期间请暂勿在窗外晾晒衣物。", 1),
            (2, "lighting", 50, "1栋、2栋楼道声光控灯具安装完成，3栋下周安装。", 0),
        ],
    )


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
    owners = _owners(
        ctx, estate, ["陆振邦", "覃桂兰", "蒙国华", "李淑芬", "周家明"], first_phone=WORKS_PHONES[estate.code]
    )
    staff, approver, clerk = ctx.u("minsheng_staff"), ctx.u("minsheng_manager"), ctx.u("jiefang_staff")
    _council(ctx, estate, owners[:3])
    project = _plan_adopted(
        ctx,
        estate,
        owners,
        clerk=clerk,
        drafter=clerk,
        approver=approver,
        street_staff=staff,
        paper=34,
        days=(420 + ago, 300 + ago),
        summary="供水管道锈蚀、屋面漏水和楼道破旧三项一并改造；原产权单位南宁纺织集团捐资用于屋面。",
        items=[
            (
                "water-supply",
                "供水管道更换、一户一表改造",
                "44",
                "户",
                "198000.00",
                {"central_subsidy": 50, "local_finance": 30, "utility": 20},
            ),
            (
                "roof",
                "1–2栋屋面防水翻新",
                "820",
                "m²",
                "164000.00",
                {"central_subsidy": 50, "local_finance": 30, "residents": 10, "donation": 10},
            ),
            (
                "stairwell",
                "楼道墙面粉刷、扶手及窗户更换",
                "4",
                "单元",
                "88000.00",
                {"local_finance": 60, "residents": 40},
            ),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=250 + ago)
    contractor = ctx.u("contractor2")
    builder = _org_of(contractor).name
    _award(ctx, project, approver=approver, contractor=contractor, amount="296000.00", days_ago=228 + ago)
    _keep_ledger(
        ctx,
        project,
        staff,
        _earlier(
            ago,
            [
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
                (
                    157,
                    REV,
                    "windows",
                    "金额录入错误：发票金额为12,600.00元，误录为21,600.00元。冲销本笔，按发票重新登记。",
                ),
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
            ],
        ),
    )
    _milestones(
        ctx,
        project,
        contractor,
        _earlier_milestones(
            ago,
            [
                ("施工进场", Milestone.Type.DELIVERY, -200, Milestone.Status.MET, 198, "围挡、停水通知和施工公示牌。"),
                (
                    "新旧给水管切换通水",
                    Milestone.Type.DELIVERY,
                    -135,
                    Milestone.Status.MET,
                    138,
                    "两栋切换各停水半天，已提前三天通知。",
                ),
                ("屋面防水完工", Milestone.Type.DELIVERY, -95, Milestone.Status.MET, 92, ""),
                ("楼道修缮完工", Milestone.Type.DELIVERY, -40, Milestone.Status.MET, 35, ""),
                (
                    "竣工验收",
                    Milestone.Type.ASSESSMENT,
                    -3,
                    Milestone.Status.MET,
                    0,
                    "监理、街道办、老友议事会三方签字。",
                ),
            ],
        ),
    )
    _progress(
        ctx,
        project,
        contractor,
        _earlier(
            ago,
            [
                (198, None, 3, "施工队进场，搭设围挡，张贴施工公告和停水通知。", 1),
                (170, "water-supply", 40, "1栋新给水立管安装完成，旧管暂时保留供水。", 0),
                (150, "roof", 50, "2栋屋面旧防水层铲除，基层修补完成。", 1),
                (138, "water-supply", 80, "两栋新管切换通水完成，水质检测合格。", 0),
                (120, "stairwell", 30, "楼道墙面铲灰、修补裂缝。", 0),
                (92, "roof", 100, "屋面防水完工，闭水试验48小时无渗漏。", 1),
                (70, "water-supply", 100, "一户一表安装完成，44户远传水表均已调试。", 0),
                (35, "stairwell", 100, "楼道粉刷、扶手和窗户更换全部完成。", 0),
                (10, None, 100, "全部工程完工，建筑垃圾已清运，申请竣工验收。", 0),
            ],
        ),
    )
    chair = User.objects.get(pk=owners[0].user_id)  # fresh: permission caches live on the user object
    for role, signer, opinion in [
        ("supervisor", ctx.u("supervisor"), "各分项工程经监理验收合格，施工资料齐全，同意竣工验收。"),
        ("street", approver, "经现场核查，工程内容与公示方案一致，同意竣工验收。"),
        (
            "council",
            chair,
            "业主代表参加了验收：屋面、楼道和水表逐户核对，同意验收。请施工单位在保修期内及时处理报修。",
        ),
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
        ctx,
        estate,
        owners,
        clerk=clerk,
        drafter=clerk,
        approver=approver,
        street_staff=staff,
        paper=52,
        days=(160, 70),
        summary="道路修缮、消防设施和电动自行车充电棚；充电棚由运营企业投资、居民分摊。",
        items=[
            (
                "roads",
                "小区主干道及宅间路面修缮",
                "2400",
                "m²",
                "180000.00",
                {"central_subsidy": 50, "local_finance": 40, "residents": 10},
            ),
            ("fire-safety", "楼道灭火器箱、应急照明和疏散指示", "13", "单元", "72000.00", {"local_finance": 100}),
            (
                "charging",
                "电动自行车集中充电棚（60个充电口）",
                "2",
                "座",
                "96000.00",
                {"social_capital": 60, "residents": 40},
            ),
        ],
    )
    _budget(ctx, project, staff=staff, approver=approver, days_ago=40)
    contractor = ctx.u("contractor")
    _award(ctx, project, approver=approver, contractor=contractor, amount="318000.00", days_ago=12)
    _keep_ledger(
        ctx,
        project,
        staff,
        [
            (20, IN, "central_subsidy", "54000.00", CENTRAL, "中央补助资金第一批（60%）"),
            (15, IN, "local_finance", "72000.00", QINGXIU, "区级配套资金第一批（50%）"),
            (9, IN, "social_capital", "57600.00", "南宁市绿能充电科技有限公司", "充电棚建设投资（按协议运营8年）"),
        ],
    )
    _milestones(
        ctx,
        project,
        contractor,
        [
            ("施工进场", Milestone.Type.DELIVERY, 7, Milestone.Status.SCHEDULED, None, "先施工充电棚，道路分段封闭。"),
            ("道路及充电棚完工", Milestone.Type.DELIVERY, 75, Milestone.Status.SCHEDULED, None, ""),
        ],
    )
