"""Every write about people, places and organizations (HackSoft services: `<entity>_<action>`,
keyword-only typed arguments, full_clean() before saving, errors as coded constants)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from . import permissions
from .files import check_upload
from .models import (
    Community,
    Council,
    CouncilMember,
    Estate,
    Household,
    Membership,
    Notification,
    Organization,
    Ownership,
    Resident,
    Street,
    User,
)
from .text import PHONE_RE, normalize_phone

ERRORS = {
    "identifier_invalid": _("Enter a mainland mobile number (11 digits, starting with 1) or an e-mail address."),
    "identifier_taken": _("An account with this phone number or e-mail already exists. Sign in, or reset your password."),
    "duplicate_claim": _("You have already claimed this household. Its claim is pending or verified; see your home page."),
    "not_a_resident": _("Only residents can claim a household. Register as a resident first."),
    "already_reviewed": _("This claim has already been reviewed."),
    "voting_owner_taken": _("This household already has a verified voting owner. Verify this claim as a co-owner, or reject it."),
    "reason_required": _("Give a reason, so the resident knows what to fix."),
    "not_allowed": _("You may not do this."),
    "already_member": _("This person is already on the council."),
    "jurisdiction": _("A street office needs a street, a community committee needs a community, and other organizations neither."),
}


def _error(code: str, field: str | None = None, **params) -> ValidationError:
    error = ValidationError(ERRORS[code], code=code, params=params or None)
    return ValidationError({field: error}) if field else error


# ---------------------------------------------------------------------------------------------
# Residents


def parse_identifier(value: str) -> tuple[str, str]:
    """('phone'|'email', normalized value) for what a resident typed to register or sign in."""
    value = (value or "").strip()
    phone = normalize_phone(value)
    if PHONE_RE.match(phone):
        return "phone", phone
    if "@" in value and "." in value.rsplit("@", 1)[-1] and " " not in value:
        return "email", value.lower()
    raise _error("identifier_invalid")


def identifier_taken(kind: str, value: str) -> bool:
    if kind == "phone":
        return Resident.objects.filter(phone=value).exists() or User.objects.filter(username=value).exists()
    return User.objects.filter(email__iexact=value).exists() or User.objects.filter(username__iexact=value).exists()


@transaction.atomic
def resident_register(*, name: str, identifier: str, password: str, is_party_member: bool = False) -> User:
    """Create a user with a Resident profile. The phone or e-mail is also the username."""
    try:
        kind, value = parse_identifier(identifier)
    except ValidationError as error:
        raise ValidationError({"identifier": error}) from None
    if identifier_taken(kind, value):
        raise _error("identifier_taken", "identifier")
    user = User(username=value, email=value if kind == "email" else "")
    user.set_password(password)
    resident = Resident(name=name.strip(), phone=value if kind == "phone" else None, is_party_member=is_party_member)
    try:
        with transaction.atomic():
            user.full_clean(exclude=["password"])
            user.save()
            resident.user = user
            resident.full_clean()
            resident.save()
    except IntegrityError:  # a concurrent sign-up with the same phone or e-mail
        raise _error("identifier_taken", "identifier") from None
    return user


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
    ownership.proof = proof
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
    return locked


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
    needs_community = kind == Organization.Kind.COMMUNITY_COMMITTEE
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


@transaction.atomic
def council_register(*, estate: Estate, actor: User) -> Council:
    if not permissions.can_register_council(actor, estate):
        raise PermissionDenied(ERRORS["not_allowed"])
    council, _created = Council.objects.get_or_create(estate=estate, defaults={"registered_by": actor})
    return council


@transaction.atomic
def council_member_add(
    *, council: Council, resident: Resident, actor: User, role: str = CouncilMember.Role.MEMBER
) -> CouncilMember:
    if not permissions.can_manage_council(actor, council):
        raise PermissionDenied(ERRORS["not_allowed"])
    if CouncilMember.objects.filter(council=council, resident=resident).exists():
        raise _error("already_member", "resident")
    member = CouncilMember(council=council, resident=resident, role=role)
    member.full_clean()
    member.save()
    return member


# ---------------------------------------------------------------------------------------------
# Notifications: the one way every app tells people something (the bell in the header).


def notify(*, users, kind: str, url: str = "", **params) -> int:
    """Send one in-app notice of `kind` to each of `users` (users or user ids; duplicates and
    None are dropped). `params` fill the kind's text, which is translated when read."""
    ids = {getattr(u, "pk", u) for u in users} - {None}
    Notification.objects.bulk_create(
        [Notification(user_id=pk, kind=kind, params=params, url=url) for pk in sorted(ids)], batch_size=1000
    )
    return len(ids)


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one notice (or all of the user's unread ones) as read; only the user's own."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
