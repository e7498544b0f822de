"""Needs (点单), the plan (三上三下) and the designers at the table."""

from __future__ import annotations

from stakeholders import permissions as stakeholder_permissions
from stakeholders.viewer import viewer_of

from ..lifecycle import NEEDS_OPEN_STATUSES
from ..models import (
    Need,
    PlanDesigner,
    PlanVersion,
    Project,
)
from .petitions import can_manage_votes

# --- needs (点单) ----------------------------------------------------------------------------------


def _drafter(user, estate) -> bool:
    """Council members and community staff of the estate draft the plan and review needs."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_council_member(user, estate)
        or stakeholder_permissions.is_community_staff(user, estate)
    )


def can_file_need(user, project: Project) -> bool:
    """Everyone who lives there asks (issue 18): a resident with a standing claim in the estate —
    verified owners, and those whose claim waits — while needs are collected."""
    return project.status in NEEDS_OPEN_STATUSES and project.estate_id in stakeholder_permissions.claimed_estate_ids(
        user
    )


def can_support_need(user, need) -> bool:
    """The same residents support open or included needs of their estate while needs are collected."""

    return need.status != Need.Status.DECLINED and can_file_need(user, need.project)


def can_triage_needs(user, project: Project) -> bool:
    return project.status in NEEDS_OPEN_STATUSES and _drafter(user, project.estate)


# --- plan (三上三下) ---------------------------------------------------------------------------------


def can_draft_plan(user, project: Project) -> bool:
    return project.status == Project.Status.PLANNING and _drafter(user, project.estate)


def can_start_plan_version(user, project: Project, live: PlanVersion | None) -> bool:
    """A first version, or a revision of the published one (which stops taking comments)."""
    return can_draft_plan(user, project) and (live is None or live.status == PlanVersion.Status.PUBLISHED)


def can_edit_plan_version(user, version: PlanVersion) -> bool:
    return version.status == PlanVersion.Status.DRAFT and can_draft_plan(user, version.project)


def can_publish_plan_version(user, version: PlanVersion) -> bool:
    """The street approver publishes a draft for the residents' comments (一上/二上/三上)."""
    return (
        version.status == PlanVersion.Status.DRAFT
        and version.project.status == Project.Status.PLANNING
        and (
            stakeholder_permissions.is_platform_admin(user)
            or stakeholder_permissions.is_street_approver(user, version.project.estate)
        )
    )


def can_comment_plan(user, version: PlanVersion) -> bool:
    return (
        version.status == PlanVersion.Status.PUBLISHED
        and version.project.status == Project.Status.PLANNING
        and (
            stakeholder_permissions.is_verified_owner(user, version.project.estate)
            or _drafter(user, version.project.estate)
        )
    )


def can_read_plan_version(user, version: PlanVersion, *, sees_project: bool) -> bool:
    """Every published version (and its comments, answers and changes) is readable by everyone —
    tenants, pending claimants, the public (issue 18); a draft only by those who see the project."""
    return version.status != PlanVersion.Status.DRAFT or sees_project


def can_answer_plan_comment(user, comment) -> bool:
    """The drafters (council, community committee) answer each comment once while the plan is being
    made: on the published version, or on it while its revision is drafted."""
    version = comment.version
    return (
        not comment.response
        and version.status in (PlanVersion.Status.PUBLISHED, PlanVersion.Status.SUPERSEDED)
        and version.project.status == Project.Status.PLANNING
        and (_drafter(user, version.project.estate) or is_plan_designer(user, version.project))
    )


def can_call_plan_vote(user, version: PlanVersion) -> bool:
    """The street approver puts a published version to the owners' special-matter vote."""
    return (
        version.status == PlanVersion.Status.PUBLISHED
        and version.project.status == Project.Status.PLANNING
        and can_manage_votes(user, version.project)
    )


# --- designers and community planners at the table (issue 18 item 9) ------------------------------

DESIGN_STATUSES = frozenset({Project.Status.ACCEPTED, Project.Status.PLANNING})


def is_plan_designer(user, project: Project) -> bool:
    """Staff of a designer or planner assigned to the project (kept per project on the viewer)."""
    viewer = viewer_of(user)
    known = viewer.__dict__.setdefault("designed_projects", {})
    if project.pk not in known:
        mine = {m.organization_id for m in viewer.memberships}
        known[project.pk] = (
            bool(mine) and PlanDesigner.objects.filter(project_id=project.pk, organization_id__in=mine).exists()
        )
    return known[project.pk]


def can_assign_designer(user, project: Project) -> bool:
    """The street office puts a designer or a community planner at the table while the plan is made."""
    return project.status in DESIGN_STATUSES and (
        stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(user, project.estate)
    )


def can_attach_drawing(user, version: PlanVersion) -> bool:
    """The project's designers attach drawings to a version being drafted or open for comment."""
    return (
        version.status in (PlanVersion.Status.DRAFT, PlanVersion.Status.PUBLISHED)
        and version.project.status == Project.Status.PLANNING
        and is_plan_designer(user, version.project)
    )
