"""The works: award of the contractor and supervisor, and the completion acceptance (竣工验收)."""

from __future__ import annotations

from guardian.core import ObjectPermissionChecker

from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Organization
from stakeholders.viewer import viewer_of

from ..lifecycle import AWARD_STATUSES
from ..models import (
    AcceptanceSignature,
    CompletionReport,
    Defect,
    PlanDesigner,
    Project,
)
from .base import _granted, can_view_project

# --- award (contractor, supervisor) and completion acceptance (竣工验收) ----------------------------

REPORT_PROGRESS = "projects.report_progress"
SUPERVISE = "projects.supervise_project"
MANAGE = "projects.manage_estate"


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


def is_project_manager(user, project: Project) -> bool:
    """Staff of the firm the estate was handed over to at acceptance (its group holds the grant)."""
    return _granted_to_organization(user, MANAGE, project)


def is_acceptance_designer(user, project: Project) -> bool:
    """Staff of a design firm (设计单位, not a community planner) at the project's table."""
    mine = {m.organization_id for m in viewer_of(user).memberships if m.organization.kind == Organization.Kind.DESIGNER}
    return bool(mine) and PlanDesigner.objects.filter(project_id=project.pk, organization_id__in=mine).exists()


def required_acceptance_roles(project: Project) -> list[str]:
    """Who must agree for the acceptance to complete (art. 16): the contractor, the supervisor, the
    street office as the owner's representative, a council representative — and the designer when a
    design firm was at the table. Kept on the project object for the request."""
    if "_acceptance_required" not in project.__dict__:
        Role = AcceptanceSignature.Role
        roles = [Role.CONTRACTOR, Role.SUPERVISOR, Role.STREET, Role.COUNCIL]
        if PlanDesigner.objects.filter(project_id=project.pk, organization__kind=Organization.Kind.DESIGNER).exists():
            roles.insert(1, Role.DESIGNER)
        project.__dict__["_acceptance_required"] = [str(r) for r in roles]
    return project.__dict__["_acceptance_required"]


def filed_report(project: Project) -> CompletionReport | None:
    """The completion report waiting for signatures, with the roles that signed it (read once)."""
    if "_filed_report" not in project.__dict__:
        report = CompletionReport.objects.filter(project_id=project.pk, status=CompletionReport.Status.FILED).first()
        if report is not None:
            report.signed_roles = set(report.signatures.values_list("role", flat=True))
        project.__dict__["_filed_report"] = report
    return project.__dict__["_filed_report"]


def acceptance_roles(user, project: Project) -> list[str]:
    """The roles in which the user may still sign the filed completion report of this project."""
    if project.status != Project.Status.UNDER_CONSTRUCTION or not user.is_authenticated:
        return []
    report = filed_report(project)
    if report is None:
        return []
    Role = AcceptanceSignature.Role
    checks = {
        Role.CONTRACTOR: lambda: is_project_contractor(user, project),
        Role.DESIGNER: lambda: is_acceptance_designer(user, project),
        Role.SUPERVISOR: lambda: is_project_supervisor(user, project),
        Role.STREET: lambda: stakeholder_permissions.is_street_approver(user, project.estate),
        Role.COUNCIL: lambda: stakeholder_permissions.is_council_member(user, project.estate),
    }
    return [
        role for role in required_acceptance_roles(project) if role not in report.signed_roles and checks[Role(role)]()
    ]


def can_sign_acceptance(user, project: Project, role: str) -> bool:
    return role in acceptance_roles(user, project)


def can_refuse_acceptance(role: str) -> bool:
    """Every signer but the contractor may refuse: the contractor's signature confirms its own report."""
    return role != AcceptanceSignature.Role.CONTRACTOR


def can_file_completion_report(user, project: Project) -> bool:
    """The contractor files the (next) completion report while the works are under way, when no
    report waits for signatures and every defect of the last refusal is marked fixed."""
    return (
        project.status == Project.Status.UNDER_CONSTRUCTION
        and is_project_contractor(user, project)
        and filed_report(project) is None
        and not Defect.objects.filter(report__project_id=project.pk, fixed_at__isnull=True).exists()
    )


def can_fix_defects(user, project: Project) -> bool:
    """The contractor marks the punch list's defects fixed while the works are open."""
    return project.status == Project.Status.UNDER_CONSTRUCTION and is_project_contractor(user, project)


def can_fix_defect(user, defect: Defect) -> bool:
    return defect.fixed_at is None and can_fix_defects(user, defect.report.project)


def can_view_completion_document(user, report: CompletionReport) -> bool:
    """The document may carry names and signatures: those who see the project, not the public."""
    return bool(report.document) and can_view_project(user, report.project)
