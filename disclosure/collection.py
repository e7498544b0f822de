"""The reads of collection (issue 19): what each household owes under the adopted plan's shares
(projects/shares.py), what it paid or was exempted, per building for the public (counts and sums,
no names) and per household for the desk. A fixed number of queries, whatever the estate's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from projects import after_build, shares
from projects.models import PlanItem

from .models import SharePayment

ZERO = Decimal("0.00")


def adopted_items(project) -> list[PlanItem]:
    return list(after_build.adopted_items(project).select_related("share_building").prefetch_related("funding"))


@dataclass
class HouseholdDue:
    household: object
    due: Decimal = ZERO
    paid: Decimal = ZERO
    exempt: Decimal = ZERO
    receives: Decimal = ZERO  # the ground-floor compensation it is owed (底层住户补偿)
    received: Decimal = ZERO

    @property
    def to_receive(self) -> Decimal:
        return max(self.receives - self.received, ZERO)

    @property
    def remaining(self) -> Decimal:
        return max(self.due - self.paid - self.exempt, ZERO)


@dataclass
class Collection:
    computed: list  # projects.shares.ItemShares, per adopted item
    households: list[HouseholdDue] = field(default_factory=list)

    def of(self, household_id: int) -> HouseholdDue | None:
        return next((h for h in self.households if h.household.pk == household_id), None)

    def totals(self) -> dict[str, Decimal]:
        """What the households pay (shares.json's `collection`)."""
        return {
            "due": sum((h.due for h in self.households), ZERO),
            "paid": sum((h.paid for h in self.households), ZERO),
            "exempt": sum((h.exempt for h in self.households), ZERO),
        }

    def compensation(self) -> dict | None:
        """The ground-floor compensation: owed, paid out, and to how many households (None if none)."""
        owed = [h for h in self.households if h.receives > 0]
        if not owed:
            return None
        return {
            "receives": sum((h.receives for h in owed), ZERO),
            "received": sum((h.received for h in owed), ZERO),
            "households": len(owed),
            "paid_households": sum(h.to_receive == 0 for h in owed),
        }

    def by_building(self) -> list[dict]:
        """Public: per building, households owing, paid and exempt — counts and sums, no names."""
        rows: dict[str, dict] = defaultdict(
            lambda: {"households": 0, "due": ZERO, "paid_count": 0, "paid": ZERO, "exempt_count": 0, "exempt": ZERO}
        )
        for h in self.households:
            if h.due <= 0:  # only receives the compensation
                continue
            row = rows[h.household.building.number]
            row["households"] += 1
            row["due"] += h.due
            row["paid"] += h.paid
            row["exempt"] += h.exempt
            row["paid_count"] += h.paid > 0 and h.remaining == 0 and h.exempt == 0
            row["exempt_count"] += h.exempt > 0
        return [{"building": number, **row} for number, row in rows.items()]


def collection_of(project) -> Collection:
    """Four queries: the items and their funding, the households, the payments' sums."""
    computed = shares.estate_shares(adopted_items(project), project.estate_id)
    owed: dict[int, HouseholdDue] = {}
    for item in computed:
        floors = set(item.item.compensation_floors or ()) if item.item.compensation_per_household else set()
        for h in item.households:
            row = owed.setdefault(h.household.pk, HouseholdDue(household=h.household))
            row.due += h.share
            if h.household.floor in floors:
                row.receives += item.item.compensation_per_household
    sums = (
        SharePayment.objects.filter(project=project)
        .values("household_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in sums:
        if row["household_id"] in owed:
            target = owed[row["household_id"]]
            if row["kind"] == SharePayment.Kind.PAYMENT:
                target.paid += row["total"]
            elif row["kind"] == SharePayment.Kind.PAYOUT:
                target.received += row["total"]
            else:
                target.exempt += row["total"]
    households = sorted(
        (row for row in owed.values() if row.due > 0 or row.receives > 0),
        key=lambda r: (r.household.building.number, r.household.unit, r.household.floor, r.household.room),
    )
    return Collection(computed=computed, households=households)


def unbatched_payments(project):
    """Payments not yet brought into the ledger — what a residents' income batch may name — and
    compensation paid out, not yet in the ledger — what a compensation expense batch may name."""
    return (
        SharePayment.objects.filter(
            project=project, kind__in=(SharePayment.Kind.PAYMENT, SharePayment.Kind.PAYOUT), ledger_entry__isnull=True
        )
        .select_related("household__building")
        .order_by("paid_on", "id")
    )
