"""Every "may this user do X to this object?" question about people and places is answered here
(Zulip's access functions, adhocracy4's composed predicates). Views, templates, services and tests
call these functions; nothing else decides.

Two kinds of answer, so views can tell the user the right thing:
- role predicates (`is_*`, `may_*`) ask whether the user holds a role at all — no → 403;
- object predicates (`can_*`) ask about one object — an object outside the user's scope is 404,
  which views get by looking objects up through the scoped selectors in selectors.py.

What the predicates know about the user — memberships, resident profile, verified and claimed
estates, councils — is read once per request by the user's Viewer (viewer.py), so a page asking
many questions costs a fixed number of queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Council, Membership, Organization, Ownership, Residence, Resident
from .viewer import viewer_of

if TYPE_CHECKING:
    from .models import Estate, User

Kind = Organization.Kind


# ---------------------------------------------------------------------------------------------
# Facts about the user: read once per request by their Viewer (viewer.py).


def memberships(user) -> list[Membership]:
    return viewer_of(user).memberships


def resident_profile(user) -> Resident | None:
    return viewer_of(user).resident


def verified_estate_ids(user) -> frozenset[int]:
    """Estates in which the user is a verified owner of at least one household."""
    return viewer_of(user).verified_estate_ids


def claimed_estate_ids(user) -> frozenset[int]:
    """Estates in which the user's claim to a household stands (pending or verified)."""
    return viewer_of(user).claimed_estate_ids


def council_estate_ids(user) -> frozenset[int]:
    return viewer_of(user).council_estate_ids


def _orgs(user, kind: str, *, managers_only: bool = False) -> list[Organization]:
    return viewer_of(user).organizations(kind, managers_only=managers_only)


# ---------------------------------------------------------------------------------------------
# Roles (architecture §2)


def is_platform_admin(user) -> bool:
    return viewer_of(user).is_admin


# Party membership: a resident's claim, confirmed or not by their community's Party branch.


def may_review_party_claims(user) -> bool:
    return is_platform_admin(user) or bool(viewer_of(user).party_branch_community_ids)


def can_decide_party_claim(user, resident, community_ids) -> bool:
    """The Party branch of a community the resident lives in (`community_ids`: the communities of
    the estates the resident has claimed a household in) decides a claim that waits; admins any."""
    if resident.party_claim != "pending":
        return False
    return is_platform_admin(user) or bool(viewer_of(user).party_branch_community_ids & set(community_ids))


RESENDABLE = ("unknown", "failed")


def may_resend_deliveries(user) -> bool:
    return is_platform_admin(user)


def can_resend_delivery(user, delivery) -> bool:
    """Send a message again by hand: platform admins, for a message whose sender stopped mid-call
    (`unknown`: it may or may not have arrived — the admin checks the gateway first) or that
    failed every attempt. Never a pending, sending or sent one (the at-most-once rule)."""
    return may_resend_deliveries(user) and delivery.status in RESENDABLE


def can_open_any_private_file(user) -> bool:
    """The admin's file links (proofs, scans, vouchers, photos): platform admins only."""
    return is_platform_admin(user)


def is_resident(user) -> bool:
    return resident_profile(user) is not None


def is_verified_owner(user, estate: Estate) -> bool:
    return estate.pk in verified_estate_ids(user)


def is_council_member(user, estate: Estate) -> bool:
    return estate.pk in council_estate_ids(user) and is_verified_owner(user, estate)


def is_serving_council_member(user, estate: Estate) -> bool:
    """A representative of the estate's council while it is filed and in term (or became the owners'
    committee): the council supervises the money and the works (issue 17)."""
    return estate.pk in serving_council_estate_ids(user)


def serving_council_estate_ids(user) -> frozenset[int]:
    """The estates whose council in term the user sits on and where they still own a household."""
    viewer = viewer_of(user)
    return viewer.serving_council_estate_ids & viewer.verified_estate_ids


def community_ids_staffed(user) -> frozenset[int]:
    return viewer_of(user).community_ids


def street_ids_staffed(user, *, managers_only: bool = False) -> frozenset[int]:
    viewer = viewer_of(user)
    return viewer.managed_street_ids if managers_only else viewer.street_ids


def is_community_staff(user, estate: Estate) -> bool:
    return estate.community_id in community_ids_staffed(user)


