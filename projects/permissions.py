"""Who may see and move a project. Street offices (and later contractors and supervisors) reach a
project through guardian grants to their organization's group; residents and community staff
through predicates on the estate (DESIGN §2)."""

from __future__ import annotations

from guardian.core import ObjectPermissionChecker

from stakeholders import permissions as people

from .lifecycle import TRANSITIONS, By
from .models import Project

VIEW = "projects.view_project"


def _granted(user, perm: str, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    checker = getattr(user, "_portal_project_checker", None)
    if checker is None:
        checker = user._portal_project_checker = ObjectPermissionChecker(user)
    return checker.has_perm(perm.split(".", 1)[1], project)


def can_view_project(user, project: Project) -> bool:
    return (
        people.is_platform_admin(user)
        or people.is_bureau_staff(user)
        or people.is_verified_owner(user, project.estate)
        or people.is_community_staff(user, project.estate)
        or _granted(user, VIEW, project)
    )


def may_list_projects(user) -> bool:
    return user.is_authenticated


def can_transition(user, project: Project, to: str) -> bool:
    """By hand, through the project page. SERVICE transitions are never available here."""
    by = TRANSITIONS.get((project.status, to))
    if by is By.STREET_APPROVER:
        return people.is_platform_admin(user) or people.is_street_approver(user, project.estate)
    if by is By.STREET_STAFF:
        return people.is_platform_admin(user) or people.is_street_staff(user, project.estate)
    return False


def available_transitions(user, project: Project) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == project.status and can_transition(user, project, to)]
