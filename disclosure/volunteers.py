"""Volunteer points (志愿者积分, issue 20 item 6) — the reads. Residents log volunteer work, the
estate's council confirms it, confirmed hours earn points, and whoever keeps the estate after
acceptance exchanges points for a property-fee credit at the rate the estate agreed; the credit is
an entry of the management ledger. The public page shows totals only (no names); each resident
sees their own work and balance. Writes are in services/volunteers.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from projects.models import Project
from stakeholders.models import Council, Estate, Resident

from .ledger import VOLUNTEER_FEE_CREDIT
from .models import Budget, LedgerEntry, PointsRedemption, VolunteerLog, VolunteerRate
from .permissions import MANAGEMENT_STATUSES

ZERO = Decimal("0.00")
CONFIRMED = VolunteerLog.Status.CONFIRMED


def public_estate(code: str) -> Estate | None:
    return Estate.objects.select_related("community__street").filter(code=code).first()


def has_public_council(estate: Estate) -> bool:
    """Whether the estate's council has a public page (filed, or returned) to link back to."""
    return Council.objects.filter(estate=estate).filter(Q(filed_on__isnull=False) | Q(returned=True)).exists()


def current_rate(estate: Estate) -> VolunteerRate | None:
    return VolunteerRate.objects.filter(estate=estate).select_related("meeting").first()


def management_project(estate: Estate) -> Project | None:
    """The estate's accepted project whose ledger goes on as the management ledger (the latest)."""
    return (
        Project.objects.filter(estate=estate, status__in=MANAGEMENT_STATUSES, budget__status=Budget.Status.PUBLISHED)
        .select_related("estate__community", "budget")
        .order_by("-completed_on", "-id")
        .first()
    )


@dataclass
class Totals:
    volunteers: int = 0
    hours: Decimal = Decimal("0")
    points: int = 0
    redeemed: int = 0
    credited: Decimal = ZERO
    waiting: int = 0
    activities: list = field(default_factory=list)  # [(label, hours, count)]


def totals(estate: Estate) -> Totals:
    """What the public reads: confirmed work by activity, points earned and exchanged, and the fee
    credit from the management ledger — counts and sums, never a name. Three queries."""
    rows = list(
        VolunteerLog.objects.filter(estate=estate)
        .values("activity", "status")
        .annotate(hours=Sum("hours"), points=Sum("points"), n=Count("id"))
        .order_by()
    )
    result = Totals()
    labels = dict(VolunteerLog.Activity.choices)
    by_activity: dict[str, list] = {}
    for row in rows:
        if row["status"] == VolunteerLog.Status.LOGGED:
            result.waiting += row["n"]
        if row["status"] != CONFIRMED:
            continue
        result.hours += row["hours"] or ZERO
        result.points += row["points"] or 0
        entry = by_activity.setdefault(row["activity"], [Decimal("0.0"), 0])
        entry[0] += row["hours"] or ZERO
        entry[1] += row["n"]
    result.activities = [
        (labels[code], hours, n) for code, (hours, n) in sorted(by_activity.items(), key=lambda kv: -kv[1][0])
    ]
    result.volunteers = (
        VolunteerLog.objects.filter(estate=estate, status=CONFIRMED).values("resident_id").distinct().count()
    )
    redeemed = PointsRedemption.objects.filter(estate=estate).aggregate(points=Coalesce(Sum("points"), 0))
    result.redeemed = redeemed["points"]
    # The money figure is the ledger's (fee credits are never reversed).
    result.credited = LedgerEntry.objects.filter(
        project__estate=estate, category=VOLUNTEER_FEE_CREDIT, kind=LedgerEntry.Kind.EXPENSE
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    return result


def balance(resident: Resident, estate: Estate) -> int:
    """Points earned by confirmed work in the estate, less points exchanged there."""
    earned = VolunteerLog.objects.filter(estate=estate, resident=resident, status=CONFIRMED).aggregate(
        n=Coalesce(Sum("points"), 0)
    )["n"]
    spent = PointsRedemption.objects.filter(estate=estate, resident=resident).aggregate(n=Coalesce(Sum("points"), 0))[
        "n"
    ]
    return earned - spent


def own_logs(resident: Resident, estate: Estate):
    return VolunteerLog.objects.filter(estate=estate, resident=resident).order_by("-done_on", "-id")[:50]


def own_redemptions(resident: Resident, estate: Estate):
    return (
        PointsRedemption.objects.filter(estate=estate, resident=resident)
        .select_related("entry", "rate")
        .order_by("-recorded_at", "-id")
    )


def redemption_by_key(project: Project, key: str) -> PointsRedemption | None:
    """The exchange a form's submission key already made (its ledger entry carries the key)."""
    key = (key or "").strip()[:64]
    if not key:
        return None
    return (
        PointsRedemption.objects.filter(entry__project=project, entry__submission_key=key)
        .select_related("entry")
        .first()
    )


def waiting_logs(estate: Estate):
    """Work waiting for the council, with who did it (for the council's representatives only)."""
    return (
        VolunteerLog.objects.filter(estate=estate, status=VolunteerLog.Status.LOGGED)
        .select_related("resident")
        .order_by("done_on", "id")
    )


def balances(estate: Estate) -> list[tuple[Resident, int]]:
    """Residents with points to exchange (for whoever keeps the estate), most points first. Two queries."""
    earned = dict(
        VolunteerLog.objects.filter(estate=estate, status=CONFIRMED)
        .values_list("resident_id")
        .annotate(n=Sum("points"))
        .order_by()
    )
    spent = dict(
        PointsRedemption.objects.filter(estate=estate).values_list("resident_id").annotate(n=Sum("points")).order_by()
    )
    left = {pk: n - spent.get(pk, 0) for pk, n in earned.items() if n - spent.get(pk, 0) > 0}
    residents = Resident.objects.in_bulk(list(left))
    return sorted(((residents[pk], n) for pk, n in left.items()), key=lambda pair: (-pair[1], pair[0].pk))


def recorded_meetings(estate: Estate):
    """The council meetings whose minutes are recorded: where the estate can have agreed a rate."""
    council = getattr(estate, "council", None)
    if council is None:
        return []
    return list(council.meetings.filter(~Q(recorded_at=None)).order_by("-held_at"))
