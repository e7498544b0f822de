"""Who may do what in the parallel approvals (issue 22): the bureau keeps the catalog and sees
every queue; the street office submits its adopted plan once and resubmits what was returned; each
department decides the matters in its own queue, and nobody else's."""

from __future__ import annotations

from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Organization
from stakeholders.viewer import viewer_of

from .models import Review

DECIDING_KINDS = (Organization.Kind.DEPARTMENT, Organization.Kind.UTILITY)


def department_ids(user) -> frozenset[int]:
    """The departments (and utilities) the user works for: the queues they decide."""
    return frozenset(m.organization_id for m in viewer_of(user).memberships if m.organization.kind in DECIDING_KINDS)


def works_for_utility(user) -> bool:
    """Utilities also answer the budget shares asked of them (disclosure's utility desk)."""
    return any(m.organization.kind == Organization.Kind.UTILITY for m in viewer_of(user).memberships)


def can_manage_catalog(user) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


def may_use_desk(user) -> bool:
    """The review desk (403 otherwise): departments, utilities, the bureau, admins."""
    return bool(department_ids(user)) or can_manage_catalog(user)


def can_submit(user, project: Project) -> bool:
    """The street office submits the adopted plan, once, before the budget."""
    return project.status == Project.Status.PLAN_ADOPTED and (
        stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(user, project.estate)
    )


def can_see_review(user, review: Review) -> bool:
    """The review with its shared documents: the department, the street office, the bureau, admins."""
    return (
        review.department_id in department_ids(user)
        or can_manage_catalog(user)
        or stakeholder_permissions.is_street_staff(user, review.submission.project.estate)
    )


def can_decide(user, review: Review) -> bool:
    return review.status == Review.Status.PENDING and review.department_id in department_ids(user)


def can_resubmit(user, review: Review, *, latest: bool) -> bool:
    """A returned matter goes back, with what was changed, while the plan is still adopted."""
    project = review.submission.project
    return (
        latest
        and review.status == Review.Status.RETURNED
        and project.status == Project.Status.PLAN_ADOPTED
        and (
            stakeholder_permissions.is_platform_admin(user)
            or stakeholder_permissions.is_street_staff(user, project.estate)
        )
    )


def may_open_every_review(user, project: Project) -> bool:
    """Who opens any round of a project's matters from its page (the rest read the page; each
    department opens its own): the street office, the bureau, admins."""
    return can_manage_catalog(user) or stakeholder_permissions.is_street_staff(user, project.estate)


def can_download_submission(user, submission, reviewing: frozenset[int]) -> bool:
    """The shared documents: every department with a matter in the submission (`reviewing`, their
    ids), the street office, the bureau, admins."""
    return bool(submission.document) and (
        bool(department_ids(user) & reviewing) or may_open_every_review(user, submission.project)
    )
