"""Roles × actions for stakeholders/permissions.py (adhocracy4-style table), plus the HTTP answer
each role gets: out of scope → 404, wrong role → 403, anonymous → sign-in."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from stakeholders import permissions as p
from stakeholders.models import Ownership, User

ROLES = [
    "anonymous",
    "plain_resident",
    "claimant_a1",
    "owner_a1",
    "owner_b1",
    "comm_a1_staff",
    "comm_a2_staff",
    "comm_b1_staff",
    "street_a_staff",
    "street_a_manager",
    "street_b_staff",
    "bureau",
    "contractor",
    "supervisor",
    "admin",
]


def actor(city, role):
    if role == "anonymous":
        return AnonymousUser()
    obj = {
        "plain_resident": city.plain_resident,
        "claimant_a1": city.claimant_a1,
        "owner_a1": city.owner_a1,
        "owner_b1": city.owner_b1,
    }.get(role)
    user = obj.user if obj is not None else getattr(city, role)
    return User.objects.get(pk=user.pk)  # fresh: no cached memberships from setup


def verified_a1(city):
    return Ownership.objects.get(resident=city.owner_a1)


# action → (how to ask, roles for which the answer is True)
TABLE = {
    "may_claim_households": (
        lambda c, u: p.may_claim_households(u),
        {"plain_resident", "claimant_a1", "owner_a1", "owner_b1"},
    ),
    "may_review_ownerships": (
        lambda c, u: p.may_review_ownerships(u),
        {"comm_a1_staff", "comm_a2_staff", "comm_b1_staff", "admin"},
    ),
    "can_see_ownership(pending a1)": (
        lambda c, u: p.can_see_ownership(u, c.pending_a1),
        {"claimant_a1", "comm_a1_staff", "admin"},
    ),
    "can_verify_ownership(pending a1)": (
        lambda c, u: p.can_verify_ownership(u, c.pending_a1),
        {"comm_a1_staff", "admin"},
    ),
    "can_reject_ownership(pending a1)": (
        lambda c, u: p.can_reject_ownership(u, c.pending_a1),
        {"comm_a1_staff", "admin"},
    ),
    "can_verify_ownership(already verified)": (lambda c, u: p.can_verify_ownership(u, verified_a1(c)), set()),
    "can_view_ownership_proof(pending a1)": (
        lambda c, u: p.can_view_ownership_proof(u, c.pending_a1),
        {"claimant_a1", "comm_a1_staff", "admin"},
    ),
    "can_view_estate_roster(a1)": (
        lambda c, u: p.can_view_estate_roster(u, c.estate_a1),
        {"comm_a1_staff", "street_a_staff", "street_a_manager", "admin"},
    ),
    "can_register_council(a1)": (
        lambda c, u: p.can_register_council(u, c.estate_a1),
        {"street_a_staff", "street_a_manager", "admin"},
    ),
    "can_manage_members(street A office)": (
        lambda c, u: p.can_manage_members(u, c.street_a_org),
        {"street_a_manager", "admin"},
    ),
    "is_verified_owner(a1)": (lambda c, u: p.is_verified_owner(u, c.estate_a1), {"owner_a1"}),
    "is_community_staff(a1)": (lambda c, u: p.is_community_staff(u, c.estate_a1), {"comm_a1_staff"}),
    "is_street_staff(a1)": (lambda c, u: p.is_street_staff(u, c.estate_a1), {"street_a_staff", "street_a_manager"}),
    "is_street_approver(a1)": (lambda c, u: p.is_street_approver(u, c.estate_a1), {"street_a_manager"}),
    "is_bureau_staff": (lambda c, u: p.is_bureau_staff(u), {"bureau"}),
    "is_contractor_staff": (lambda c, u: p.is_contractor_staff(u), {"contractor"}),
    "is_supervisor_staff": (lambda c, u: p.is_supervisor_staff(u), {"supervisor"}),
}


@pytest.mark.parametrize("action", TABLE)
def test_roles_by_action(city, action):
    ask, allowed = TABLE[action]
    answers = {role: ask(city, actor(city, role)) for role in ROLES}
    assert {role for role, yes in answers.items() if yes} == allowed


def test_own_claim_cannot_be_verified_by_its_claimant_even_if_staff(city):
    """A committee member who claims a household in their own community must not approve it."""
    from stakeholders import services
    from tests import factories as f

    resident = f.ResidentFactory(user=city.comm_a1_staff)
    own = f.claim(resident, city.homes_a1[2])
    assert not p.can_verify_ownership(actor(city, "comm_a1_staff"), own)
    assert p.can_verify_ownership(actor(city, "admin"), own)
    services.ownership_verify(ownership=own, actor=city.admin)


def test_council_membership_counts_only_with_verified_ownership(city):
    from stakeholders import services

    council = services.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    services.council_member_add(council=council, resident=city.owner_a1, actor=city.street_a_staff)
    assert p.is_council_member(actor(city, "owner_a1"), city.estate_a1)
    assert not p.is_council_member(actor(city, "owner_a1"), city.estate_a2)
    assert not p.is_council_member(actor(city, "owner_b1"), city.estate_a1)


# --- HTTP: the same decisions as status codes ---------------------------------------------------

HTTP = {
    # role: (review detail of pending a1, proof of pending a1, claim form, review queue)
    "anonymous": (302, 302, 302, 302),
    "plain_resident": (403, 404, 200, 403),
    "claimant_a1": (403, 200, 200, 403),
    "owner_b1": (403, 404, 200, 403),
    "comm_a1_staff": (200, 200, 403, 200),
    "comm_a2_staff": (404, 404, 403, 200),  # neighbouring community: out of scope
    "comm_b1_staff": (404, 404, 403, 200),
    "street_a_staff": (403, 404, 403, 403),
    "bureau": (403, 404, 403, 403),
    "contractor": (403, 404, 403, 403),
    "admin": (200, 200, 403, 200),
}


@pytest.mark.parametrize("role", HTTP)
def test_http_answers_by_role(city, client, role):
    if role != "anonymous":
        client.force_login(actor(city, role))
    pk = city.pending_a1.pk
    got = (
        client.get(reverse("stakeholders:review_detail", args=[pk])).status_code,
        client.get(reverse("stakeholders:claim_proof", args=[pk])).status_code,
        client.get(reverse("stakeholders:claim_create")).status_code,
        client.get(reverse("stakeholders:review_list")).status_code,
    )
    assert got == HTTP[role]


@pytest.mark.parametrize("role", ["comm_a2_staff", "comm_b1_staff", "street_a_manager", "claimant_a1"])
def test_posting_a_verification_out_of_role_or_scope_changes_nothing(city, client, role):
    client.force_login(actor(city, role))
    response = client.post(reverse("stakeholders:review_detail", args=[city.pending_a1.pk]), {"action": "verify"})
    assert response.status_code in (403, 404)
    city.pending_a1.refresh_from_db()
    assert city.pending_a1.status == Ownership.Status.PENDING


def test_review_queue_lists_only_own_community_claims(city, client):
    client.force_login(actor(city, "comm_a1_staff"))
    response = client.get(reverse("stakeholders:review_list"))
    claims = list(response.context["claims"])
    assert claims == [city.pending_a1]
