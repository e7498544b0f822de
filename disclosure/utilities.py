"""Reads of the utilities' shares of budgets (issue 22 item 1): a budget's shares, and a utility's
desk of shares to answer."""

from __future__ import annotations

from django.db.models import QuerySet

from . import permissions
from .models import Budget, UtilityShare


def shares_of(budget: Budget | None) -> list[UtilityShare]:
    if budget is None:
        return []
    return list(
        UtilityShare.objects.filter(budget=budget).select_related("organization").order_by("organization__name")
    )


def _desk() -> QuerySet[UtilityShare]:
    return UtilityShare.objects.select_related(
        "organization", "budget__project__estate__community__street", "decided_by"
    ).filter(budget__status=Budget.Status.DRAFT)


def waiting_for(user) -> list[UtilityShare]:
    """The shares the user's utilities are asked to answer, oldest first (admins: every one)."""
    qs = _desk().filter(status=UtilityShare.Status.PENDING)
    if not permissions.sees_every_utility_share(user):
        qs = qs.filter(organization_id__in=permissions.utility_ids(user))
    return list(qs.order_by("named_at", "id"))


def answered_by(user, limit: int = 20) -> list[UtilityShare]:
    qs = _desk().exclude(status=UtilityShare.Status.PENDING)
    if not permissions.sees_every_utility_share(user):
        qs = qs.filter(organization_id__in=permissions.utility_ids(user))
    return list(qs.order_by("-decided_at", "-id")[:limit])


def dashboard_blocks(user) -> dict:
    """For a utility's people on the home page: how many budget shares wait for their answer (one query)."""
    ids = permissions.utility_ids(user)
    if not ids:
        return {}
    waiting = UtilityShare.objects.filter(
        organization_id__in=ids, status=UtilityShare.Status.PENDING, budget__status=Budget.Status.DRAFT
    ).count()
    return {"utility_shares": waiting}
