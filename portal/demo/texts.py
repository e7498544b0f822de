"""What the demo city's housing bureau publishes in its own words: the councils' deliberation rules
and the policy and rights pages (政策与权利). Sample texts for the demo, labelled as such: a real city
publishes its adopted documents."""

from __future__ import annotations

from portal import guides
from portal.models import GuidePage
from stakeholders import councils
from stakeholders.models import DeliberationRules, User

DEMO_GUIDES = {
    "city-policy": """（演示城市的示例文本，正式政策以住建局发布为准。）

本市对2000年底前建成、基础设施老化、居民改造意愿强烈的住宅小区实施改造，按“先自治、后改造”的思路推进：先成立老友议事会，再由居民发起改造申请。

改造内容分为基础类、完善类和提升类。基础类由财政资金重点支持；完善类和提升类由居民、产权单位、专营单位和社会资本合理共担。

每个项目的预算、资金到账和支出都在本平台逐笔公开，任何人无需登录即可查看和核验。""",
    "your-rights": """（演示城市的示例文本。）

您有权：查看本小区改造项目的全部公开信息；对公示的改造方案提出意见，并得到逐条答复；在预算公示期内提出异议；对施工质量、资金使用和违规行为投诉。

期限：改造方案每一稿至少征求意见7天；预算公示不少于7天；投诉须在48小时内受理、15天内办结，逾期自动上报街道办。

业主对改造方案和筹集资金等事项表决；租户和尚在核验中的居民可以提需求、附议和提出异议。""",
    "whom-to-call": """（演示城市的示例文本，电话为虚构号码。）

社区居委会：工作日 8:30—17:30 到社区服务中心，或拨打 0771-0000001。

街道办事处城建科（预算、公示与异议）：0771-0000002。

市住房和城乡建设局老旧小区改造办公室（政策咨询、对街道办的意见）：0771-0000003。

紧急情况（燃气泄漏、触电、火灾）请直接拨打 119 或 110。""",
}

# The demo city's own text, so the page has something to show; a real city's housing bureau
# publishes its adopted rules (the page keeps every version).
DEMO_RULES = """议事会代表由小区业主选举产生，报街道办事处备案，接受社区党组织和居委会的指导和监督。
议题可由居民、代表或社区提出，会前至少三天在小区公告栏和门户网站公布议程。
会议须有过半数代表出席方可举行；居民可以列席并发言。
涉及改造方案、资金使用的议题，会前须听取相关楼栋居民的意见。
讨论时每位发言人先陈述意见，再回应他人，不打断、不人身攻击。
表决采取举手或书面方式，过半数出席代表同意即为通过，结果当场宣布。
与议题有利害关系的代表应主动说明并回避表决。
会议记录写明时间、地点、出席人数、讨论要点和决定，由主持人和记录人签字。
会议决定在会后三天内向全体居民公示，公示期不少于七天。
居民对决定有异议的，可在公示期内书面提出，议事会须在下次会议答复。
议事会每月至少开会一次，改造施工期间每两周至少一次。
代表应定期检查施工现场，检查记录和施工单位的答复向居民公开。
代表无正当理由连续三次缺席会议的，视为辞去代表职务，由补选产生新代表。"""


def bureau_texts(report, *, bureau: User) -> None:
    """The councils' deliberation rules and the policy pages the bureau writes (once)."""
    if not DeliberationRules.objects.exists():
        councils.deliberation_rules_publish(
            actor=bureau, text=DEMO_RULES, note="演示城市的示例文本；正式文本以住建局发布为准。"
        )
        report.add("deliberation rules published")
    for topic, text in DEMO_GUIDES.items():
        if not GuidePage.objects.filter(topic=topic).exists():
            guides.guide_publish(actor=bureau, topic=topic, text=text)
            report.add("guide pages published")


# The residents whose accounts play the journeys README lists: (estate code, index in its phone block, what).
WORKS_ACCOUNTS = [
    (
        "xinzhu-gongdian",
        1,
        "resident: started 新竹路供电局宿舍's new petition; invites sponsors (13807710141 is a Party member), then "
        "opens the willingness vote",
    ),
    ("xinzhu-gongdian", 3, "resident: invited to sponsor 新竹路供电局宿舍's petition; signs or declines it"),
    (
        "yinshan-yuan",
        2,
        "resident: verified owner in 银杉苑 (planning): files and supports needs, comments on plan v1",
    ),
    (
        "gucheng-liangshi",
        0,
        "resident: council chair of 古城路粮食局宿舍 (under construction): ledger, progress, own share on the "
        "budget page, complaints; signs the acceptance when done",
    ),
    (
        "jiefang-fangzhi",
        0,
        "resident: council chair of 解放路纺织厂宿舍; signed its acceptance; answers its open one-year follow-up "
        "survey on the home page; confirms volunteer work waiting for the council",
    ),
    (
        "jiefang-fangzhi",
        3,
        "resident: volunteers at 解放路纺织厂宿舍: logs work, sees her points and the fee credit she got",
    ),
]
