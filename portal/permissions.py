"""Who may see the city's numbers: report exports and the audit trail (architecture §2: bureau staff the
whole city, street staff their own street, admins everything)."""

from __future__ import annotations

from stakeholders import permissions as people


def may_export(user) -> bool:
    return people.is_platform_admin(user) or people.is_bureau_staff(user) or people.is_any_street_staff(user)


def export_street_ids(user) -> frozenset[int] | None:
    """The streets whose rows the user may export; None for the whole city."""
    if people.is_platform_admin(user) or people.is_bureau_staff(user):
        return None
    return frozenset(people.street_ids_staffed(user))


def can_export_street(user, street_id: int) -> bool:
    scope = export_street_ids(user)
    return may_export(user) and (scope is None or street_id in scope)


def can_download_export(user, job) -> bool:
    """Only the person who asked for the file (and admins): it may hold a street's figures."""
    return people.is_platform_admin(user) or (user.is_authenticated and job.requested_by_id == user.pk)


def may_view_audit(user) -> bool:
    return people.is_platform_admin(user) or people.is_bureau_staff(user)
