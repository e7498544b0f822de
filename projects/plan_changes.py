"""What a plan version changed against the one before (三上三下: each round says what it took from
the residents): items added, removed and changed (quantity, unit, cost, who pays), the cost delta,
and the comments on earlier versions it answers. Reads only; exact Decimal arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from .models import PlanComment, PlanItem, PlanItemFunding, PlanManagement, PlanVersion


@dataclass
class ItemChange:
    name: str  # catalog item
    description: str
    before: PlanItem | None
    after: PlanItem | None

    @property
    def delta(self) -> Decimal:
        return (self.after.estimated_cost if self.after else Decimal("0")) - (
            self.before.estimated_cost if self.before else Decimal("0")
        )

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass
class Changes:
    previous: PlanVersion
    items: list[ItemChange] = field(default_factory=list)
    total_before: Decimal = Decimal("0")
    total_after: Decimal = Decimal("0")
    management: str = ""  # "added", "changed", "removed" or "" (the management section, issue 20)

    @property
    def delta(self) -> Decimal:
        return self.total_after - self.total_before


def _key(item: PlanItem) -> tuple:
    return (item.catalog_item_id, item.description.strip())


def _same(a: PlanItem, b: PlanItem) -> bool:
    lines = lambda item: sorted((f.source, f.amount) for f in item.funding.all())  # noqa: E731
    sharing = lambda item: (  # noqa: E731 - who shares the residents' part is part of what owners vote on
        item.share_scope,
        item.share_building_id,
        item.share_entrance,
        item.share_method,
        item.share_coefficients,
        item.share_agreement,
        item.share_weights,
        item.compensation_per_household,
        item.maintainer,
        item.maintainer_organization_id,
        item.warranty_months,
        item.compensation_floors,
    )
    same_cost = (a.quantity, a.unit, a.estimated_cost) == (b.quantity, b.unit, b.estimated_cost)
    return same_cost and lines(a) == lines(b) and sharing(a) == sharing(b)


def changes_from_previous(version: PlanVersion, items: list[PlanItem]) -> Changes | None:
    """`items` are this version's (already read, with catalog item and funding). Items are matched by
    catalog item and description: an edited description reads as one removed and one added. One
    query for the previous version with its items (two prefetches)."""
    previous = (
        PlanVersion.objects.filter(project_id=version.project_id, number__lt=version.number)
        .order_by("-number")
        .select_related("management")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related("catalog_item", "share_building").prefetch_related(
                    Prefetch("funding", queryset=PlanItemFunding.objects.order_by("source"))
                ),
            )
        )
        .first()
    )
    if previous is None:
        return None
    before = {_key(i): i for i in previous.items.all()}
    after = {_key(i): i for i in items}
    changes = Changes(
        previous=previous,
        total_before=sum((i.estimated_cost for i in before.values()), Decimal("0")),
        total_after=sum((i.estimated_cost for i in after.values()), Decimal("0")),
    )
    for key, item in after.items():
        old = before.get(key)
        if old is None or not _same(old, item):
            changes.items.append(ItemChange(item.catalog_item.name, item.description, old, item))
    for key, old in before.items():
        if key not in after:
            changes.items.append(ItemChange(old.catalog_item.name, old.description, old, None))
    changes.management = _management_change(_management(previous), _management(version))
    return changes


def _management(version: PlanVersion):
    try:
        return version.management
    except PlanManagement.DoesNotExist:
        return None


def _management_change(before, after) -> str:
    fields = lambda m: (  # noqa: E731
        m.operator,
        m.organization_id,
        m.service_level,
        m.fee_per_m2_month,
        m.sources,
        m.notes,
        m.contract_years,
    )
    if before is None:
        return "added" if after is not None else ""
    if after is None:
        return "removed"
    return "changed" if fields(before) != fields(after) else ""


def answered_before(version: PlanVersion):
    """The comments on earlier versions and their answers: what this version responds to."""
    return (
        PlanComment.objects.filter(version__project_id=version.project_id, version__number__lt=version.number)
        .select_related("author__resident", "version")
        .order_by("version__number", "created_at", "id")
    )
