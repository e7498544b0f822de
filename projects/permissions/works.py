"""The works: award of the contractor and supervisor, and the completion acceptance (竣工验收)."""

from __future__ import annotations

from guardian.core import ObjectPermissionChecker

from stakeholders import permissions as stakeholder_permissions

from ..lifecycle import AWARD_STATUSES
from ..models import (
    AcceptanceSignature,
    Project,
)
from .base import _granted

# --- award (contractor, supervisor) and completion acceptance (竣工验收) ----------------------------

REPORT_PROGRESS = "projects.report_progress"
SUPERVISE = "projects.supervise_project"


def can_award(user, project: Project) -> bool:
    """The street approver awards the works once the budget is published, and may replace the
    contractor or the supervisor until completion."""
    return project.status in AWARD_STATUSES and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_street_approver(user, project.estate)
    )


def _granted_to_organization(user, perm: str, project: Project) -> bool:
    """The grant held by one of the user's organizations. A superuser passes every guardian check,
    but acts as contractor or supervisor only if they really are a member of that organization."""
    if user.is_authenticated and user.is_superuser:
        return perm.split(".", 1)[1] in set(ObjectPermissionChecker(user).get_group_perms(project))
    return _granted(user, perm, project)


def is_project_contractor(user, project: Project) -> bool:
    """A member of the organization currently awarded the works (its group holds the grant)."""
    return _granted_to_organization(user, REPORT_PROGRESS, project)


def is_project_supervisor(user, project: Project) -> bool:
    return _granted_to_organization(user, SUPERVISE, project)


def acceptance_roles(user, project: Project) -> list[str]:
    """The roles in which the user may sign the completion acceptance of this project now."""

    if project.status != Project.Status.UNDER_CONSTRUCTION:
        return []
    Role = AcceptanceSignature.Role
    roles = []
    if is_project_supervisor(user, project):
        roles.append(Role.SUPERVISOR)
    if stakeholder_permissions.is_street_approver(user, project.estate):
        roles.append(Role.STREET)
    if stakeholder_permissions.is_council_member(user, project.estate):
        roles.append(Role.COUNCIL)
    return roles


def can_sign_acceptance(user, project: Project, role: str) -> bool:
    return role in acceptance_roles(user, project)
