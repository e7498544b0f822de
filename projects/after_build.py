"""After the build (issue 20), the checks a plan needs: its management section before the vote,
each item's maintainer and warranty (the regulation's minimum for the kind of work by default), and
the section carried into the next version. Read by projects/services/plans.py and management.py."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from stakeholders.models import Organization

from .catalog import warranty_minimum
from .models import (
    AcceptanceSignature,
    CompletionLine,
    CompletionReport,
    Defect,
    PlanItem,
    PlanManagement,
    PlanVersion,
)

MANAGEMENT_ERRORS = {
    "operator_required": _("Choose who will manage the estate after the works."),
    "firm_kind": _("Choose a property-management firm registered on the portal (or leave it for the tender)."),
    "firm_only_for_property": _("A firm is named only when a property-management firm will manage the estate."),
    "service_level_required": _("Say what service the owners get (e.g. cleaning daily, security 24 hours)."),
    "fee_range": _("The fee is between ¥0.00 and ¥100.00 per m² per month."),
    "sources_required": _("Say where maintenance money comes from: choose at least one source."),
    "term_range": _("The firm's contract runs for 1 to 10 whole years."),
    "management_required": _(
        "Write the plan's management section first (who manages the estate after the works, the fee, where "
        "maintenance money comes from): the owners vote on it with the plan."
    ),
    "utility_required": _("Choose the utility that maintains its own pipes and lines."),
    "utility_only": _("A utility is named only when a utility maintains the facility."),
    "warranty_minimum": _(
        "The warranty of this kind of work is at least %(months)s months (《建设工程质量管理条例》 art. 40)."
    ),
    "warranty_range": _("Give the warranty in whole months, at most 1,200."),
}
_error = errors_for(MANAGEMENT_ERRORS)


def check_management(version: PlanVersion) -> None:
    """For plan_vote_call: a version goes to the vote only with its management section."""
    if not PlanManagement.objects.filter(version=version).exists():
        raise _error("management_required")


def check_after_build(catalog_item, maintainer: str, maintainer_organization, warranty_months) -> tuple[dict, int]:
    """For plan_item_add: ({field: error}, the warranty in months — the regulation's minimum for
    the kind of work when none is given)."""
    errors = {}
    if maintainer == PlanItem.Maintainer.UTILITY:
        if maintainer_organization is None or maintainer_organization.kind != Organization.Kind.UTILITY:
            errors["maintainer_organization"] = _error("utility_required")
    elif maintainer_organization is not None:
        errors["maintainer_organization"] = _error("utility_only")
    minimum = warranty_minimum(catalog_item.code)
    months = minimum if warranty_months in (None, "") else warranty_months
    if not isinstance(months, int) or not 1 <= months <= 1200:
        errors["warranty_months"] = _error("warranty_range")
    elif months < minimum:
        errors["warranty_months"] = _error("warranty_minimum", months=minimum)
    return errors, months


def copy_management(previous: PlanVersion, version: PlanVersion) -> None:
    """The next version starts from the previous one's section (plan_version_start)."""
    found = PlanManagement.objects.filter(version=previous).first()
    if found is not None:
        found.pk, found.id, found.version = None, None, version
        found._state.adding = True
        found.save()


def warranty_end(completed_on: date | None, months: int) -> date | None:
    """The warranty's last day: `months` after acceptance (the same day of the month, or the
    month's last day when it has no such day), None before acceptance."""
    if completed_on is None:
        return None
    month = completed_on.month - 1 + months
    year, month = completed_on.year + month // 12, month % 12 + 1
    return date(year, month, min(completed_on.day, calendar.monthrange(year, month)[1]))


def adopted_items(project):
    """The adopted plan's items in the catalog's order, with their catalog item: the one query the
    acceptance, the completion report, the ledger's forms and the API read them by."""
    return (
        PlanItem.objects.filter(version__project=project, version__status=PlanVersion.Status.ADOPTED)
        .select_related("catalog_item")
        .order_by("catalog_item__position", "id")
    )


