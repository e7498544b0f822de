"""Every write about people, places and organizations (HackSoft services: `<entity>_<action>`,
keyword-only typed arguments, full_clean() before saving, errors as coded constants)."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401  (callers catch services.ValidationError)
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.authtoken.models import Token

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from core.tasks import enqueue

from . import permissions
from .audit import by_actor
from .deliveries import deliveries_send, deliveries_sweep  # noqa: F401  (re-exported: callers send through services)
from .models import (
    Community,
    Council,
    CouncilMember,
    Delivery,
    Estate,
    Household,
    Membership,
    Notification,
    NotificationPreference,
    Organization,
    Ownership,
    Resident,
    Street,
    User,
)
from .notifications import Notice, message_text, preference_pairs, wanted_channels
from .registration import ERRORS as REGISTRATION_ERRORS
from .registration import (  # noqa: F401  (re-exported)
    identifier_taken,
    parse_identifier,
    registration_code_send,
    resident_register,
)
from .tasks import send_deliveries

ERRORS = {
    **REGISTRATION_ERRORS,
    "duplicate_claim": _(
        "You have already claimed this household. Its claim is pending or verified; see your home page."
    ),
    "not_a_resident": _("Only residents can claim a household. Register as a resident first."),
    "already_reviewed": _("This claim has already been reviewed."),
    "voting_owner_taken": _(
        "This household already has a verified voting owner. Verify this claim as a co-owner, or reject it."
    ),
    "reason_required": _("Give a reason, so the resident knows what to fix."),
    "not_allowed": _("You may not do this."),
    "already_member": _("This person is already on the council."),
    "jurisdiction": _(
        "A street office needs a street, a community committee needs a community, and other organizations neither."
    ),
}


_error = errors_for(ERRORS)


# ---------------------------------------------------------------------------------------------
# Ownership claims


@transaction.atomic
def ownership_claim(*, resident: Resident, household: Household, proof) -> Ownership:
    """A resident claims a household, with a proof document the community committee will check."""
    if not permissions.can_claim_household(resident.user, household):
        raise _error("not_a_resident")
    checked = check_upload(proof)
    if Ownership.objects.open().filter(resident=resident, household=household).exists():
        raise _error("duplicate_claim", "household")
    ownership = Ownership(
        resident=resident,
        household=household,
        proof_name=checked.original_name,
        proof_content_type=checked.content_type,
    )
    ownership.proof = document_without_metadata(proof, checked.content_type)
    ownership.full_clean(exclude=["proof"], validate_constraints=False)
    try:
        with transaction.atomic():
            ownership.save()
    except IntegrityError:  # the same claim submitted twice at once
        ownership.proof.delete(save=False)
        raise _error("duplicate_claim", "household") from None
    return ownership


def _lock_pending(ownership: Ownership, actor: User) -> Ownership:
    locked = (
        Ownership.objects.select_for_update(of=("self",))
        .select_related("household__building__estate__community", "resident")
        .get(pk=ownership.pk)
    )
    if locked.status != Ownership.Status.PENDING:
        raise _error("already_reviewed")
    if not permissions.can_verify_ownership(actor, locked):
        raise PermissionDenied(ERRORS["not_allowed"])
    return locked


@by_actor
@transaction.atomic
def ownership_verify(*, ownership: Ownership, actor: User, voting: bool | None = None) -> Ownership:
    """Verify a claim. `voting=None` makes the owner the household's voting owner if it has none yet;
    True insists on it (error if taken); False verifies a co-owner without a vote."""
    locked = _lock_pending(ownership, actor)
    has_voter = Ownership.objects.filter(household_id=locked.household_id, is_voting_owner=True).exists()
    if voting is None:
        voting = not has_voter
    elif voting and has_voter:
        raise _error("voting_owner_taken")
    locked.status = Ownership.Status.VERIFIED
    locked.is_voting_owner = voting
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.rejection_reason = ""
    try:
        # The unique constraint is the guard when two staff verify two claims of one household at once.
        with transaction.atomic():
            locked.save(update_fields=["status", "is_voting_owner", "reviewed_by", "reviewed_at", "rejection_reason"])
    except IntegrityError:
        raise _error("voting_owner_taken") from None
    _notify_reviewed(locked, "verified" if voting else "verified_co_owner")
    return locked


def _notify_reviewed(ownership: Ownership, decision: str) -> None:
    household = Household.objects.select_related("building__estate").get(pk=ownership.household_id)
    with translation.override(settings.LANGUAGE_CODE):
        home = str(household)  # residents' notices are in the portal's language (as SMS are)
    notify(
        users=[Resident.objects.values_list("user_id", flat=True).get(pk=ownership.resident_id)],
        kind=Notification.Kind.OWNERSHIP_REVIEWED,
        url=reverse("home"),
        key=f"ownership{ownership.pk}:{ownership.status}",
        home=home,
        estate=household.building.estate.name,
        decision=decision,
    )


@by_actor
@transaction.atomic
def ownership_reject(*, ownership: Ownership, actor: User, reason: str) -> Ownership:
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "reason")
    locked = _lock_pending(ownership, actor)
    locked.status = Ownership.Status.REJECTED
    locked.rejection_reason = reason
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.full_clean(exclude=["proof"])
    locked.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    _notify_reviewed(locked, "claim_rejected")
    return locked


# ---------------------------------------------------------------------------------------------
# Organizations, memberships, object-permission grants (django-guardian, always to the org's group)


@transaction.atomic
def organization_create(
    *,
    kind: str,
    name: str,
    street: Street | None = None,
    community: Community | None = None,
    credit_code: str = "",
) -> Organization:
    needs_street = kind == Organization.Kind.STREET_OFFICE
    needs_community = kind in (Organization.Kind.COMMUNITY_COMMITTEE, Organization.Kind.PARTY_BRANCH)
    if (street is not None) != needs_street or (community is not None) != needs_community:
        raise _error("jurisdiction")
    group = Group.objects.create(name=f"org:{kind}:{name}"[:150])
    organization = Organization(
        kind=kind, name=name, street=street, community=community, group=group, credit_code=credit_code
    )
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def membership_add(*, organization: Organization, user: User, role: str = Membership.Role.STAFF) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    user.groups.add(organization.group)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.user.groups.remove(membership.organization.group)
    membership.delete()


def organization_grant(*, organization: Organization, perm: str, obj: Model) -> None:
    """Give an organization (its group) a permission on one object."""
    assign_perm(perm, organization.group, obj)


def organization_revoke(*, organization: Organization, perm: str, obj: Model) -> None:
    remove_perm(perm, organization.group, obj)


# ---------------------------------------------------------------------------------------------
# Councils (老友议事会)


@by_actor
@transaction.atomic
def council_register(*, estate: Estate, actor: User) -> Council:
    if not permissions.can_register_council(actor, estate):
        raise PermissionDenied(ERRORS["not_allowed"])
    council, _created = Council.objects.get_or_create(estate=estate, defaults={"registered_by": actor})
    return council


@by_actor
@transaction.atomic
def council_member_add(
    *, council: Council, resident: Resident, actor: User, role: str = CouncilMember.Role.MEMBER
) -> CouncilMember:
    if not permissions.can_manage_council(actor, council):
        raise PermissionDenied(ERRORS["not_allowed"])
    if CouncilMember.objects.filter(council=council, resident=resident, ended_on__isnull=True).exists():
        raise _error("already_member", "resident")
    member = CouncilMember(council=council, resident=resident, role=role)
    member.full_clean()
    member.save()
    return member


# ---------------------------------------------------------------------------------------------
# Notifications: the one way every app tells people something (the bell in the header).


def notify(*, users, kind: str, url: str = "", key: str = "", **params) -> int:
    """Send one notice of `kind` to each of `users` (users or user ids; duplicates and None are
    dropped): in-app, plus e-mail and SMS as each user prefers. `params` fill the kind's text,
    which is translated when read. With `key`, a repeated call notifies nobody twice."""
    ids = sorted({getattr(u, "pk", u) for u in users} - {None})
    notify_each(
        notices=[Notice(user_id=pk, kind=kind, params=params, url=url, key=f"{key}:u{pk}" if key else "") for pk in ids]
    )
    return len(ids)


def notify_each(*, notices: list[Notice], send: bool = True, batch: uuid.UUID | None = None) -> uuid.UUID | None:
    """Write the in-app notices and the e-mails/SMS they call for (idempotent by each notice's key)
    in the caller's transaction. With `send`, the messages are sent by Celery after the commit;
    without it the caller sends them (deliveries_send(batch=...)).
    Returns the batch of the messages written (None if there were none)."""
    if not notices:
        return None
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={n.user_id for n in notices}).select_related(
            "resident", "notification_preference"
        )
    }
    Notification.objects.bulk_create(
        [
            Notification(user_id=n.user_id, kind=n.kind, params=n.params, url=n.url, key=n.key)
            for n in notices
            if n.user_id in users
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    batch = batch or uuid.uuid4()
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for n in notices:
            user = users.get(n.user_id)
            if user is None:
                continue
            preference = getattr(user, "notification_preference", None)
            addresses = {Delivery.Channel.EMAIL: user.email, Delivery.Channel.SMS: _phone_of(user)}
            for channel in sorted(wanted_channels(n.kind, preference)):
                if not addresses[channel]:
                    continue
                deliveries.append(
                    Delivery(
                        key=f"{n.key}:{channel}" if n.key else f"{uuid.uuid4().hex}:{channel}",
                        batch=batch,
                        channel=channel,
                        user_id=user.pk,
                        kind=n.kind,
                        address=addresses[channel],
                        subject=str(Notification.Kind(n.kind).label),
                        body=message_text(n.kind, n.params, n.external_url or n.url),
                    )
                )
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    if not deliveries:
        return None
    if send:
        transaction.on_commit(lambda: enqueue(send_deliveries, str(batch)))  # else the sweep sends them
    return batch


@by_actor
@transaction.atomic
def deliveries_resend(*, ids, actor) -> int:
    """Send again, by hand, the chosen messages that may be resent (permissions.can_resend_delivery,
    decided on the locked rows); the others are left alone. Returns how many were queued."""
    if not permissions.may_resend_deliveries(actor):
        raise PermissionDenied(_("Only platform administrators send messages again."))
    rows = Delivery.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")
    chosen = [row for row in rows if permissions.can_resend_delivery(actor, row)]
    Delivery.objects.filter(pk__in=[row.pk for row in chosen]).update(
        status=Delivery.Status.PENDING, resent_by=actor, resent_at=timezone.now(), error=""
    )
    for batch in {str(row.batch) for row in chosen}:
        transaction.on_commit(lambda batch=batch: enqueue(send_deliveries, batch))  # else the sweep sends them
    return len(chosen)


def _phone_of(user) -> str:
    try:
        return user.resident.phone or ""
    except Resident.DoesNotExist:
        return ""


@transaction.atomic
def notification_preferences_save(*, user: User, channels: dict[str, set[str]]) -> NotificationPreference:
    """Store the channels the user chose per kind (only what differs from the defaults)."""
    enabled, disabled = preference_pairs(channels)
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"enabled": enabled, "disabled": disabled}
    )
    return preference


# ---------------------------------------------------------------------------------------------
# Contractor ratings (computed by feedback, stored here for the award picker)


def organization_set_rating(*, organization_id: int, overall, responses: int, projects: int, details: dict) -> None:
    Organization.objects.filter(pk=organization_id).update(
        rating_overall=overall,
        rating_responses=responses,
        rating_projects=projects,
        rating_details=details,
        rating_updated_at=timezone.now(),
    )


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one notice (or all of the user's unread ones) as read; only the user's own."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


ORGANIZATION_GROUP = re.compile(r"org:(?P<kind>[a-z_]+):(?P<name>[^|]+)")


def organization_group_label(text: str) -> str:
    """An organization's permission group ("org:street_office:新竹街道办事处") as people read it
    ("新竹街道办事处（街道办事处）"), wherever it appears in a text (the audit trail's records)."""

    kinds = dict(Organization.Kind.choices)
    return ORGANIZATION_GROUP.sub(lambda m: f"{m['name'].strip()}（{kinds.get(m['kind'], m['kind'])}）", text)


def user_set_care_mode(*, user: User, on: bool) -> User:
    """Switch 关怀模式 on or off for the account (every page, every device they sign in on)."""
    user.care_mode = bool(on)
    user.save(update_fields=["care_mode"])
    return user


# ---------------------------------------------------------------------------------------------
# API tokens (stakeholders/api_tokens.py): a fresh one at every sign-in, revoked at logout and
# whenever the password changes.


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new token for `user`; the one they had stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_tokens_revoke(*, user: User) -> int:
    return Token.objects.filter(user=user).delete()[0]
