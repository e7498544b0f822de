"""The budget: a draft with its funding lines, its approval and its public notice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from approvals import selectors as approval_selectors
from approvals.errors import APPROVAL_ERRORS
from projects.models import FundingSource, PlanItemFunding, PlanVersion, Project
from projects.services import project_transition
from stakeholders.audit import by_actor
from stakeholders.models import User

from .. import notices, permissions
from ..models import Budget, BudgetLine
from .errors import BUDGET_ERRORS, _budget_error
from .utilities import utility_settled

# --- budget ------------------------------------------------------------------------------------


def adopted_plan(project: Project) -> PlanVersion | None:
    return PlanVersion.objects.filter(project=project, status=PlanVersion.Status.ADOPTED).order_by("-number").first()


def _clean_lines(total: Decimal, lines: dict[str, Decimal | None]) -> dict[str, Decimal]:
    if total is None or total <= 0:
        raise _budget_error("total_positive", "total")
    clean = {}
    for source, amount in lines.items():
        if amount in (None, ""):
            continue
        if source not in FundingSource.values:
            raise ValueError(f"unknown funding source {source!r}")
        if amount <= 0:
            raise _budget_error("line_positive", f"fund_{source}")
        clean[source] = Decimal(amount)
    if not clean:
        raise _budget_error("no_lines")
    line_sum = sum(clean.values(), Decimal("0"))
    if line_sum != total:
        raise _budget_error(
            "lines_mismatch", None, sum=f"{line_sum:,.2f}", total=f"{total:,.2f}", diff=f"{abs(total - line_sum):,.2f}"
        )
    return clean


OWNERS_LINES = (FundingSource.RESIDENTS, FundingSource.COMPENSATION)


def _check_owners_lines(project: Project, clean: dict[str, Decimal]) -> None:
    """What the owners pay is what they voted for: each owner's share is computed from the adopted
    plan's items (projects/shares.py), so the budget's residents' and compensation lines must be
    the plan's, to the fen."""
    plan = adopted_plan(project)
    if plan is None:
        return
    voted = dict(
        PlanItemFunding.objects.filter(item__version=plan, source__in=OWNERS_LINES)
        .values("source")
        .annotate(total=Sum("amount"))
        .values_list("source", "total")
    )
    for source in OWNERS_LINES:
        expected = voted.get(source) or Decimal("0.00")
        if clean.get(source, Decimal("0.00")) != expected:
            raise _budget_error(
                "owners_line",
                f"fund_{source}",
                line=FundingSource(source).label,
                expected=f"{expected:,.2f}",
                version=plan.number,
            )


@by_actor
@transaction.atomic
def budget_save_draft(*, project: Project, actor: User, total: Decimal, lines: dict[str, Decimal | None]) -> Budget:
    """Create or correct the draft budget: a total and its funding lines, which must add up."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    budget = Budget.objects.select_for_update().filter(project=locked).first()
    if not permissions.can_draft_budget(actor, locked, budget):
        if (
            budget is not None
            and budget.status != Budget.Status.DRAFT
            and permissions.can_draft_budget(actor, locked, None)
        ):
            raise _budget_error("state_changed", now=budget.get_status_display())
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    if budget is None and (hold := notices.budget_hold(locked)) is not None:  # the vote's result notice
        raise hold
    clean = _clean_lines(total, lines)
    _check_owners_lines(locked, clean)
    if budget is None:
        budget = Budget.objects.create(project=locked, total=total, drafted_by=actor)
    else:
        budget.total = total
        budget.save(update_fields=["total"])
        budget.lines.all().delete()
    BudgetLine.objects.bulk_create([BudgetLine(budget=budget, source=s, amount=a) for s, a in sorted(clean.items())])
    return budget


def _lock_budget(budget: Budget, expected: str, actor: User, may) -> Budget:
    """The budget as it is now, locked. Whoever holds the approver's role but finds it moved on (a
    double click, a second tab) is told so; anyone else is refused."""
    locked = (
        Budget.objects.select_for_update(of=("self",)).select_related("project__estate__community").get(pk=budget.pk)
    )
    if locked.status != expected:
        if permissions.is_budget_approver(actor, locked.project):
            raise _budget_error("state_changed", now=locked.get_status_display())
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    if not may(actor, locked):
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    return locked


def _approvals_done(project: Project) -> None:
    """并联审批 (issue 22): the budget is approved, and the project reaches `budget_approved`, only
    once every matter the adopted plan triggers is approved by its department."""
    if pending := approval_selectors.blocking(project):
        names = "、".join(f"{m.department.name}·{m.name}" for m in pending)
        raise ValidationError(APPROVAL_ERRORS["pending"], code="approvals_pending", params={"matters": names})


@by_actor
@transaction.atomic
def budget_approve(*, budget: Budget, actor: User) -> Budget:
    locked = _lock_budget(budget, Budget.Status.DRAFT, actor, permissions.can_approve_budget)
    _approvals_done(locked.project)
    utility_settled(locked)
    locked.status, locked.approved_by, locked.approved_at = Budget.Status.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    return locked


@by_actor
@transaction.atomic
def budget_publish(*, budget: Budget, actor: User, notice_days: int | None = None) -> Budget:
    """公示: the approved budget goes public with a notice period; the project is `budget_approved`."""
    notice_days = settings.BUDGET_NOTICE_DAYS if notice_days is None else notice_days
    if not 5 <= notice_days <= 60:
        raise _budget_error("notice_days", "notice_days")
    locked = _lock_budget(budget, Budget.Status.APPROVED, actor, permissions.can_publish_budget)
    _approvals_done(locked.project)
    utility_settled(locked)
    now = timezone.now()
    locked.status, locked.published_at = Budget.Status.PUBLISHED, now
    locked.notice_ends_on = timezone.localdate(now) + timedelta(days=notice_days)
    locked.save(update_fields=["status", "published_at", "notice_ends_on"])
    project_transition(project=locked.project, to=Project.Status.BUDGET_APPROVED, actor=actor, by_service=True)
    return locked