def is_street_staff(user, estate: Estate) -> bool:
    return estate.community.street_id in street_ids_staffed(user)


def is_street_approver(user, estate: Estate) -> bool:
    return estate.community.street_id in street_ids_staffed(user, managers_only=True)


def is_any_community_staff(user) -> bool:
    return bool(_orgs(user, Kind.COMMUNITY_COMMITTEE))


def is_any_street_staff(user) -> bool:
    return bool(_orgs(user, Kind.STREET_OFFICE))


def is_bureau_staff(user) -> bool:
    return bool(_orgs(user, Kind.HOUSING_BUREAU))


def is_inspection_staff(user) -> bool:
    """Staff of the discipline-inspection office (纪检监察): integrity and fund-use reports."""
    return bool(_orgs(user, Kind.INSPECTION))


def can_manage_listings(user) -> bool:
    """The housing bureau keeps the whitelist and the negative list of builders and supervisors."""
    return is_platform_admin(user) or is_bureau_staff(user)


def is_contractor_staff(user) -> bool:
    return bool(_orgs(user, Kind.CONTRACTOR))


def is_supervisor_staff(user) -> bool:
    return bool(_orgs(user, Kind.SUPERVISOR))


# ---------------------------------------------------------------------------------------------
# Actions on ownership claims


def may_claim_households(user) -> bool:
    """Role check for the claim form: any signed-in resident."""
    return is_resident(user)


def can_claim_household(user, household) -> bool:
    """A resident may claim any household; the proof decides, at verification."""
    return is_resident(user)


def may_review_ownerships(user) -> bool:
    """Role check for the verification queue (403 when false)."""
    return is_platform_admin(user) or is_any_community_staff(user)


def can_see_ownership(user, ownership: Ownership) -> bool:
    """Within scope: the claimant, and the committee of the household's community."""
    resident = resident_profile(user)
    return (
        is_platform_admin(user)
        or (resident is not None and ownership.resident_id == resident.pk)
        or ownership.household.building.estate.community_id in community_ids_staffed(user)
    )


def can_verify_ownership(user, ownership: Ownership) -> bool:
    """Community staff of the household's estate, on a pending claim that is not their own."""
    resident = resident_profile(user)
    return (
        ownership.status == Ownership.Status.PENDING
        and (resident is None or ownership.resident_id != resident.pk)
        and (is_platform_admin(user) or ownership.household.building.estate.community_id in community_ids_staffed(user))
    )


can_reject_ownership = can_verify_ownership


def can_view_ownership_proof(user, ownership: Ownership) -> bool:
    """The proof holds personal data: its owner and the verifying committee, nobody else."""
    return can_see_ownership(user, ownership)


def claimed_household_ids(user, estate_id: int) -> list[int]:
    """The households of this estate the user lives in by a standing ownership or residence."""
    return sorted(h for h, e in viewer_of(user).claimed_households.items() if e == estate_id)


def can_declare_residence(user) -> bool:
    """Anyone registered as a resident declares where they live (a tenant, family of the owner)."""
    return is_resident(user)


def _residence_committee(user, residence: Residence) -> bool:
    mine = getattr(resident_profile(user), "pk", None) == residence.resident_id
    staffed = residence.household.building.estate.community_id in community_ids_staffed(user)
    return not mine and (is_platform_admin(user) or staffed)


def can_confirm_residence(user, residence: Residence) -> bool:
    """The committee of the household's community checks a declared residence (not their own)."""
    return residence.status == Residence.Status.DECLARED and _residence_committee(user, residence)


def can_reject_residence(user, residence: Residence) -> bool:
    """…and rejects one that is not true, declared or already confirmed, with a reason."""
    standing = residence.status in (Residence.Status.DECLARED, Residence.Status.CONFIRMED)
    return standing and _residence_committee(user, residence)


def can_end_residence(user, residence: Residence) -> bool:
    """The resident says they moved out (the committee rejects instead)."""
    standing = residence.status in (Residence.Status.DECLARED, Residence.Status.CONFIRMED)
    return standing and getattr(resident_profile(user), "pk", None) == residence.resident_id


def can_view_residence_proof(user, residence: Residence) -> bool:
    mine = getattr(resident_profile(user), "pk", None) == residence.resident_id
    staffed = residence.household.building.estate.community_id in community_ids_staffed(user)
    return bool(residence.proof) and (mine or staffed or is_platform_admin(user))


