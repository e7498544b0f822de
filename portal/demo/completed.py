"""The demo's completed estate: 解放路纺织厂宿舍, built a year ago, its surveys run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from disclosure.models import Milestone
from disclosure.services import (
    maintenance_post,
    management_record,
    points_redeem,
    volunteer_decide,
    volunteer_log,
    volunteer_rate_set,
)
from projects import services as p
from projects.models import AcceptanceSignature, Award, CompletionReport, Defect, PlanItem, Project
from stakeholders import councils
from stakeholders.models import CouncilMeeting, Estate, User

from .steps import (
    WORKS_PHONES,
    _Ctx,
    _owners,
)
from .works import (
    CENTRAL,
    CLEARING,
    IN,
    OUT,
    PAINT,
    PIPES,
    REV,
    TESTING,
    WATERPROOF,
    XINGNING,
    _award,
    _budget,
    _council,
    _day,
    _events_since,
    _happened,
    _keep_ledger,
    _milestones,
    _org_of,
    _plan_adopted,
    _progress,
)

FANGZHI_AGO = 368


def _earlier(days: int, rows: list[tuple]) -> list[tuple]:
    """Rows whose first element is "days ago", all `days` earlier."""
    return [(row[0] + days, *row[1:]) for row in rows]


def _earlier_milestones(days: int, rows: list[tuple]) -> list[tuple]:
    return [(t, k, due - days, status, None if met is None else met + days, d) for t, k, due, status, met, d in rows]


def _fangzhi(ctx: _Ctx, estate: Estate) -> None:
    """解放路纺织厂宿舍: COMPLETED — the works by 绿城建筑 (contractor2), a ledger of 33 entries (one
    reversal), every milestone met, progress to 100 %, and the acceptance (art. 16: a first report refused with a
    defect, fixed, the second signed by 绿城, the supervisor, 民生街道's approver and the chair of the
    estate's 老友议事会, 13807710111) FANGZHI_AGO days ago —
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
    _award(
        ctx, project, approver=approver, contractor=contractor, amount="296000.00", days_ago=228 + ago, method="direct"
    )
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
                    "施工、监理、街道办、老友议事会签字（第1次验收提出整改，整改后第2次通过）。",
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
    _accept(ctx, project, contractor=contractor, chair=chair, approver=approver, ago=ago)
    _management_ledger(ctx, project, ago=ago)
    _volunteers(ctx, project, owners)


def _accept(ctx: _Ctx, project: Project, *, contractor, chair, approver, ago: int) -> None:
    """竣工验收 under art. 16: report no. 1 is refused by the council's chair with one defect (a
    roof drip edge), the contractor fixes it, report no. 2 is signed by all four."""
    items = {
        i.catalog_item.code: i for i in PlanItem.objects.filter(version__project=project, version__status="adopted")
    }
    lines = {i.pk: (i.quantity, i.estimated_cost, "") for i in items.values()}
    lines[items["water-supply"].pk] = (
        items["water-supply"].quantity,
        Decimal("193500.00"),
        "水表集中采购，单价低于预算",
    )
    scope = "供水管道更换并一户一表（44户）、1–2栋屋面防水翻新（820 m²）、4个单元楼道粉刷及扶手窗户更换，全部完工。"
    since = _events_since(project)
    first = p.completion_report_file(project=project, actor=contractor, scope_done=scope, lines=lines)
    refusal = p.acceptance_sign(
        project=project,
        role="council",
        actor=chair,
        decision="refuse",
        opinion="2栋屋面东侧檐口未做滴水线，雨水顺外墙流下，整改后再验收。",
        defects=[("2栋屋面东侧檐口补做滴水线", timezone.localdate() + timedelta(days=7), items["roof"])],
    )
    defect = refusal.defects.get()
    p.defect_fix(defect=defect, actor=contractor, note="已补做滴水线并做淋水试验，外墙无流水痕迹。")
    second = p.completion_report_file(project=project, actor=contractor, scope_done=scope, lines=lines)
    for role, signer, opinion in [
        ("contractor", contractor, "工程已按合同和公示方案完成，整改项已完成。"),
        ("supervisor", ctx.u("supervisor"), "各分项工程经监理验收合格，施工资料齐全，同意竣工验收。"),
        ("street", approver, "经现场核查，工程内容与公示方案一致，同意竣工验收。"),
        (
            "council",
            chair,
            "业主代表参加了验收：屋面、楼道和水表逐户核对，滴水线已整改，同意验收。请施工单位在保修期内及时处理报修。",
        ),
    ]:
        p.acceptance_sign(project=project, role=role, actor=signer, opinion=opinion)
    _happened(project, since, ago)
    CompletionReport.objects.filter(pk=first.pk).update(
        filed_at=timezone.now() - timedelta(days=ago + 8), closed_at=timezone.now() - timedelta(days=ago + 6)
    )
    AcceptanceSignature.objects.filter(report=first).update(signed_at=timezone.now() - timedelta(days=ago + 6))
    Defect.objects.filter(pk=defect.pk).update(due_on=_day(ago + 1), fixed_at=timezone.now() - timedelta(days=ago + 3))
    CompletionReport.objects.filter(pk=second.pk).update(
        filed_at=timezone.now() - timedelta(days=ago + 2), closed_at=timezone.now() - timedelta(days=ago)
    )
    AcceptanceSignature.objects.filter(report=second).update(signed_at=timezone.now() - timedelta(days=ago))
    Project.objects.filter(pk=project.pk).update(completed_on=_day(ago))
    # The manager's contract runs from the acceptance's day (dated back with it): three years.
    Award.objects.filter(project=project, role=Award.Role.MANAGER, ended_at__isnull=True).update(
        term_ends=p.term_end(_day(ago), 3)
    )
    ctx.report.add("completion reports", 2)
    ctx.report.add("acceptance signatures", 5)


def _management_ledger(ctx: _Ctx, project: Project, *, ago: int) -> None:
    """At acceptance the estate went to 邕江物业 (the plan's management section); its `property`
    staff keep the management ledger on the same chain: public revenue, fees, maintenance."""
    firm_staff = ctx.u("property")
    entries = {}
    for days, category, amount, counterparty, memo in [
        (ago - 20, "mgmt_parking", "4320.00", "小区停车场（24个车位月租）", "改造后首月停车收入，计入公共收益"),
        (ago - 45, "mgmt_advertising", "1800.00", "南宁电梯广告传媒有限公司", "单元门禁屏广告位，半年"),
        (ago - 50, "mgmt_fees", "11220.00", "物业费（44户，第一季度）", "¥0.85/m²·月"),
        (ago - 80, "mgmt_upkeep", "640.00", "南宁市兴宁区水电维修部", "2栋楼道声控灯更换6盏"),
        (
            ago - 120,
            "mgmt_maintenance_fund",
            "2800.00",
            "南宁防水工程有限公司",
            "1栋水箱间门窗更换，经业主表决使用维修资金",
        ),
    ]:
        entries[category] = management_record(
            project=project,
            actor=firm_staff,
            date=timezone.localdate() - timedelta(days=max(days, 1)),
            amount=Decimal(amount),
            counterparty=counterparty,
            category=category,
            memo=memo,
        )
    ctx.report.add("management ledger entries", 5)
    roof = PlanItem.objects.get(version__project=project, version__status="adopted", catalog_item__code="roof")
    for days, item, work, paid_by in [
        (
            ago - 120,
            None,
            "1栋水箱间门窗锈蚀更换（维修资金，经业主表决），更换后检查水箱盖板密封。",
            entries["mgmt_maintenance_fund"],
        ),
        (ago - 80, None, "2栋楼道声控灯坏了6盏，已全部更换为LED声光控灯。", entries["mgmt_upkeep"]),
        (ago - 30, roof, "年底巡查1–2栋屋面：清理落水口落叶，防水层完好，无渗漏。", None),
    ]:
        maintenance_post(
            project=project,
            actor=firm_staff,
            done_on=_day(max(days, 1)),
            work=work,
            plan_item=item,
            ledger_entry=paid_by,
        )
    ctx.report.add("maintenance records", 3)


def _volunteers(ctx: _Ctx, project: Project, owners) -> None:
    """志愿者积分: the council agreed at a meeting that a point is worth ¥0.10 of property fees;
    residents logged volunteer work, the council confirmed most of it (one declined, one waiting
    for the chair, 13807710111); 邕江物业 (`property`) exchanged 李淑芬's points for a fee credit."""
    estate = project.estate
    chair, second, third = (User.objects.get(pk=o.user_id) for o in owners[:3])
    council = estate.council
    meeting = councils.council_meeting_schedule(
        council=council,
        actor=chair,
        held_at=timezone.now() + timedelta(days=1),
        place="纺织厂宿舍居民活动室",
        agenda="讨论志愿者积分兑换物业费的比例",
    )
    CouncilMeeting.objects.filter(pk=meeting.pk).update(held_at=timezone.now() - timedelta(days=60))
    meeting.refresh_from_db()
    meeting = councils.council_meeting_record(
        meeting=meeting,
        actor=chair,
        attendance=23,
        minutes="三位代表、邕江物业和20位居民到会，讨论志愿服务积分如何兑换。",
        decisions="志愿服务每小时10分，每分抵扣物业费0.10元；由议事会确认服务，物业在物业费中扣减并记入长效管理台账。",
    )
    volunteer_rate_set(estate=estate, actor=chair, yuan_per_point=Decimal("0.10"), meeting=meeting)
    work = [
        (owners[3], "garden", 50, "3", "修剪1栋前花坛的灌木，清理枯枝", chair, True),
        (owners[3], "inspection", 35, "2", "雨后随物业巡查1–2栋屋面和落水口，无渗漏", chair, True),
        (owners[4], "meeting", 60, "3", "议事会会议布置会场、签到", chair, True),
        (owners[1], "cleaning", 20, "2", "组织清理3单元楼道堆放的杂物", third, True),
        (owners[4], "other", 10, "4", "帮忙搬运邻居家具", chair, False),
        (owners[3], "care", 2, "1.5", "陪4单元独居老人去社区卫生服务站复诊", None, None),
    ]
    for resident, activity, days, hours, text, decider, confirm in work:
        actor = User.objects.get(pk=resident.user_id)
        entry = volunteer_log(
            estate=estate,
            actor=actor,
            activity=activity,
            done_on=_day(days),
            hours=Decimal(hours),
            description=text,
        )
        if decider is not None:
            volunteer_decide(
                log=entry, actor=decider, confirm=confirm, reason="" if confirm else "属于邻里私事，不计入小区志愿服务"
            )
    points_redeem(project=project, actor=ctx.u("property"), resident=owners[3], points=40)
    ctx.report.add("volunteer work", len(work))
    ctx.report.add("volunteer points exchanges", 1)
