"""Who keeps the year's plan (年度项目库) and the negative list (负面清单): the housing bureau opens a
year, confirms or declines proposals and keeps the list; a street office proposes its own estates'
accepted projects while the year is open. Reading the confirmed plan and the list is public."""

from __future__ import annotations

from stakeholders import permissions as stakeholder_permissions

from ..models import AnnualPlan, PlanEntry, Project

# From acceptance until the budget: what a year's plan is made of (a project already under
# construction was planned before).
PROPOSABLE = (
    Project.Status.ACCEPTED,
    Project.Status.PLANNING,
    Project.Status.PLAN_VOTING,
    Project.Status.PLAN_ADOPTED,
    Project.Status.BUDGET_APPROVED,
)


def keeps_the_plan(user) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


def can_open_year(user) -> bool:
    return keeps_the_plan(user)


def can_close_year(user, plan: AnnualPlan) -> bool:
    return plan.status == AnnualPlan.Status.OPEN and keeps_the_plan(user)


def may_propose(user) -> bool:
    """The proposal form is shown to street offices (what they may propose is each project's call)."""
    return stakeholder_permissions.is_platform_admin(user) or bool(stakeholder_permissions.street_ids_staffed(user))


def proposes_for(user, project: Project) -> bool:
    """The role, whatever the state: the estate's street office (and admins)."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(
        user, project.estate
    )


def can_propose(user, plan: AnnualPlan, project: Project) -> bool:
    return (
        plan.status == AnnualPlan.Status.OPEN
        and project.status in PROPOSABLE
        and project.plan_year is None
        and proposes_for(user, project)
    )


def can_decide_entry(user, entry: PlanEntry) -> bool:
    return entry.status == PlanEntry.Status.PROPOSED and keeps_the_plan(user)


def can_withdraw_entry(user, entry: PlanEntry) -> bool:
    """The street office takes back a proposal the bureau has not answered."""
    return entry.status == PlanEntry.Status.PROPOSED and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_street_staff(user, entry.project.estate)
    )


def can_keep_negative_list(user) -> bool:
    return keeps_the_plan(user)