# ---------------------------------------------------------------------------------------------
# Estates, councils, organizations


def can_view_estate_roster(user, estate: Estate) -> bool:
    """Who owns what in an estate (names, units, claim status): its committee and street office."""
    return is_platform_admin(user) or is_community_staff(user, estate) or is_street_staff(user, estate)


def can_register_council(user, estate: Estate) -> bool:
    """The street office registers an estate's 老友议事会."""
    return is_platform_admin(user) or is_street_staff(user, estate)


def can_manage_council(user, council: Council) -> bool:
    return can_register_council(user, council.estate)


# The council's election, filing (备案), seats and certificates (stakeholders/councils.py).


def can_view_council_desk(user, estate: Estate) -> bool:
    """The council's desk (elections, the tally sheets, the roster with names): the estate's
    community committee and street office."""
    return is_platform_admin(user) or is_community_staff(user, estate) or is_street_staff(user, estate)


def can_record_council_election(user, estate: Estate) -> bool:
    """The community committee records the election it organised."""
    return is_platform_admin(user) or is_community_staff(user, estate)


def can_decide_council_election(user, election) -> bool:
    """The street office files (备案) or returns an election that waits for it."""
    return election.status == "recorded" and (is_platform_admin(user) or is_street_staff(user, election.council.estate))


def can_end_council_seat(user, seat) -> bool:
    """A representative resigns, or the community committee or street office records it."""
    if seat.ended_on is not None:
        return False
    estate = seat.council.estate
    own = getattr(viewer_of(user).resident, "pk", None) == seat.resident_id
    return own or is_platform_admin(user) or is_community_staff(user, estate) or is_street_staff(user, estate)


def can_print_certificate(user, seat) -> bool:
    """The representative's own certificate, and the staff who hand it over."""
    if not seat.certificate_code:
        return False
    own = getattr(viewer_of(user).resident, "pk", None) == seat.resident_id
    return own or can_view_council_desk(user, seat.council.estate)


def can_schedule_council_meeting(user, council: Council) -> bool:
    """A filed council's meetings are called by its representatives or the community committee."""
    if not council.filed_on:
        return False
    estate = council.estate
    return is_platform_admin(user) or is_community_staff(user, estate) or estate.pk in council_estate_ids(user)


def can_record_council_meeting(user, meeting, now) -> bool:
    """Its minutes are written once, after it was held, by those who may call it."""
    return (
        meeting.recorded_at is None and meeting.held_at <= now and can_schedule_council_meeting(user, meeting.council)
    )


def can_view_meeting_attachments(user, estate: Estate) -> bool:
    """A meeting's documents may carry names: the estate's residents (a standing claim), its
    community committee and street office."""
    return (
        is_platform_admin(user)
        or estate.pk in claimed_estate_ids(user)
        or is_community_staff(user, estate)
        or is_street_staff(user, estate)
    )


def can_upload_site_plan(user, estate: Estate) -> bool:
    """The estate's community committee or street office puts up its site plan (总平面图)."""
    return is_platform_admin(user) or is_community_staff(user, estate) or is_street_staff(user, estate)


def can_view_site_plan(user, estate: Estate) -> bool:
    """Those who place and read needs on it: the estate's residents, council and offices."""
    return can_view_meeting_attachments(user, estate) or estate.pk in council_estate_ids(user)


def can_publish_deliberation_rules(user) -> bool:
    """The housing bureau states the councils' deliberation rules (议事规则) for the city."""
    return is_platform_admin(user) or is_bureau_staff(user)


def can_convert_council(user, council: Council) -> bool:
    """The street office records that a filed council became the owners' committee (业主委员会)."""
    return bool(council.filed_on) and not council.converted_on and can_register_council(user, council.estate)


def can_manage_members(user, organization: Organization) -> bool:
    """Managers add and remove their own organization's members; admins any."""
    return is_platform_admin(user) or any(
        m.organization_id == organization.pk and m.role == Membership.Role.MANAGER for m in memberships(user)
    )


def role_names(user: User) -> list[str]:
    """The roles a user holds, for the dashboard (architecture §2 names)."""
    return viewer_of(user).roles
