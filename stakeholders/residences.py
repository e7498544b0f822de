"""居住登记: tenants and family who live in a household without owning it declare where they live;
it counts at once for what everyone who lives in the estate may do (never for a vote), and the
community committee confirms it or rejects it with a reason. The resident ends it on moving out."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata

from . import permissions
from .audit import by_actor
from .models import Household, Notification, Ownership, Residence, Resident, User
from .services import notify

RESIDENCE_ERRORS = {
    "not_a_resident": _("Register as a resident first."),
    "duplicate": _("You have already declared that you live here."),
    "owner_already": _("You have claimed this household as its owner: no separate declaration is needed."),
    "not_allowed": _("The community committee of the estate checks declarations (not your own)."),
    "reason_required": _("Give a reason: the resident will read it."),
    "already_reviewed": _("This declaration was already answered."),
}
_error = errors_for(RESIDENCE_ERRORS)


@transaction.atomic
def residence_declare(*, resident: Resident, household: Household, relation: str, proof=None) -> Residence:
    """The resident says they live here (a tenant, family of the owner); a lease or residence
    permit is optional and helps the committee confirm it."""
    if not permissions.can_declare_residence(resident.user):
        raise PermissionDenied(RESIDENCE_ERRORS["not_a_resident"])
    if Ownership.objects.open().filter(resident=resident, household=household).exists():
        raise _error("owner_already", "household")
    residence = Residence(resident=resident, household=household, relation=relation)
    if proof:
        checked = check_upload(proof)
        residence.proof_content_type = checked.content_type
        residence.proof = document_without_metadata(proof, checked.content_type)
    residence.full_clean(exclude=["proof"], validate_constraints=False)
    try:
        with transaction.atomic():
            residence.save()
    except IntegrityError:  # declared before, or twice at once
        if residence.proof:
            residence.proof.delete(save=False)
        raise _error("duplicate", "household") from None
    return residence


def _locked(residence: Residence) -> Residence:
    return (
        Residence.objects.select_for_update(of=("self",))
        .select_related("household__building__estate", "resident")
        .get(pk=residence.pk)
    )


@by_actor
@transaction.atomic
def residence_confirm(*, residence: Residence, actor: User) -> Residence:
    locked = _locked(residence)
    if locked.status != Residence.Status.DECLARED:
        raise _error("already_reviewed")
    if not permissions.can_confirm_residence(actor, locked):
        raise PermissionDenied(RESIDENCE_ERRORS["not_allowed"])
    locked.status, locked.reviewed_by, locked.reviewed_at, locked.reason = (
        Residence.Status.CONFIRMED,
        actor,
        timezone.now(),
        "",
    )
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    return locked


@by_actor
@transaction.atomic
def residence_reject(*, residence: Residence, actor: User, reason: str) -> Residence:
    reason = (reason or "").strip()[:300]
    if not reason:
        raise _error("reason_required", "reason")
    locked = _locked(residence)
    if not permissions.can_reject_residence(actor, locked):
        if locked.status not in (Residence.Status.DECLARED, Residence.Status.CONFIRMED):
            raise _error("already_reviewed")
        raise PermissionDenied(RESIDENCE_ERRORS["not_allowed"])
    locked.status, locked.reviewed_by, locked.reviewed_at, locked.reason = (
        Residence.Status.REJECTED,
        actor,
        timezone.now(),
        reason,
    )
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason"])
    with translation.override(settings.LANGUAGE_CODE):
        home = str(locked.household)
    notify(
        users=[locked.resident.user_id],
        kind=Notification.Kind.OWNERSHIP_REVIEWED,
        url=reverse("home"),
        key=f"residence{locked.pk}:rejected",
        home=home,
        estate=locked.household.building.estate.name,
        decision="claim_rejected",
    )
    return locked


@by_actor
@transaction.atomic
def residence_end(*, residence: Residence, actor: User) -> Residence:
    locked = _locked(residence)
    if not permissions.can_end_residence(actor, locked):
        raise PermissionDenied(RESIDENCE_ERRORS["not_allowed"])
    locked.status = Residence.Status.ENDED
    locked.save(update_fields=["status"])
    return locked
