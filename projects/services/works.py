"""The works: award of the contractor and supervisor (with their object permissions). The
completion acceptance (竣工验收) is in acceptance.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import coded_error, errors_for
from stakeholders.audit import by_actor
from stakeholders.listings import negative_entry
from stakeholders.models import Organization, User
from stakeholders.services import organization_grant, organization_revoke

from .. import permissions
from ..models import (
    Award,
    Bid,
    FlaggedAward,
    Project,
    ProjectEvent,
    Tender,
)
from ..revision import project_touch
from .lifecycle import project_transition

AWARD_ERRORS = {
    "not_allowed": _("Only the street office's approver awards the works, after the budget is published."),
    "wrong_kind_contractor": _("Choose a contractor (施工单位)."),
    "wrong_kind_supervisor": _("Choose a supervisor (监理)."),
    "nothing_to_award": _("Choose a contractor, a supervisor or both."),
    "reason_required": _("Say why the current organization is replaced: residents will see it on the timeline."),
    "same_organization": _("%(name)s already holds this award."),
    "inactive": _("%(name)s is no longer active in the portal."),
    "amount_positive": _("The contract amount must be more than zero."),
    "status_changed": _("The project's status changed a moment ago (it is now “%(now)s”). Reload the page and check."),
    "negative_listed": _("%(name)s is on the housing bureau's negative list (%(reason)s): it cannot be awarded."),
}
AWARD_PERMS = {
    Award.Role.CONTRACTOR: ("projects.view_project", permissions.REPORT_PROGRESS),
    Award.Role.SUPERVISOR: ("projects.view_project", permissions.SUPERVISE),
}
AWARD_KINDS = {Award.Role.CONTRACTOR: Organization.Kind.CONTRACTOR, Award.Role.SUPERVISOR: Organization.Kind.SUPERVISOR}
# What may hold the first award back (each returns a ValidationError or None): apps that own a
# notice register theirs — disclosure: the budget's public notice and its objections.
AWARD_HOLDS: list = []


@by_actor
@transaction.atomic
def project_award(  # noqa: C901 - each role (contractor, supervisor) checked, replaced and granted in turn
    *,
    project: Project,
    actor: User,
    contractor: Organization | None = None,
    supervisor: Organization | None = None,
    contract_amount: Decimal | None = None,
    reason: str = "",
    winner_reason: str = "",
) -> list[Award]:
    """Award the works (施工) and their supervision (监理). The organizations' groups get the
    project's permissions; a replaced organization loses them. Once both are awarded on a project
    with a published budget, it is `contracted`."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_award(actor, locked):
        if permissions.can_award(actor, project):
            raise ValidationError(
                AWARD_ERRORS["status_changed"], code="status_changed", params={"now": locked.get_status_display()}
            )
        raise PermissionDenied(AWARD_ERRORS["not_allowed"])
    chosen = {Award.Role.CONTRACTOR: contractor, Award.Role.SUPERVISOR: supervisor}
    if not any(chosen.values()):
        raise coded_error(AWARD_ERRORS, "nothing_to_award")
    if contract_amount is not None and contract_amount <= 0:
        raise coded_error(AWARD_ERRORS, "amount_positive", "contract_amount")
    current = {a.role: a for a in Award.objects.select_for_update().filter(project=locked, ended_at__isnull=True)}
    if not current:  # the first award; replacing an organization later is not held
        for hold in AWARD_HOLDS:
            if (error := hold(locked)) is not None:
                raise error
    # Choosing the organization that already holds a role again, beside a real change of the other
    # role, means "keep it": only the change is made (the field test's whole form was refused).
    unchanged = [
        role
        for role, organization in chosen.items()
        if organization is not None
        and role in current
        and current[role].organization_id == organization.pk
        and not (
            role == Award.Role.CONTRACTOR
            and contract_amount is not None
            and contract_amount != current[role].contract_amount
        )
    ]
    if unchanged and len(unchanged) < sum(1 for o in chosen.values() if o is not None):
        for role in unchanged:
            chosen[role] = None
    reason = (reason or "").strip()
    winner_reason = (winner_reason or "").strip()
    made = []
    for role, organization in chosen.items():
        if organization is None:
            continue
        if organization.kind != AWARD_KINDS[role]:
            raise coded_error(AWARD_ERRORS, f"wrong_kind_{role}", role)
        if not organization.is_active:
            raise ValidationError(
                {role: ValidationError(AWARD_ERRORS["inactive"], code="inactive", params={"name": organization.name})}
            )
        if (entry := negative_entry(organization)) is not None:  # 负面清单 (issue 21 item 2)
            raise ValidationError(
                {
                    role: ValidationError(
                        AWARD_ERRORS["negative_listed"],
                        code="negative_listed",
                        params={"name": organization.name, "reason": entry.reason},
                    )
                }
            )
        previous = current.get(role)
        if previous is not None:
            if previous.organization_id == organization.pk:
                raise ValidationError(
                    {
                        role: ValidationError(
                            AWARD_ERRORS["same_organization"],
                            code="same_organization",
                            params={"name": organization.name},
                        )
                    }
                )
            if not reason:
                raise coded_error(AWARD_ERRORS, "reason_required", "reason")
        # The winner comes from the procurement record (issue 21 item 1), a replacement's too.
        tender, bid = winning_bid(project=locked, role=role, organization=organization, winner_reason=winner_reason)
        amount = contract_within_bid(contract_amount if role == Award.Role.CONTRACTOR else None, bid)
        if previous is not None:
            previous.ended_at = timezone.now()
            previous.end_reason = reason
            previous.save(update_fields=["ended_at", "end_reason"])
            for perm in AWARD_PERMS[role]:
                organization_revoke(organization=previous.organization, perm=perm, obj=locked)
        award = Award.objects.create(
            project=locked,
            role=role,
            organization=organization,
            awarded_by=actor,
            contract_amount=amount,
            bid=bid,
            winner_reason=winner_reason if bid.rank != 1 else "",
        )
        tender_awarded(tender)
        for perm in AWARD_PERMS[role]:
            organization_grant(organization=organization, perm=perm, obj=locked)
        current[role] = award
        made.append(award)
        with translation.override(settings.LANGUAGE_CODE):
            note = _("%(role)s: %(name)s") % {"role": award.get_role_display(), "name": organization.name}
            if previous is not None:
                note += " · " + str(
                    _("replaces %(name)s: %(reason)s") % {"name": previous.organization.name, "reason": reason}
                )
        ProjectEvent.objects.create(
            project=locked, actor=actor, from_status=locked.status, to_status=locked.status, note=note
        )
    if locked.status == Project.Status.BUDGET_APPROVED and len(current) == 2:
        project_transition(project=locked, to=Project.Status.CONTRACTED, actor=actor, by_service=True)
    project_touch(project=locked)
    return made


