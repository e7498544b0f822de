"""The utilities' part of a budget (issue 22 item 1, 专营单位出资): the street office names which
utility carries how much of the budget's utility line; each utility confirms it or disputes it with
its reason; the budget is approved only when the shares add up to the line and every one is
confirmed. Changing an amount asks the utility again."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from core.errors import errors_for
from projects.models import FundingSource
from stakeholders.audit import by_actor
from stakeholders.models import Membership, Notification, Organization, User
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify

from .. import permissions
from ..models import Budget, BudgetLine, UtilityShare
from .errors import UTILITY_ERRORS

_error = errors_for(UTILITY_ERRORS)


def utility_line(budget: Budget) -> Decimal:
    line = BudgetLine.objects.filter(budget=budget, source=FundingSource.UTILITY).values_list("amount", flat=True)
    return next(iter(line), Decimal("0.00"))


def _lock(budget: Budget) -> Budget:
    return Budget.objects.select_for_update(of=("self",)).select_related("project__estate__community").get(pk=budget.pk)


def _ask(share: UtilityShare) -> None:
    project = share.budget.project
    notify(
        users=Membership.objects.filter(organization=share.organization).values_list("user_id", flat=True),
        kind=Notification.Kind.UTILITY_SHARE_ASKED,
        url=reverse("disclosure:utility_desk"),
        key=f"utility:{share.pk}:asked:{share.named_at.timestamp():.6f}",
        estate=project.estate.name,
        utility=share.organization.name,
        amount=f"{share.amount:,.2f}",
    )


@by_actor
@transaction.atomic
def utility_share_set(*, budget: Budget, actor: User, organization: Organization, amount: Decimal) -> UtilityShare:
    """Name a utility's share of the line, or change it (a new amount is asked again)."""
    locked = _lock(budget)
    if not permissions.can_name_utility_shares(actor, locked):
        raise PermissionDenied(UTILITY_ERRORS["not_allowed"])
    if organization.kind != Organization.Kind.UTILITY or not organization.is_active:
        raise _error("not_utility", "organization")
    if amount is None or amount <= 0:
        raise _error("amount_positive", "amount")
    line = utility_line(locked)
    if not line:
        raise _error("no_utility_line")
    others = UtilityShare.objects.filter(budget=locked).exclude(organization=organization).aggregate(s=Sum("amount"))
    if (others["s"] or 0) + amount > line:
        raise _error("over_line", "amount", sum=f"{(others['s'] or 0) + amount:,.2f}", line=f"{line:,.2f}")
    share = UtilityShare.objects.filter(budget=locked, organization=organization).first()
    if share is not None and share.amount == amount and share.status != UtilityShare.Status.DISPUTED:
        return share  # the same again: nothing to ask
    share = share or UtilityShare(budget=locked, organization=organization)
    share.amount, share.status, share.text = amount, UtilityShare.Status.PENDING, ""
    share.named_by, share.named_at, share.decided_by, share.decided_at = actor, timezone.now(), None, None
    share.save()
    _ask(share)
    return share


@by_actor
@transaction.atomic
def utility_share_remove(*, share: UtilityShare, actor: User) -> None:
    locked = _lock(share.budget)
    if not permissions.can_name_utility_shares(actor, locked):
        raise PermissionDenied(UTILITY_ERRORS["not_allowed"])
    UtilityShare.objects.filter(pk=share.pk, budget=locked).delete()


DECISIONS = {"confirm": UtilityShare.Status.CONFIRMED, "dispute": UtilityShare.Status.DISPUTED}


@by_actor
@transaction.atomic
def utility_share_decide(*, share: UtilityShare, actor: User, decision: str, text: str = "") -> UtilityShare:
    """The utility confirms its share, or disputes it with a reason the street office reads."""
    budget = _lock(share.budget)
    locked = UtilityShare.objects.select_for_update().select_related("organization").get(pk=share.pk)
    locked.budget = budget
    if not permissions.can_decide_utility_share(actor, locked):
        if locked.organization_id in permissions.utility_ids(actor) and budget.status == Budget.Status.DRAFT:
            raise _error("decided", status=locked.get_status_display())
        raise PermissionDenied(UTILITY_ERRORS["decide_not_allowed"])
    if decision not in DECISIONS:
        raise _error("decision", "decision")
    text = (text or "").strip()
    if decision == "dispute" and not text:
        raise _error("reason_required", "text")
    locked.status, locked.text = DECISIONS[decision], text
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "text", "decided_by", "decided_at"])
    project = budget.project
    notify(
        users=street_office_user_ids(project.estate.community.street_id),
        kind=Notification.Kind.UTILITY_SHARE_DECIDED,
        url=reverse("disclosure:budget_utilities", args=[project.code]),
        key=f"utility:{locked.pk}:decided:{locked.decided_at.timestamp():.6f}",
        estate=project.estate.name,
        utility=locked.organization.name,
        amount=f"{locked.amount:,.2f}",
        decision=str(locked.status),
    )
    return locked


def utility_problems(budget: Budget) -> list[str]:
    """What keeps the utility line from being settled (empty: settled, or no utility line)."""
    line = utility_line(budget)
    if not line:
        return []
    shares = list(UtilityShare.objects.filter(budget=budget).select_related("organization"))
    problems = []
    named = sum((s.amount for s in shares), Decimal("0.00"))
    if named != line:
        problems.append(str(UTILITY_ERRORS["shares_short"]) % {"sum": f"{named:,.2f}"})
    for s in shares:
        if s.status == UtilityShare.Status.PENDING:
            problems.append(str(UTILITY_ERRORS["waiting"]) % {"utility": s.organization.name})
        elif s.status == UtilityShare.Status.DISPUTED:
            problems.append(str(UTILITY_ERRORS["disputed"]) % {"utility": s.organization.name, "reason": s.text})
    return problems


def utility_settled(budget: Budget) -> None:
    """Raised before the budget's approval while the utility line is not settled."""
    if problems := utility_problems(budget):
        raise ValidationError(
            UTILITY_ERRORS["unsettled"],
            code="utilities_unsettled",
            params={"line": f"{utility_line(budget):,.2f}", "problems": "；".join(problems)},
        )
