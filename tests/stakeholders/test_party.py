"""Party membership confirmed by the community Party branch, not self-declared (issue 17, item 3):
the claim waits, the branch of the resident's community decides, only a confirmed member counts for
a petition, and membership shows nowhere public."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from projects import rules, selectors
from projects import services as project_services
from stakeholders import party, permissions
from stakeholders.models import Organization
from tests import factories as f
from tests.stakeholders.test_services import codes

Kind = Organization.Kind


@pytest.fixture
def branches(city):
    a1 = f.organization(Kind.PARTY_BRANCH, "甲一社区党支部", community=city.comm_a1)
    b1 = f.organization(Kind.PARTY_BRANCH, "乙一社区党支部", community=city.comm_b1)
    return {"a1": f.staff(a1, "party_a1"), "b1": f.staff(b1, "party_b1")}


@pytest.fixture
def claimant(city):
    """Registered saying "I am a Party member", owner of a household in a1 (verified)."""
    user = f.register("13807712222", name="覃红", is_party_member=True)
    resident = user.resident
    f.services.ownership_verify(ownership=f.claim(resident, city.homes_a1[4]), actor=city.admin)
    return resident


@pytest.mark.django_db
def test_registering_as_a_member_is_a_claim_that_does_not_count_yet(city, claimant):
    assert (claimant.party_claim, claimant.is_party_member) == ("pending", False)
    sponsors = [rules.Sponsor(person=claimant.pk, household=1, is_party_member=claimant.is_party_member)]
    assert "party_member" in rules.petition_shortfalls(sponsors)


ROLES = ["admin", "party_a1", "party_b1", "comm_a1_staff", "street_a_staff", "bureau", "self", "owner"]


def _user(city, branches, claimant, role):
    return {
        "admin": city.admin,
        "party_a1": branches.get("a1"),
        "party_b1": branches.get("b1"),
        "self": claimant.user,
        "owner": city.owner_a1.user,
    }.get(role) or getattr(city, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["pending", "confirmed", "rejected", ""])
def test_who_decides_a_claim_in_which_state(city, branches, claimant, role, state):
    claimant.party_claim = state
    claimant.save(update_fields=["party_claim"])
    user = _user(city, branches, claimant, role)
    allowed = state == "pending" and role in ("admin", "party_a1")
    assert permissions.can_decide_party_claim(user, claimant, party.communities_of(claimant)) is allowed
    if allowed:
        assert party.party_claim_decide(resident=claimant, actor=user, confirm=True).is_party_member
    else:
        with pytest.raises(PermissionDenied):
            party.party_claim_decide(resident=claimant, actor=user, confirm=True)


@pytest.mark.django_db
def test_the_branch_confirms_or_says_why_not_and_only_confirmed_members_count(city, branches, claimant):
    with pytest.raises(ValidationError) as error:
        party.party_claim_decide(resident=claimant, actor=branches["a1"], confirm=False, reason=" ")
    assert codes(error.value) == {"reason_required"}
    decided = party.party_claim_decide(resident=claimant, actor=branches["a1"], confirm=True)
    assert (decided.party_claim, decided.is_party_member, decided.party_decided_by) == (
        "confirmed",
        True,
        branches["a1"],
    )
    # A petition counts them now.
    petition = project_services.petition_start(resident=claimant, estate=city.estate_a1, reason="屋面漏水")
    assert "party_member" not in selectors.petition_shortfalls(petition)


@pytest.mark.django_db
def test_the_branch_desk_lists_its_own_community_only(city, branches, claimant, django_assert_max_num_queries):
    other = f.register("13807713333", name="莫红", is_party_member=True).resident
    f.claim(other, city.homes_b1[2])  # lives in b1
    desk = Client()
    desk.force_login(branches["a1"])
    assert 'data-testid="dashboard-party-branch"' in desk.get("/").content.decode()
    with django_assert_max_num_queries(8):
        page = desk.get(reverse("stakeholders:party_claims"))
    html = page.content.decode()
    assert page.status_code == 200 and claimant.name in html and other.name not in html
    assert "138****2222" in html and city.estate_a1.name in html  # where the claimant lives
    assert desk.post(reverse("stakeholders:party_decide", args=[other.pk]), {"decision": "confirm"}).status_code == 404
    refused = desk.post(reverse("stakeholders:party_decide", args=[claimant.pk]), {"decision": "reject", "reason": ""})
    assert refused.status_code == 302
    claimant.refresh_from_db()
    assert claimant.party_claim == "pending"  # no reason: nothing decided
    desk.post(
        reverse("stakeholders:party_decide", args=[claimant.pk]), {"decision": "reject", "reason": "不是本支部党员"}
    )
    claimant.refresh_from_db()
    assert (claimant.party_claim, claimant.is_party_member, claimant.party_reason) == (
        "rejected",
        False,
        "不是本支部党员",
    )
    for role in ("comm_a1_staff", "owner"):
        stranger = Client()
        stranger.force_login(_user(city, branches, claimant, role))
        assert stranger.get(reverse("stakeholders:party_claims")).status_code == 403


@pytest.mark.django_db
def test_a_party_branch_needs_its_community(city):
    with pytest.raises(ValidationError):
        f.services.organization_create(kind=Kind.PARTY_BRANCH, name="无社区党支部")
