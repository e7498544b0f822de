"""Reads of the year's plan (年度项目库) and the negative list (负面清单): the years with their
counts, a year's entries as each person may see them, what a street office may still propose."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from stakeholders import permissions as stakeholder_permissions

from . import permissions
from .models import AnnualPlan, ExcludedSpending, PlanEntry, Project


def years() -> QuerySet[AnnualPlan]:
    """Every year's plan with how many projects it confirmed and how many wait (one query)."""
    return AnnualPlan.objects.annotate(
        confirmed=Count("entries", filter=Q(entries__status=PlanEntry.Status.CONFIRMED)),
        proposed=Count("entries", filter=Q(entries__status=PlanEntry.Status.PROPOSED)),
    ).order_by("-year")


def entries_of(plan: AnnualPlan, user) -> list[PlanEntry]:
    """The confirmed entries (public), and the proposals and refusals the user may see: the bureau
    every street's, a street office its own."""
    qs = PlanEntry.objects.filter(plan=plan).select_related("project__estate__community__street")
    visible = Q(status=PlanEntry.Status.CONFIRMED)
    if permissions.keeps_the_plan(user):
        visible = Q()
    elif permissions.may_propose(user):
        visible |= Q(project__estate__community__street_id__in=stakeholder_permissions.street_ids_staffed(user))
    return list(qs.filter(visible).order_by("project__estate__community__street__name", "project__estate__name"))


def proposable(user, plan: AnnualPlan) -> QuerySet[Project]:
    """The user's street's projects that may still go into a plan (accepted, not yet planned or proposed)."""
    qs = Project.objects.select_related("estate__community__street").filter(
        status__in=permissions.PROPOSABLE, plan_year__isnull=True
    )
    if not stakeholder_permissions.is_platform_admin(user):
        qs = qs.filter(estate__community__street_id__in=stakeholder_permissions.street_ids_staffed(user))
    live = PlanEntry.objects.filter(project=OuterRef("pk")).exclude(status=PlanEntry.Status.DECLINED)
    return qs.filter(~Exists(live)).order_by("estate__name", "code")


def negative_list() -> QuerySet[ExcludedSpending]:
    return ExcludedSpending.objects.prefetch_related("items").order_by("-is_active", "name")
