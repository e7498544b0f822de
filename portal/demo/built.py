"""The demo's estates under way: 古城路粮食局宿舍 (under construction) and 桃源路邮电宿舍 (contracted)."""

from __future__ import annotations

from disclosure.models import Milestone
from stakeholders.models import Estate

from .steps import (
    WORKS_PHONES,
    _Ctx,
    _owners,
)
from .works import (
    BATCH,
    CENTRAL,
    CLEARING,
    IN,
    LAMPS,
    MAINTENANCE,
    OUT,
    PAINT,
    PIPES,
    QINGXIU,
    REV,
    SCAFFOLD,
    TESTING,
    WATER,
    WATERPROOF,
    _award,
    _budget,
    _council,
    _exempt,
    _keep_ledger,
    _milestones,
    _org_of,
    _plan_adopted,
    _progress,
)


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
            (134, BATCH, 24, clerk, "居民自筹（第一批，%(n)s户）", "逐户收缴，收据已发至各户，明细见分摊页"),
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
            (72, BATCH, 21, clerk, "居民自筹（第二批，%(n)s户）", "逐户收缴，收据已发至各户，明细见分摊页"),
            (70, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第二期）"),
            (63, OUT, "roof", "61000.00", builder, "屋面工程进度款（第二期）"),
            (60, OUT, "roof", "3600.00", TESTING, "防水卷材送检及屋面闭水试验"),
            (55, OUT, "exterior-wall", "72500.00", PAINT, "甲供材：真石漆、底漆及罩面漆"),
            (49, OUT, "drainage", "58000.00", builder, "雨污分流工程进度款（第二期）"),
            (45, IN, "local_finance", "202270.00", QINGXIU, "区级配套资金第二批（50%）", "typo"),
            (44, REV, "typo", "金额录入错误：银行回单到账220,270.00元，误录为202,270.00元。冲销本笔，按回单重新登记。"),
            (44, IN, "local_finance", "220270.00", QINGXIU, "区级配套资金第二批（50%），更正前一笔"),
            (40, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第三期）"),
            (33, BATCH, 12, clerk, "居民自筹（第三批，%(n)s户）", "尚有住户未缴，社区继续上门沟通"),
            (30, OUT, "exterior-wall", "60000.00", builder, "外墙工程进度款（第一期）"),
            (26, OUT, "drainage", "9600.00", CLEARING, "新管道疏通及闭水试验"),
            (18, OUT, "roof", "28000.00", builder, "屋面工程进度款（第三期，屋面完工）"),
            (12, OUT, "lighting", "4200.00", builder, "楼道照明安装人工费"),
            (10, OUT, "exterior-wall", "8400.00", SCAFFOLD, "外墙脚手架租赁（第四期）"),
            (6, OUT, "drainage", "20000.00", builder, "雨污分流工程进度款（第三期）"),
        ],
    )
    _exempt(project, clerk, "低保户，经老友议事会议定减免（会议纪要见议事会公开页）")
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
    _budget(
        ctx,
        project,
        staff=staff,
        approver=approver,
        days_ago=40,
        returned="消防通道及消防设施改造审查",  # the fire department returned it once (并联审批)
        objection=(
            owners[1],
            "充电棚由居民分摊40%偏高：不骑电动车的住户也要出钱吗？",
            "充电棚的居民部分只由使用充电口的住户按月缴纳的服务费承担，不向其他住户分摊；预算说明已补充。",
        ),
    )
    contractor = ctx.u("contractor")
    _award(ctx, project, approver=approver, contractor=contractor, amount="318000.00", days_ago=12, method="invited")
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
