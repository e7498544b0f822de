"""`seed_demo --scale nanning`, part one: the demo city filled up to Nanning's 2019 figures — 911 estates,
4,915 buildings, 113,900 households (bulk inserts); part two, the projects, is scale.py."""

from __future__ import annotations

import math
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction

from stakeholders.models import (
    Building,
    Community,
    Estate,
    Household,
    Organization,
    Street,
)

from .city import seed_demo_city
from .common import (
    Report,
    _households_for,
)
from .scale import fill_projects_to_city_scale

# ---------------------------------------------------------------------------------------------
# Nanning scale: 911 estates, 4,915 buildings, 113,900 households (the 2019 stock)

Kind = Organization.Kind
NANNING = {"estates": 911, "buildings": 4915, "households": 113_900, "projects": 514, "ledger_entries": 40}
DISTRICTS = ["青秀区", "兴宁区", "江南区", "西乡塘区", "良庆区", "邕宁区", "武鸣区"]
ROADS = [
    "民族",
    "朝阳",
    "七星",
    "友爱",
    "北湖",
    "明秀",
    "衡阳",
    "星光",
    "江北",
    "白沙",
    "壮锦",
    "亭洪",
    "那洪",
    "大学",
    "秀厢",
    "安吉",
    "长堽",
    "望州",
    "新阳",
    "石柱岭",
    "桃源",
    "园湖",
    "竹溪",
    "滨湖",
    "古城",
    "人民",
    "共和",
    "水街",
    "金湖",
    "津头",
]
WORK_UNITS = [
    "机械厂",
    "纺织厂",
    "糖厂",
    "铁路",
    "供电局",
    "水电",
    "邮电",
    "粮食局",
    "商业局",
    "化工厂",
    "印刷厂",
    "自来水公司",
    "市政",
    "二轻",
    "食品厂",
    "橡胶厂",
    "教育局",
    "卫生局",
    "电子厂",
    "汽修厂",
]
SUFFIXES = ["宿舍", "小区", "住宅区", "新村", "花园", "公寓"]


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def seed_nanning(report: Report | None = None, *, targets: dict[str, int] | None = None) -> Report:
    """The demo city, then filled up to Nanning's 2019 figures."""

    report = seed_demo_city(report)
    report = fill_to_city_scale(report, targets=targets or NANNING)
    fill_projects_to_city_scale(
        report,
        projects=(targets or NANNING).get("projects", 514),
        ledger_entries=(targets or NANNING).get("ledger_entries", 40),
    )
    return report


@transaction.atomic
def fill_to_city_scale(report: Report, *, targets: dict[str, int]) -> Report:
    """Generated streets, communities (with their offices), estates, buildings and households up to
    `targets`, with bulk inserts: the number of queries does not grow with the number of rows."""
    have = {
        "estates": Estate.objects.count(),
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
    }
    if have["estates"] >= targets["estates"]:
        return report  # already built: nothing to do
    rng = random.Random(113900)
    need_estates = targets["estates"] - have["estates"]
    need_buildings = targets["buildings"] - have["buildings"]
    need_households = targets["households"] - have["households"]

    # 7 districts × 6 streets × 4 communities, each with its street office and committee.
    new_streets = [
        Street(code=f"nn-s{d}{k}", district=district, name=f"{ROADS[(d * 6 + k) % len(ROADS)]}街道")
        for d, district in enumerate(DISTRICTS)
        for k in range(6)
    ]
    Street.objects.bulk_create(new_streets)
    streets = list(Street.objects.filter(code__startswith="nn-s").order_by("code"))
    Community.objects.bulk_create(
        [
            Community(code=f"{s.code}-c{j}", street=s, name=f"{ROADS[(i * 4 + j + 7) % len(ROADS)]}{'东西南北'[j]}社区")
            for i, s in enumerate(streets)
            for j in range(4)
        ]
    )
    communities = list(Community.objects.filter(code__startswith="nn-s").select_related("street").order_by("code"))
    groups = Group.objects.bulk_create(
        [Group(name=f"org:street_office:{s.district}{s.name}办事处") for s in streets]
        + [Group(name=f"org:community_committee:{c.code}{c.name}居委会") for c in communities]
    )
    Organization.objects.bulk_create(
        [
            Organization(kind=Kind.STREET_OFFICE, name=f"{s.district}{s.name}办事处", street=s, group=g)
            for s, g in zip(streets, groups[: len(streets)])
        ]
        + [
            Organization(
                kind=Kind.COMMUNITY_COMMITTEE,
                name=f"{c.street.district}{c.street.name}{c.name}居委会",
                community=c,
                group=g,
            )
            for c, g in zip(communities, groups[len(streets) :])
        ]
    )
    report.add("streets", len(streets))
    report.add("communities", len(communities))
    report.add("organizations", len(groups))

    used_names: set[tuple[int, str]] = set()
    estates = []
    for i in range(need_estates):
        community = communities[i % len(communities)]
        name = (
            f"{ROADS[i % len(ROADS)]}路{WORK_UNITS[(i // len(ROADS)) % len(WORK_UNITS)]}{SUFFIXES[i % len(SUFFIXES)]}"
        )
        while (community.pk, name) in used_names:
            name += "二期"
        used_names.add((community.pk, name))
        estates.append(
            Estate(
                code=f"nn-e{i:04d}",
                community=community,
                name=name,
                address=f"{community.street.district}{ROADS[i % len(ROADS)]}路{rng.randint(1, 300)}号",
                built_year=rng.randint(1980, 2000),
                latitude=Decimal("22.80") + Decimal(rng.randint(0, 6000)) / 100000,
                longitude=Decimal("108.28") + Decimal(rng.randint(0, 9000)) / 100000,
            )
        )
    Estate.objects.bulk_create(estates, batch_size=1000)
    estates = list(Estate.objects.filter(code__startswith="nn-e").order_by("code"))

    buildings = []
    for estate, count in zip(estates, _spread(need_buildings, len(estates))):
        buildings += [
            Building(estate=estate, number=str(n + 1), floors=rng.randint(5, 7), has_elevator=False)
            for n in range(count)
        ]
    Building.objects.bulk_create(buildings, batch_size=2000)
    buildings = list(Building.objects.filter(estate__code__startswith="nn-e").order_by("id"))

    rows: list[Household] = []
    for building, count in zip(buildings, _spread(need_households, len(buildings))):
        rows += _households_for(building, count, rng, per_floor=max(2, math.ceil(count / (building.floors * 2))))
        if len(rows) >= 20_000:
            Household.objects.bulk_create(rows, batch_size=5000)
            report.add("households", len(rows))
            rows = []
    Household.objects.bulk_create(rows, batch_size=5000)
    report.add("households", len(rows))
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: without them, pages right after a bulk load pick
        # plans that take seconds (measured: /disclosure/?page=18 9.2 s before, 42 ms after).
        with connection.cursor() as cursor:
            for model in (Street, Community, Organization, Estate, Building, Household):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    report.add("estates", len(estates))
    report.add("buildings", len(buildings))
    return report
