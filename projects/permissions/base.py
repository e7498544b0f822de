"""Who may see and move a project: the view, and the lifecycle's hand-made transitions."""

from __future__ import annotations

from stakeholders import permissions as stakeholder_permissions
from stakeholders.viewer import viewer_of

from ..lifecycle import TRANSITIONS, By
from ..models import (
    Project,
)

VIEW = "projects.view_project"


def _granted(user, perm: str, project: Project) -> bool:
    checker = viewer_of(user).object_permissions
    return checker is not None and checker.has_perm(perm.split(".", 1)[1], project)


def can_view_project(user, project: Project) -> bool:
    """The same people as selectors.projects_visible_to (owners first: the most common, one query)."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_verified_owner(user, project.estate)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_community_staff(user, project.estate)
        or _granted(user, VIEW, project)
    )


def may_list_projects(user) -> bool:
    return user.is_authenticated


def can_transition(user, project: Project, to: str) -> bool:
    """By hand, through the project page. SERVICE transitions are never available here."""
    by = TRANSITIONS.get((project.status, to))
    if by is By.STREET_APPROVER:
        return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_approver(
            user, project.estate
        )
    if by is By.STREET_STAFF:
        return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(
            user, project.estate
        )
    return False


def available_transitions(user, project: Project) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == project.status and can_transition(user, project, to)]
