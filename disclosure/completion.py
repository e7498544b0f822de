"""What is unfinished when the contractor files the completion report (issue 20 item 2): the
adopted plan's items below 100 % by their latest progress post, and the milestones not met —
except the acceptance's own (type `assessment`), which the acceptance itself meets. Registered
in projects.services.acceptance.COMPLETION_GAPS by this app's AppConfig."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from projects.after_build import adopted_items
from projects.models import Project
from projects.services import Gap

from .ledger import MANAGEMENT_CATEGORIES
from .models import LedgerEntry, Milestone, ProgressUpdate


def completion_gaps(project: Project) -> list[Gap]:
    items = list(adopted_items(project).values_list("pk", "description"))
    latest: dict[int, int] = {}
    for item_id, percent in (
        ProgressUpdate.objects.filter(project=project, plan_item__isnull=False)
        .order_by("plan_item_id", "-posted_at", "-id")
        .values_list("plan_item_id", "percent")
    ):
        latest.setdefault(item_id, percent)
    gaps = [Gap("item", pk, title, str(latest.get(pk, 0))) for pk, title in items if latest.get(pk, 0) < 100]
    gaps += [
        Gap("milestone", m.pk, m.title, m.status, m.due_date.isoformat())
        for m in Milestone.objects.filter(project=project)
        .exclude(status=Milestone.Status.MET)
        .exclude(type=Milestone.Type.ASSESSMENT)
        .order_by("due_date", "id")
    ]
    return gaps


def ledger_spent_by_item(project: Project) -> dict[int, Decimal]:
    """Net spending per plan item from the ledger: expenses less their reversals, renovation money
    only (registered in projects.after_build.ITEM_SPENDING). One query."""
    spent: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for item_id, kind, amount, reversed_kind in (
        LedgerEntry.objects.filter(project=project, plan_item__isnull=False)
        .exclude(category__in=MANAGEMENT_CATEGORIES)
        .values_list("plan_item_id", "kind", "amount", "reverses__kind")
    ):
        if kind == LedgerEntry.Kind.EXPENSE:
            spent[item_id] += amount
        elif kind == LedgerEntry.Kind.REVERSAL and reversed_kind == LedgerEntry.Kind.EXPENSE:
            spent[item_id] -= amount
    return dict(spent)