# --- the winner from the procurement record (issue 21 item 1) ------------------------------------

AWARD_RECORD_ERRORS = {
    "no_tender": _("Record the %(role)s tender and its evaluation first: the award picks the winner from it."),
    "not_a_bidder": _("%(name)s has no valid, ranked bid in the %(role)s tender."),
    "winner_reason_required": _(
        "%(name)s is ranked %(rank)s, not first: say why the first-ranked bidder is not awarded (it is public)."
    ),
    "flagged": _(
        "%(name)s is flagged for low ratings: ask the housing bureau on the tender record, with a public reason, "
        "and award it once the bureau approves."
    ),
    "above_bid": _("The contract may not be more than the winning bid, ¥%(amount)s (招标投标法 art. 46)."),
}


def winning_bid(*, project: Project, role: str, organization: Organization, winner_reason: str) -> tuple[Tender, Bid]:
    """For project_award, on the locked project: the evaluated tender and the organization's ranked
    bid in it, or the reason it may not be awarded (a ValidationError on the role's field)."""
    label = Award.Role(role).label
    tender = (
        Tender.objects.select_for_update().filter(project=project, role=role, status=Tender.Status.EVALUATED).first()
    )
    if tender is None:
        raise errors_for(AWARD_RECORD_ERRORS)("no_tender", role, role=label)
    bid = tender.bids.select_related("organization").filter(organization=organization, rank__isnull=False).first()
    if bid is None:
        raise errors_for(AWARD_RECORD_ERRORS)("not_a_bidder", role, name=organization.name, role=label)
    if bid.rank != 1 and not winner_reason:
        raise errors_for(AWARD_RECORD_ERRORS)(
            "winner_reason_required", "winner_reason", name=organization.name, rank=bid.rank
        )
    if bid.organization.flagged and not FlaggedAward.objects.filter(bid=bid, approved=True).exists():
        raise errors_for(AWARD_RECORD_ERRORS)("flagged", role, name=organization.name)
    bid.tender = tender
    return tender, bid


def tender_awarded(tender: Tender) -> None:
    """Called by project_award once the award is made from the tender."""
    tender.status = Tender.Status.AWARDED
    tender.closed_at = timezone.now()
    tender.save(update_fields=["status", "closed_at"])


def contract_within_bid(amount: Decimal | None, bid: Bid) -> Decimal:
    if amount is None:
        return bid.amount
    if amount > bid.amount:
        raise ValidationError(
            {
                "contract_amount": ValidationError(
                    AWARD_RECORD_ERRORS["above_bid"], code="above_bid", params={"amount": f"{bid.amount:,.2f}"}
                )
            }
        )
    return amount
