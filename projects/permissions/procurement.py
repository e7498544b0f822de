"""Procurement on the record (招标投标, issue 21 item 1): who keeps the record, who sees it before it
is decided, and who approves awarding a flagged organization."""

from __future__ import annotations

from stakeholders import permissions as stakeholder_permissions

from ..lifecycle import AWARD_STATUSES
from ..models import Project, Tender


def can_keep_tender_record(user, project: Project) -> bool:
    """The street office (as the buyer, 招标人) records the notice, the bids and the evaluation while
    the works may be awarded; the approver then awards from it."""
    return project.status in AWARD_STATUSES and (
        stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(user, project.estate)
    )


def can_see_tender_record(user, tender: Tender) -> bool:
    """The notice is public; the bids, scores and committee are public once the tender is decided.
    Before that: the street office, the housing bureau and admins."""
    if tender.is_public:
        return True
    estate = tender.project.estate
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_street_staff(user, estate)
    )


def can_ask_flagged_award(user, tender: Tender) -> bool:
    """The street approver asks the bureau, with a public reason, to award a flagged organization."""
    project = tender.project
    return (
        tender.status == Tender.Status.EVALUATED
        and project.status in AWARD_STATUSES
        and (
            stakeholder_permissions.is_platform_admin(user)
            or stakeholder_permissions.is_street_approver(user, project.estate)
        )
    )


def can_decide_flagged_award(user, tender: Tender) -> bool:
    """The housing bureau approves or refuses it — not the street office that asks."""
    return tender.status == Tender.Status.EVALUATED and (
        stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)
    )
