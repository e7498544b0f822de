"""The demo's shared steps: owners, petitions, ballots, plan items — each through the real services,
so the seeded estates are what the portal itself produces. projects.py and works.py use them."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from projects import services as p
from projects.models import CatalogItem, PlanComment, PlanManagement, PlanVersion, Project, Vote
from stakeholders import services as stakeholder_services
from stakeholders.models import Estate, Household, Organization, Resident, User

from .common import (  # noqa: F401  (re-exported to the stages)
    DEMO_PASSWORD,
    _proof_file,
    _resident,
    confirm_by_branch,
    elect_council,
)

S = Project.Status
FIRST_EXTRA_PHONE = 37  # 13807710037…0099: owners of the estates the resident seed does not cover
# 13807710101…: owners of the estates whose works are under way, in fixed blocks per estate (their
# numbers are printed as demo accounts, so they must not depend on which stages ran before).
WORKS_PHONES = {
    "gucheng-liangshi": 101,
    "jiefang-fangzhi": 111,
    "taoyuan-youdian": 121,
    "yinshan-yuan": 131,
    "xinzhu-gongdian": 141,
}


class _Ctx:
    def __init__(self, report, admin: User):
        self.report, self.admin = report, admin
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[
                    "street_manager",
                    "street_staff",
                    "community_staff",
                    "gucheng_staff",
                    "minsheng_manager",
                    "minsheng_staff",
                    "jiefang_staff",
                    "yinshan_staff",
                    "contractor",
                    "contractor2",
                    "supervisor",
                    "property",
                ]
            )
        }
        self.next_phone = (
            FIRST_EXTRA_PHONE + Resident.objects.filter(phone__gte="13807710037", phone__lt="13807710100").count()
        )
        self.photo_no = 0

    def u(self, username: str) -> User:
        return self.users[username]


def _owners(ctx: _Ctx, estate: Estate, names: list[str], *, first_phone: int | None = None) -> list[Resident]:
    """New verified voting owners of the estate's first households; the first is a Party member.
    Their phones follow on from 13807710037, or from 1380771<first_phone> when given."""
    homes = list(
        Household.objects.filter(building__estate=estate, ownerships__isnull=True).order_by(
            "building__number", "unit", "floor", "room"
        )[: len(names)]
    )
    owners = []
    for k, (name, home) in enumerate(zip(names, homes)):
        if first_phone is None:
            number, ctx.next_phone = ctx.next_phone, ctx.next_phone + 1
        else:
            number = first_phone + k
        resident, _created = _resident(f"1380771{number:04d}", name, party=k == 0)
        claim = stakeholder_services.ownership_claim(resident=resident, household=home, proof=_proof_file("proof.png"))
        stakeholder_services.ownership_verify(ownership=claim, actor=ctx.admin)
        confirm_by_branch(resident, estate)
        owners.append(resident)
    ctx.report.add("residents", len(owners))
    return owners


def _petition(starter: Resident, estate: Estate, cosponsors: list[Resident], reason: str):
    # 先自治、后改造: the owners elected their council (filed by the street office) before petitioning.
    elect_council(estate, [starter, *cosponsors], actor=User.objects.filter(is_superuser=True).first())
    petition = p.petition_start(resident=starter, estate=estate, reason=reason)
    for resident in cosponsors:
        invite = p.sponsor_invite(petition=petition, actor=starter.user, phone=resident.phone)
        p.sponsor_answer(sponsorship=invite, actor=resident.user, confirm=True)
    return petition


def _ballots(ctx: _Ctx, vote: Vote, *, online: list[Resident], paper: int, clerk: User, choices=("agree",)):
    """Online ballots by `online`, then `paper` signed paper ballots for households without a
    portal account (entered by `clerk` with a scan); choices cycle through `choices`."""
    k = 0
    for resident in online:
        p.ballot_cast(vote=vote, actor=resident.user, choice=choices[k % len(choices)])
        k += 1
    for voter in vote.voters.filter(resident__isnull=True).order_by("id")[:paper]:
        p.ballot_record_paper(
            vote=vote, voter=voter, choice=choices[k % len(choices)], scan=_proof_file("ballot.png"), actor=clerk
        )
        k += 1
    ctx.report.add("ballots", k)


def _ready_for_vote(version, drafter: User, answers: tuple = ()) -> None:
    """Before the owners' vote: each comment on the plan gets its answer (`answers`: (response,
    reason) in the comments' order), and the comment period has run (the demo happens at once, so
    the publication is dated PLAN_COMMENT_DAYS back)."""
    waiting = list(PlanComment.objects.filter(version__project_id=version.project_id, response="").order_by("id"))
    assert len(waiting) == len(answers), (version, len(waiting), len(answers))
    for comment, (response, reason) in zip(waiting, answers):
        p.plan_comment_answer(comment=comment, actor=drafter, response=response, reason=reason)
    PlanVersion.objects.filter(pk=version.pk).update(
        published_at=F("published_at") - timedelta(days=settings.PLAN_COMMENT_DAYS, minutes=1)
    )
    version.refresh_from_db()


def _close(vote: Vote, *, days_ago: int) -> Vote:
    """Let the vote's window end in the past and run the beat job's service, as the deadline would."""
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - timedelta(days=days_ago + 14), closes_at=now - timedelta(days=days_ago)
    )
    p.votes_close_due(now=now)
    # Counted when its window ended (the beat job would have run then): its result's notice is over.
    Vote.objects.filter(pk=vote.pk).update(closed_at=now - timedelta(days=days_ago))
    return Vote.objects.get(pk=vote.pk)


def _voters(estate: Estate, exclude=()) -> list[Resident]:
    ids = set(
        Resident.objects.filter(
            ownerships__household__building__estate=estate,
            ownerships__status="verified",
            ownerships__is_voting_owner=True,
        ).values_list("pk", flat=True)
    ) - {r.pk for r in exclude}
    return list(Resident.objects.filter(pk__in=ids).select_related("user").order_by("phone"))


def _item(code: str) -> CatalogItem:
    return CatalogItem.objects.get(code=code)


def _plan_item(version, user, code, description, quantity, unit, cost, split):
    cost = Decimal(cost)
    funding = {source: (cost * Decimal(share) / 100).quantize(Decimal("0.01")) for source, share in split.items()}
    first = next(iter(funding))
    funding[first] += cost - sum(funding.values())  # rounding goes to the first source
    item = p.plan_item_add(
        version=version,
        actor=user,
        catalog_item=_item(code),
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
        estimated_cost=cost,
        funding=funding,
    )
    if not PlanManagement.objects.filter(version=version).exists():
        _manage(version, user)
    return item


# Who runs each estate after the works (建管一体), as its drafters wrote it with the first item;
# the others are managed by their community as interim management (准物业) until they choose.
MANAGED_BY_FIRM = {"解放路纺织厂宿舍": "邕江物业服务有限公司"}


def _manage(version, user) -> None:
    firm = Organization.objects.filter(name=MANAGED_BY_FIRM.get(version.project.estate.name, "")).first()
    p.plan_management_save(
        version=version,
        actor=user,
        operator=PlanManagement.Operator.PROPERTY if firm else PlanManagement.Operator.COMMUNITY,
        organization=firm,
        service_level="保洁每日一次，秩序维护24小时，报修24小时内上门" if firm else "保洁每日一次，社区网格员每日巡查",
        fee_per_m2_month=Decimal("0.85") if firm else Decimal("0.30"),
        sources=["maintenance_fund", "public_revenue", "fees"] if firm else ["public_revenue", "fees"],
        notes="物业服务合同三年，期满由业主表决是否续聘。" if firm else "业主大会选定物业服务企业前，由社区托管。",
        contract_years=3 if firm else None,
    )


STANDARD_SPLIT = {"central_subsidy": 50, "local_finance": 30, "utility": 10, "residents": 10}


def _accept_and_plan(project: Project, approver: User, staff: User) -> Project:
    project = p.project_transition(
        project=project, to=S.ACCEPTED, actor=approver, note="符合改造条件，纳入2027年度改造计划。"
    )
    return p.project_transition(project=project, to=S.PLANNING, actor=staff, note="启动需求征集（点单）。")


def _willingness_passed(ctx, estate, owners, *, clerk, paper, days_ago=40):
    petition = _petition(
        owners[0], estate, owners[1:3], "房屋建成三十余年，屋面漏水、管网老化、楼道无照明，居民要求改造。"
    )
    vote = p.petition_submit(petition=petition, actor=owners[0].user)
    _ballots(
        ctx, vote, online=_voters(estate), paper=paper, clerk=clerk, choices=("agree", "agree", "agree", "disagree")
    )
    vote = _close(vote, days_ago=days_ago)
    assert vote.result == Vote.Result.PASSED, (estate.code, vote.result)
    ctx.report.add("closed votes")
    return Project.objects.get(pk=petition.project_id)


SKIES = [
    ((96, 158, 224), (196, 222, 246)),
    ((146, 156, 170), (214, 217, 222)),
    ((120, 176, 230), (232, 236, 240)),
    ((232, 164, 118), (248, 220, 182)),
    ((84, 140, 206), (176, 206, 238)),
]
FACADES = [
    ((190, 174, 146), (238, 228, 206)),
    ((172, 164, 156), (226, 214, 196)),
    ((184, 160, 140), (232, 222, 214)),
    ((168, 170, 160), (240, 232, 214)),
]


def _site_photo(n: int, *, done: float) -> SimpleUploadedFile:  # noqa: C901 - a drawing: sky, trees, block, windows, scaffold, pipes
    """A generated photo of the works (the demo has no real ones), 800×600: sky, trees, an old
    walk-up block with its windows, the finished part of the facade fresh, the rest behind
    scaffolding and green safety netting, materials on the ground. `n` varies weather and colours."""
    rng = random.Random(n)
    width, height, horizon = 800, 600, 440
    (top, bottom), (old, new) = SKIES[n % len(SKIES)], FACADES[n % len(FACADES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _k in range(12):  # trees behind the block
        x, r = rng.randint(-20, width), rng.randint(30, 60)
        draw.ellipse(
            [x - r, horizon - 2 * r, x + r, horizon + 10], fill=(52 + rng.randint(0, 30), 110 + rng.randint(0, 40), 60)
        )
    draw.rectangle([0, horizon, width, height], fill=(124 + rng.randint(-10, 10), 116, 104))
    x0, x1, y0, y1, floors, columns = 80 + rng.randint(0, 40), 660 + rng.randint(0, 40), 110, 470, 6, 10
    split = x0 + round((x1 - x0) * max(0.0, min(1.0, done)))
    draw.rectangle([x0, y0, x1, y1], fill=old)
    draw.rectangle([x0, y0, split, y1], fill=new)
    for _k in range(40):  # damp stains on the old render
        sx, sy = rng.randint(split, x1), rng.randint(y0, y1)
        if sx < x1 - 8:
            draw.ellipse([sx, sy, sx + rng.randint(6, 18), sy + rng.randint(10, 30)], fill=tuple(c - 28 for c in old))
    draw.rectangle([x0 - 8, y0 - 12, x1 + 8, y0], fill=(86, 86, 92))
    storey, bay = (y1 - y0) / floors, (x1 - x0) / columns
    for f in range(floors):
        for c in range(columns):
            wx, wy = x0 + c * bay + bay * 0.22, y0 + f * storey + storey * 0.25
            draw.rectangle(
                [wx, wy, wx + bay * 0.56, wy + storey * 0.5], fill=(62, 84, 104), outline=(230, 230, 225), width=2
            )
            if rng.random() < 0.25:  # an air conditioner under the window
                draw.rectangle([wx + 4, wy + storey * 0.52, wx + bay * 0.45, wy + storey * 0.68], fill=(236, 236, 232))
    for c in (2, 7):  # entrances
        draw.rectangle([x0 + c * bay + bay * 0.2, y1 - storey * 0.6, x0 + c * bay + bay * 0.8, y1], fill=(70, 60, 54))
    if done < 1:  # scaffolding and netting over the part still being worked on
        pole = (150, 150, 156)
        xs = range(max(x0 - 10, split - 16), x1 + 24, 34)
        for x in xs:
            draw.line([(x, y0 - 20), (x, y1)], fill=pole, width=3)
        for f in range(floors + 1):
            y = y0 - 10 + f * storey
            draw.line([(xs[0], y), (xs[-1], y)], fill=pole, width=3)
            if f < floors:
                draw.line([(xs[0], y), (xs[0] + 68, y + storey)], fill=pole, width=2)
        net = Image.new("RGBA", image.size, (0, 0, 0, 0))
        ImageDraw.Draw(net).rectangle(
            [xs[0], y0 - 20, xs[-1], y0 + storey * rng.randint(2, 5)], fill=(30, 130, 70, 110)
        )
        image = Image.alpha_composite(image.convert("RGBA"), net).convert("RGB")
        draw = ImageDraw.Draw(image)
    for k in range(rng.randint(3, 6)):  # pipes and pallets on the ground
        px, py = rng.randint(20, width - 140), rng.randint(horizon + 60, height - 40)
        draw.rectangle(
            [px, py, px + rng.randint(60, 130), py + rng.randint(12, 26)], fill=(200 - 20 * k, 90 + 10 * k, 50)
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return SimpleUploadedFile(f"site-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")
