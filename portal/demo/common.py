"""What every part of the demo shares: the one password, the report of what was made, and the
helpers that make people, homes and proof scans the way the real services would."""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from stakeholders import councils, party
from stakeholders.models import (
    Building,
    Council,
    CouncilElection,
    Household,
    Organization,
    Resident,
    User,
)

DEMO_PASSWORD = "demo-2026-pass"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韦覃蒙陆农莫".replace("", " ").split()
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "春梅",
    "国庆",
    "建国",
    "玉兰",
]


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _proof_file(name: str) -> SimpleUploadedFile:
    """A small generated "scan" (the demo has no real certificates)."""
    return SimpleUploadedFile(name, _proof_png(), content_type="image/png")


@functools.cache
def _proof_png() -> bytes:
    # Drawn once: the demo stores some 650 of them (claims, paper ballots).
    buffer = io.BytesIO()
    image = Image.new("RGB", (480, 320), (250, 245, 235))
    for x in range(40, 440):
        image.putpixel((x, 60), (157, 29, 32))
        image.putpixel((x, 260), (157, 29, 32))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _area(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(4200, 11800)) / 100


def _households_for(building: Building, count: int, rng: random.Random, *, per_floor: int = 2) -> list[Household]:
    """`count` households laid out entrance by entrance, floor by floor, `per_floor` rooms each."""
    rows, per_unit = [], building.floors * per_floor
    for k in range(count):
        unit, within = divmod(k, per_unit)
        floor, door = divmod(within, per_floor)
        rows.append(
            Household(
                building=building,
                unit=str(unit + 1),
                floor=floor + 1,
                room=f"{floor + 1}{door + 1:02d}",
                area_m2=_area(rng),
            )
        )
    return rows


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once: PBKDF2 per account would make seeding take many seconds for one shared password.
    return make_password(DEMO_PASSWORD)


def _user(username: str, *, first_name: str = "", email: str = "", superuser: bool = False) -> tuple[User, bool]:
    return User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "email": email,
            "is_superuser": superuser,
            "is_staff": superuser,
            "password": _demo_password_hash(),
        },
    )


def _resident(phone: str, name: str, *, party: bool) -> tuple[Resident, bool]:
    """A registered resident, as resident_register makes them (username = phone), demo password."""
    user, created = _user(phone, first_name=name)
    if created:  # "I am a Party member" is a claim until the community's Party branch confirms it
        Resident.objects.create(user=user, name=name, phone=phone, party_claim="pending" if party else "")
    return user.resident, created


def confirm_by_branch(resident, estate) -> None:
    """The Party branch of the estate's community confirms the resident's claim (they live there)."""
    resident.refresh_from_db()
    if resident.party_claim != "pending":
        return
    branch = Organization.objects.get(kind=Organization.Kind.PARTY_BRANCH, community=estate.community_id)
    clerk = branch.memberships.select_related("user").order_by("id").first().user
    party.party_claim_decide(resident=resident, actor=clerk, confirm=True)


def elect_council(estate, members, *, actor, file: bool = True, held_days_ago: int = 400):
    """An election of the estate's council (the members elected, the first chair), recorded with a
    tally sheet and — unless `file` is false — filed; nothing if the estate already has one."""
    existing = Council.objects.filter(estate=estate).first()
    if existing is not None and existing.elections.exists():
        return existing
    held_on = timezone.localdate() - timedelta(days=held_days_ago)
    turnout = councils.electorate_of(estate)
    election = councils.council_election_record(
        estate=estate,
        actor=actor,
        held_on=held_on,
        place=f"{estate.name}居民活动室",
        turnout=turnout,
        term_ends=held_on + timedelta(days=3 * 365),
        tally_scan=_proof_file("计票单.png"),
        candidates=[
            councils.Candidate(resident=m, votes=max(0, turnout - k), elected=True, chair=(k == 0))
            for k, m in enumerate(members)
        ],
        kind=CouncilElection.Kind.FULL,
    )
    if file:
        councils.council_election_file(election=election, actor=actor)
    return Council.objects.get(estate=estate)
