"""Deliberation in the demo city beyond the plan's versions (issue 18), through the real services:

- 银杉苑's site plan (总平面图), put up by its community while needs are collected; a tenant
  (13807710190, 居住登记 declared) asks for a drying ground and places it on the plan, the owners'
  needs carry their points, and 13807710133 can place one of their own;
- the hearing on version 1 signed in at the door from the household list as well as online;
- in the open plan vote, an elderly owner's daughter (13807710191) holds her proxy, and the paper
  ballot she signed at the committee's desk is entered as the owner's one ballot (channel proxy).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from projects import services as p
from projects.models import CatalogItem, Hearing, Need, Vote
from stakeholders import residences
from stakeholders.models import Household, Residence, User
from stakeholders.site_plans import site_plan_upload

from .common import _proof_file, _resident

TENANT, DAUGHTER = "13807710190", "13807710191"


def _site_plan_png() -> SimpleUploadedFile:
    """A drawn plan: three buildings in a row, the open ground east of them, the gate south."""
    image = Image.new("RGB", (1200, 800), (238, 241, 233))
    draw = ImageDraw.Draw(image)
    for i, x in enumerate((80, 380, 680)):
        draw.rectangle((x, 120, x + 240, 420), fill=(196, 196, 206), outline=(80, 80, 96), width=5)
        draw.text((x + 100, 250), f"{i + 1}#", fill=(40, 40, 60))
    draw.rectangle((980, 100, 1160, 700), fill=(203, 226, 192), outline=(110, 140, 100), width=5)
    draw.rectangle((80, 560, 920, 640), fill=(220, 220, 220))  # the road to the gate
    draw.rectangle((460, 700, 620, 780), fill=(157, 29, 32))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("总平面图.png", buffer.getvalue(), content_type="image/png")


def site_plan_and_needs(project, staff: User) -> None:
    """While 银杉苑 collects needs: its plan goes up, a tenant declares and files a need on it, and
    the owners' gas and charging needs get their points."""
    site_plan_upload(estate=project.estate, actor=staff, upload=_site_plan_png())
    tenant, _created = _resident(TENANT, "韦小燕", party=False)
    home = Household.objects.filter(building__estate=project.estate, ownerships__isnull=True).order_by("id").last()
    residences.residence_declare(resident=tenant, household=home, relation=Residence.Relation.TENANT)
    p.need_file(
        project=project,
        actor=tenant.user,
        catalog_item=CatalogItem.objects.get(code="other"),
        text="希望东侧空地留一块晾晒场，老人晒被子、晒干菜没有地方。",
        point=(Decimal("89.00"), Decimal("50.00")),
    )
    for code, x, y in (("gas", "16.00", "34.00"), ("charging", "52.00", "75.00")):
        Need.objects.filter(project=project, catalog_item__code=code, plan_x__isnull=True).update(
            plan_x=Decimal(x), plan_y=Decimal(y)
        )


def desk_sign_ins(hearing: Hearing, staff: User, n: int) -> None:
    """At the door, staff tick `n` households without a portal account (done on the day)."""
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now())
    hearing.refresh_from_db()
    homes = Household.objects.filter(building__estate_id=hearing.project.estate_id, ownerships__isnull=True)
    for home in homes.order_by("id")[:n]:
        p.hearing_desk_sign_in(hearing=hearing, household=home, actor=staff)


def proxy_paper_ballot(report, vote: Vote, staff: User) -> None:
    """An owner who has not voted authorises her daughter; the daughter signs the paper ballot."""
    playing = ("13807710001", "13807710004")  # the demo's own voters keep their ballots to cast
    waiting = vote.voters.filter(resident__isnull=False, ballot__isnull=True).exclude(resident__phone__in=playing)
    voter = waiting.order_by("-id").first()
    if voter is None:
        return
    daughter, _created = _resident(DAUGHTER, "罗晓琳", party=False)
    authorization = p.proxy_record(
        estate=vote.project.estate,
        actor=staff,
        owner=voter.resident,
        proxy_phone=daughter.phone,
        scan=_proof_file("委托书.png"),
        vote=vote,
        valid_until=None,
    )
    p.ballot_record_paper_by_proxy(
        vote=vote, voter=voter, authorization=authorization, choice="agree", scan=_proof_file("ballot.png"), actor=staff
    )
    report.add("ballots by proxy")


def accounts(report, password: str) -> None:
    """The two accounts this module adds, for the printed list."""
    for phone, what in (
        (
            TENANT,
            "resident: tenant in 银杉苑 (居住登记 declared): files and supports needs, places them on the site plan",
        ),
        (DAUGHTER, "resident: proxy (委托投票) of an elderly owner in 桃源小区; her paper ballot was entered"),
    ):
        if User.objects.filter(username=phone).exists():
            report.accounts.append((phone, password, what))
