"""The demo city: a small Nanning (南宁) with every role, and the full-size one for benchmarks.

Idempotent: everything is looked up by its natural key (codes, usernames) before it is created,
so running it again changes nothing. Writes go through the services where the demo needs the real
behaviour (organization groups, memberships, claims and their verification).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stakeholders import listings, services
from stakeholders.models import (
    Building,
    Community,
    Council,
    CouncilMember,
    Estate,
    Household,
    Membership,
    Organization,
    OrganizationListing,
    Ownership,
    Resident,
    Street,
    User,
)

from .. import scoring
from . import approvals
from .common import (
    DEMO_PASSWORD,
    GIVEN,
    SURNAMES,
    Report,
    _households_for,
    _proof_file,
    _resident,
    _user,
    confirm_by_branch,
    elect_council,
)
from .feedback import seed_feedback
from .projects import seed_projects

Kind = Organization.Kind

STREETS = [
    # code, district, name, [(community code, community name, [estates])]
    (
        "xinzhu",
        "青秀区",
        "新竹街道",
        [
            (
                "taoyuan",
                "桃源社区",
                [
                    ("taoyuan-xq", "桃源小区", "青秀区桃源路12号", 1988, "22.817000", "108.336000", [6, 6, 7]),
                    ("yuanhu-nan", "园湖南路住宅区", "青秀区园湖南路8号", 1995, "22.812500", "108.341200", [5, 6]),
                    ("taoyuan-youdian", "桃源路邮电宿舍", "青秀区桃源路30号", 1994, "22.815600", "108.338100", [6, 7]),
                ],
            ),
            (
                "gucheng",
                "古城社区",
                [
                    (
                        "xinzhu-gongdian",
                        "新竹路供电局宿舍",
                        "青秀区新竹路17号",
                        1993,
                        "22.819400",
                        "108.333900",
                        [6, 7],
                    ),
                    (
                        "gucheng-liangshi",
                        "古城路粮食局宿舍",
                        "青秀区古城路21号",
                        1990,
                        "22.818700",
                        "108.330600",
                        [6, 6, 5],
                    ),
                ],
            ),
        ],
    ),
    (
        "minsheng",
        "兴宁区",
        "民生街道",
        [
            (
                "jiefanglu",
                "解放路社区",
                [
                    ("jiefang-bei", "解放路北小区", "兴宁区解放路45号", 1985, "22.815800", "108.318900", [5, 6]),
                    (
                        "minsheng-jixie",
                        "民生路机械厂宿舍",
                        "兴宁区民生路102号",
                        1991,
                        "22.816900",
                        "108.322100",
                        [6, 6],
                    ),
                    (
                        "jiefang-fangzhi",
                        "解放路纺织厂宿舍",
                        "兴宁区解放路61号",
                        1987,
                        "22.814700",
                        "108.317200",
                        [5, 6],
                    ),
                ],
            ),
            (
                "yinshan",
                "银杉社区",
                [
                    ("yinshan-yuan", "银杉苑", "兴宁区银杉路3号", 1999, "22.826100", "108.331700", [7, 7]),
                    ("yinshan-bei", "银杉北苑", "兴宁区银杉路9号", 1997, "22.827300", "108.332400", [6]),
                ],
            ),
        ],
    ),
]

ORGANIZATIONS = [
    # kind, name, jurisdiction code (street or community) or ""
    (Kind.HOUSING_BUREAU, "南宁市住房和城乡建设局", ""),
    (Kind.INSPECTION, "南宁市纪委监委驻市住建局纪检监察组", ""),
    (Kind.STREET_OFFICE, "新竹街道办事处", "xinzhu"),
    (Kind.STREET_OFFICE, "民生街道办事处", "minsheng"),
    (Kind.COMMUNITY_COMMITTEE, "桃源社区居民委员会", "taoyuan"),
    (Kind.COMMUNITY_COMMITTEE, "古城社区居民委员会", "gucheng"),
    (Kind.COMMUNITY_COMMITTEE, "解放路社区居民委员会", "jiefanglu"),
    (Kind.COMMUNITY_COMMITTEE, "银杉社区居民委员会", "yinshan"),
    (Kind.PARTY_BRANCH, "桃源社区党支部", "taoyuan"),
    (Kind.PARTY_BRANCH, "古城社区党支部", "gucheng"),
    (Kind.PARTY_BRANCH, "解放路社区党支部", "jiefanglu"),
    (Kind.PARTY_BRANCH, "银杉社区党支部", "yinshan"),
    (Kind.CONTRACTOR, "邕城建设工程有限公司", ""),
    (Kind.CONTRACTOR, "绿城建筑安装有限公司", ""),
    (Kind.CONTRACTOR, "桂通建筑劳务有限公司", ""),  # on the bureau's negative list (负面清单)
    (Kind.CONTRACTOR, "广西华建工程有限公司", ""),  # third in the open tender
    (Kind.SUPERVISOR, "南宁诚信工程监理有限公司", ""),
    (Kind.DESIGNER, "八桂城市规划设计院", ""),
    (Kind.COMMUNITY_PLANNER, "青秀区社区规划师工作室", ""),
    (Kind.PROPERTY_MANAGER, "邕江物业服务有限公司", ""),
    (Kind.UTILITY, "邕州燃气有限公司", ""),
    (Kind.UTILITY, "南宁市水务集团", ""),
    (Kind.DEPARTMENT, "南宁市自然资源局", ""),
    (Kind.DEPARTMENT, "南宁市消防救援支队", ""),
    (Kind.DEPARTMENT, "南宁市园林局", ""),
    (Kind.DEPARTMENT, "南宁市财政局", ""),
    (Kind.EVALUATOR, "广西城乡评估咨询有限公司", ""),
]

# username, display name, organization, role, what the account shows
STAFF_ACCOUNTS = [
    (
        "party_taoyuan",
        "覃红梅",
        "桃源社区党支部",
        Membership.Role.STAFF,
        "community Party branch (桃源社区): confirms residents' Party membership (one claim waits)",
    ),
    ("party_gucheng", "黄志军", "古城社区党支部", Membership.Role.STAFF, "community Party branch (古城社区)"),
    ("party_jiefanglu", "梁素芬", "解放路社区党支部", Membership.Role.STAFF, "community Party branch (解放路社区)"),
    ("party_yinshan", "莫建华", "银杉社区党支部", Membership.Role.STAFF, "community Party branch (银杉社区)"),
    ("bureau", "黄建国", "南宁市住房和城乡建设局", Membership.Role.STAFF, "housing bureau (city-wide, read + reports)"),
    ("planning", "陈立新", "南宁市自然资源局", Membership.Role.STAFF, "planning department: /approvals/"),
    ("fire", "梁海涛", "南宁市消防救援支队", Membership.Role.STAFF, "fire department: returned a plan once"),
    ("gardens", "苏婉清", "南宁市园林局", Membership.Role.STAFF, "gardens department: greening and parking matters"),
    (
        "finance",
        "覃国强",
        "南宁市财政局",
        Membership.Role.STAFF,
        "finance department: returned 民生路机械厂宿舍's budget review; the resubmission waits on /approvals/",
    ),
    (
        "inspection",
        "韦廉",
        "南宁市纪委监委驻市住建局纪检监察组",
        Membership.Role.MANAGER,
        "discipline inspection (纪检监察): takes on and answers integrity reports (/feedback/integrity/)",
    ),
    (
        "street_manager",
        "陆秀梅",
        "新竹街道办事处",
        Membership.Role.MANAGER,
        "street office approver (新竹街道): decide 园湖南路's petition, publish plans, call votes, award works",
    ),
    (
        "street_staff",
        "韦志强",
        "新竹街道办事处",
        Membership.Role.STAFF,
        "street office staff (新竹街道): keeps the ledger of 古城路粮食局宿舍 (under construction)",
    ),
    (
        "minsheng_manager",
        "甘立新",
        "民生街道办事处",
        Membership.Role.MANAGER,
        "street office approver (民生街道): approves the budget of 民生路机械厂宿舍 once drafted",
    ),
    (
        "minsheng_staff",
        "蒙丽华",
        "民生街道办事处",
        Membership.Role.STAFF,
        "street office staff (民生街道): drafts the budget of 民生路机械厂宿舍 (plan adopted)",
    ),
    (
        "community_staff",
        "覃晓燕",
        "桃源社区居民委员会",
        Membership.Role.STAFF,
        "community committee staff (桃源社区): paper ballots, needs, plan drafts",
    ),
    ("gucheng_staff", "梁志明", "古城社区居民委员会", Membership.Role.STAFF, "community committee staff (古城社区)"),
    (
        "jiefang_staff",
        "农海燕",
        "解放路社区居民委员会",
        Membership.Role.MANAGER,
        "community committee manager (解放路社区)",
    ),
    ("yinshan_staff", "莫小红", "银杉社区居民委员会", Membership.Role.STAFF, "community committee staff (银杉社区)"),
    (
        "contractor",
        "李建军",
        "邕城建设工程有限公司",
        Membership.Role.MANAGER,
        "contractor: posts progress and milestones on 古城路粮食局宿舍 (under construction); a first post starts "
        "桃源路邮电宿舍 (contracted)",
    ),
    (
        "contractor2",
        "罗国平",
        "绿城建筑安装有限公司",
        Membership.Role.MANAGER,
        "second contractor: built 解放路纺织厂宿舍 (completed)",
    ),
    (
        "contractor3",
        "韦建新",
        "桂通建筑劳务有限公司",
        Membership.Role.MANAGER,
        "contractor on the housing bureau's negative list (负面清单): cannot bid or be awarded",
    ),
    (
        "contractor4",
        "陆志强",
        "广西华建工程有限公司",
        Membership.Role.MANAGER,
        "contractor that bid in 古城路粮食局宿舍's open tender and came third: its scores are public",
    ),
    (
        "supervisor",
        "谢文斌",
        "南宁诚信工程监理有限公司",
        Membership.Role.STAFF,
        "supervisor of the three works: may sign 古城路粮食局宿舍's completion acceptance",
    ),
    ("designer", "潘雅琴", "八桂城市规划设计院", Membership.Role.STAFF, "designer: drew 桃源小区's plan v1 site plan"),
    ("planner", "韦思源", "青秀区社区规划师工作室", Membership.Role.STAFF, "community planner (社区规划师)"),
    ("property", "唐永福", "邕江物业服务有限公司", Membership.Role.STAFF, "property manager"),
    ("utility", "钟伟", "邕州燃气有限公司", Membership.Role.STAFF, "utility (gas): asked for ¥30,000 of a budget"),
    ("water", "陆海燕", "南宁市水务集团", Membership.Role.STAFF, "utility (water): confirmed two budget shares"),
    ("evaluator", "梁文博", "广西城乡评估咨询有限公司", Membership.Role.STAFF, "third-party evaluator (第三方评估)"),
]


@transaction.atomic
def seed_demo_city(report: Report | None = None) -> Report:
    report = report or Report()
    rng = random.Random(20191)  # fixed: the same city every time

    streets, communities, estates = {}, {}, {}
    for s_code, district, s_name, comms in STREETS:
        street, created = Street.objects.get_or_create(code=s_code, defaults={"name": s_name, "district": district})
        report.add("streets", created)
        streets[s_code] = street
        for c_code, c_name, estate_rows in comms:
            community, created = Community.objects.get_or_create(
                code=c_code, defaults={"name": c_name, "street": street}
            )
            report.add("communities", created)
            communities[c_code] = community
            for e_code, e_name, address, year, lat, lng, floors_list in estate_rows:
                estate, created = Estate.objects.get_or_create(
                    code=e_code,
                    defaults={
                        "name": e_name,
                        "community": community,
                        "address": address,
                        "built_year": year,
                        "latitude": Decimal(lat),
                        "longitude": Decimal(lng),
                    },
                )
                report.add("estates", created)
                estates[e_code] = estate
                for number, floors in enumerate(floors_list, start=1):
                    building, created = Building.objects.get_or_create(
                        estate=estate, number=str(number), defaults={"floors": floors, "has_elevator": False}
                    )
                    report.add("buildings", created)
                    if created:
                        units = 2 if floors < 7 else 3
                        rows = _households_for(building, floors * units * 2, rng)
                        Household.objects.bulk_create(rows)
                        report.add("households", len(rows))

    organizations = {}
    for kind, name, where in ORGANIZATIONS:
        org = Organization.objects.filter(kind=kind, name=name).first()
        if org is None:
            org = services.organization_create(
                kind=kind,
                name=name,
                street=streets[where] if kind == Kind.STREET_OFFICE else None,
                community=communities[where] if kind in (Kind.COMMUNITY_COMMITTEE, Kind.PARTY_BRANCH) else None,
            )
            report.add("organizations")
        organizations[name] = org

    admin, _ = _user("admin", first_name="平台管理员", superuser=True)
    report.accounts.append(("admin", DEMO_PASSWORD, "platform admin (everything, /admin/)"))
    for username, display, org_name, role, what in STAFF_ACCOUNTS:
        user, created = _user(username, first_name=display)
        report.add("staff users", created)
        if not Membership.objects.filter(user=user, organization=organizations[org_name]).exists():
            services.membership_add(organization=organizations[org_name], user=user, role=role)
        report.accounts.append((username, DEMO_PASSWORD, what))

    _seed_lists(report, organizations)
    approvals.seed_catalog(report, organizations)
    _seed_residents(report, estates, rng, admin)
    seed_projects(report, admin=admin)
    seed_feedback(report)
    scoring.snapshot()  # this month's street scores, as the hourly job keeps them
    return report


def _seed_lists(report: Report, organizations: dict) -> None:
    """The housing bureau's lists (白名单、负面清单): the supervisor on the whitelist, and a builder on
    the negative list, which the award refuses (the bidder list says why)."""
    if OrganizationListing.objects.exists():
        return
    bureau = User.objects.get(username="bureau")
    today = timezone.localdate()
    for name, kind, reason, since, years in [
        ("南宁诚信工程监理有限公司", "whitelist", "2026年度建设工程监理信用评价A级", 60, None),
        ("桂通建筑劳务有限公司", "negative", "2025年某老旧小区改造项目偷工减料、以次充好，经住建局通报", 200, 2),
    ]:
        listings.listing_add(
            organization=organizations[name],
            actor=bureau,
            kind=kind,
            reason=reason,
            listed_on=today - timedelta(days=since),
            until=today - timedelta(days=since) + timedelta(days=365 * years) if years else None,
        )
    report.add("organization list entries", 2)


def _seed_residents(report: Report, estates: dict[str, Estate], rng: random.Random, admin: User) -> None:
    """36 residents in 桃源小区 and 解放路北小区: most verified voting owners, some Party members,
    two owning two units each, a few pending claims for the queue, one rejected claim."""
    plan = []  # (phone, name, party, [(estate code, building number, room index)], state)
    for i in range(36):
        estate_code = "taoyuan-xq" if i < 24 else "jiefang-bei"
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        homes = [(estate_code, "1" if i % 2 == 0 else "2", i)]
        if i in (3, 27):  # owns a second unit in the same estate: counts once, areas add up
            homes.append((estate_code, "3" if estate_code == "taoyuan-xq" else "1", 100 + i))
        state = "verified"
        if i in (20, 21, 22, 33):
            state = "pending"
        elif i == 23:
            state = "rejected"
        plan.append((f"1380771{i + 1:04d}", name, i % 5 == 0, homes, state))

    for phone, name, party, homes, state in plan:
        resident, created = _resident(phone, name, party=party)
        report.add("residents", created)
        for estate_code, number, index in homes:
            estate = estates[estate_code]
            building = Building.objects.get(estate=estate, number=number)
            households = list(building.households.order_by("unit", "floor", "room"))
            household = households[index % len(households)]
            if Ownership.objects.filter(resident=resident, household=household).exists():
                continue
            claim = services.ownership_claim(resident=resident, household=household, proof=_proof_file("proof.png"))
            report.add("ownership claims")
            if state == "verified":
                services.ownership_verify(ownership=claim, actor=admin)
                if party:  # the Party branch confirms; one member (whose claim is pending) still waits
                    confirm_by_branch(resident, estate)
            elif state == "rejected":
                services.ownership_reject(
                    ownership=claim, actor=admin, reason="产权证照片模糊，无法辨认房号，请重新拍摄上传。"
                )

    # 老友议事会 of 桃源小区: five verified owners, two of them Party members.
    # Elected at the community's meeting, recorded by the committee, filed by the street office.
    estate = estates["taoyuan-xq"]
    report.add("councils", not Council.objects.filter(estate=estate).exists())
    members = [Resident.objects.get(phone=p[0]) for p in [p for p in plan[:12] if p[4] == "verified"][:5]]
    before = CouncilMember.objects.filter(council__estate=estate).count()
    elect_council(estate, members, actor=admin)
    report.add("council members", CouncilMember.objects.filter(council__estate=estate).count() - before)

    report.accounts += [
        (
            plan[0][0],
            DEMO_PASSWORD,
            "resident: Party member, council chair (桃源小区); can still vote on the open plan vote",
        ),
        (plan[3][0], DEMO_PASSWORD, "resident: verified owner of two units (桃源小区)"),
        (plan[20][0], DEMO_PASSWORD, "resident: claim pending verification (桃源小区)"),
        (plan[23][0], DEMO_PASSWORD, "resident: claim rejected with a reason (桃源小区)"),
        (
            plan[24][0],
            DEMO_PASSWORD,
            "resident: verified voting owner (解放路北小区); can still vote on the open willingness vote",
        ),
    ]
    _resident_new, created = _resident("13900000000", "新住户", party=False)
    report.add("residents", created)
    report.accounts.append(("13900000000", DEMO_PASSWORD, "resident: registered, no household claimed yet"))
