"""Who may see the city's numbers: report exports and the audit trail (architecture §2: bureau staff the
whole city, street staff their own street, admins everything)."""

from __future__ import annotations

from stakeholders import permissions as stakeholder_permissions


def may_export(user) -> bool:
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_any_street_staff(user)
    )


def export_street_ids(user) -> frozenset[int] | None:
    """The streets whose rows the user may export; None for the whole city."""
    if stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user):
        return None
    return frozenset(stakeholder_permissions.street_ids_staffed(user))


def can_export_street(user, street_id: int) -> bool:
    scope = export_street_ids(user)
    return may_export(user) and (scope is None or street_id in scope)


def can_download_export(user, job) -> bool:
    """Only the person who asked for the file (and admins): it may hold a street's figures."""
    return stakeholder_permissions.is_platform_admin(user) or (user.is_authenticated and job.requested_by_id == user.pk)


def may_view_audit(user) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


def can_edit_guides(user) -> bool:
    """The housing bureau writes the policy and rights pages (政策与权利)."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


def can_see_street_scores(user) -> bool:
    """How streets perform (issue 22 item 5): the bureau's page, and admins'."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)