def adopted_management(project) -> PlanManagement | None:
    return (
        PlanManagement.objects.filter(version__project=project, version__status=PlanVersion.Status.ADOPTED)
        .select_related("organization")
        .order_by("-version__number")
        .first()
    )


def maintainer_organization(item: PlanItem) -> Organization | None:
    """Who maintains the item once its warranty is over, if it is on the portal: its utility, or
    the firm the adopted management section names; None means the community committee."""
    if item.maintainer == PlanItem.Maintainer.UTILITY:
        return item.maintainer_organization
    if item.maintainer == PlanItem.Maintainer.MANAGER:
        management = adopted_management(item.version.project)
        if management is not None and management.organization is not None and management.organization.is_active:
            return management.organization
    return None


def items_with_warranty(project) -> list[PlanItem]:
    """The adopted plan's items, each with `warranty_until` (None before acceptance) — for the
    public project page (保修至) and the complaint form. One query."""
    items = list(adopted_items(project).select_related("maintainer_organization"))
    return with_warranty(items, project.completed_on)


def with_warranty(items: list[PlanItem], completed_on: date | None) -> list[PlanItem]:
    """The items (already read), each given `warranty_until` from the acceptance date."""
    for item in items:
        item.warranty_until = warranty_end(completed_on, item.warranty_months)
    return items


# --- the completion acceptance (item 2), read for its page and the public project page -------------

GAP_STATES = {
    "scheduled": _("not met yet"),
    "notMet": _("not met"),
    "partiallyMet": _("partially met"),
}


def acceptance_record(project) -> list[CompletionReport]:
    """Every completion report of the project, newest first, with its lines, signatures (with the
    signer) and defects; each stored gap gets its words (`gap.words`). Four queries."""
    reports = list(
        CompletionReport.objects.filter(project=project)
        .select_related("organization")
        .prefetch_related(
            Prefetch("lines", queryset=CompletionLine.objects.select_related("plan_item").order_by("id")),
            Prefetch(
                "signatures",
                queryset=AcceptanceSignature.objects.select_related("signed_by").order_by("signed_at", "id"),
            ),
            Prefetch(
                "defects", queryset=Defect.objects.select_related("plan_item", "signature").order_by("due_on", "id")
            ),
        )
        .order_by("-number")
    )
    for report in reports:
        report.project = project
        for gap in report.gaps:
            gap["words"] = (
                _("%(percent)s%% done") % {"percent": gap["state"]}
                if gap["kind"] == "item"
                else GAP_STATES.get(gap["state"], gap["state"])
            )
        report.total_final = sum((line.final_cost for line in report.lines.all()), Decimal("0"))
        report.total_planned = sum((line.plan_item.estimated_cost for line in report.lines.all()), Decimal("0"))
    return reports


# What the ledger spent on each item (renovation money, net of reversals), registered by the
# disclosure app (it keeps the ledger): the acceptance page sets each report's final cost beside it.
ITEM_SPENDING: list = []


def with_ledger_spending(project, report: CompletionReport | None) -> None:
    """Give each line of `report` the ledger's spending on its item (`line.ledger_spent`), what of
    its final cost is not paid yet (`line.unpaid`) or what was paid beyond it (`line.overpaid`); the
    report gets `total_spent`. One query."""
    if report is None or not ITEM_SPENDING:
        return
    spent = ITEM_SPENDING[0](project)
    for line in report.lines.all():
        line.ledger_spent = spent.get(line.plan_item_id, Decimal("0.00"))
        line.unpaid = max(line.final_cost - line.ledger_spent, Decimal("0.00"))
        line.overpaid = max(line.ledger_spent - line.final_cost, Decimal("0.00"))
    report.total_spent = sum(
        (spent.get(line.plan_item_id, Decimal("0.00")) for line in report.lines.all()), Decimal("0.00")
    )
