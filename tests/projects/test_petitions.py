"""Petitions: services, roles × states, concurrency of sponsor confirmations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import permissions as p
from projects import selectors, services
from projects.models import Petition, Project, Sponsorship
from stakeholders.models import User
from tests import factories as f
from tests.stakeholders.test_permissions import ROLES, actor
from tests.stakeholders.test_services import _race, codes


def start(city):
    return services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="外墙脱落，管网老化")


def test_start_makes_a_project_and_the_starter_its_first_confirmed_sponsor(city):
    petition = start(city)
    assert petition.project.status == Project.Status.PETITIONING
    [mine] = petition.sponsorships.all()
    assert mine.resident == city.owner_a1 and mine.status == Sponsorship.Status.CONFIRMED
    assert mine.household == city.homes_a1[0]


@pytest.mark.parametrize("role", ["plain_resident", "claimant_a1", "owner_b1", "comm_a1_staff", "street_a_manager"])
def test_only_verified_owners_start_a_petition(city, role):
    user = actor(city, role)
    resident = getattr(user, "resident", None) or f.ResidentFactory(user=user)
    with pytest.raises(PermissionDenied):
        services.petition_start(resident=resident, estate=city.estate_a1, reason="需要改造")


def test_no_second_petition_while_a_project_is_under_way(city):
    start(city)
    with pytest.raises(PermissionDenied):
        start(city)


def test_reason_is_required(city):
    with pytest.raises(ValidationError) as error:
        services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="  ")
    assert codes(error.value) == {"reason_required"}


def test_petition_needs_three_households_and_a_party_member(city, owners):
    petition = start(city)  # owner_a1 is a Party member
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == ["sponsors"]
    invites = [services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=o.phone) for o in owners[:2]]
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == ["sponsors"]  # invited ≠ signed
    for invite in invites:
        services.sponsor_answer(sponsorship=invite, actor=invite.resident.user, confirm=True)
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == []
    services.sponsor_withdraw(sponsorship=invites[0], actor=invites[0].resident.user)
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == ["sponsors"]


def test_co_owner_of_the_same_household_does_not_make_a_third_household(city, owners):
    spouse = f.verified_owner(city.homes_a1[0], voting=False)  # co-owner of owner_a1's household
    petition = start(city)
    for resident in (spouse, owners[0]):
        invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=resident.phone)
        services.sponsor_answer(sponsorship=invite, actor=resident.user, confirm=True)
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == ["households"]


def test_without_a_party_member(city, owners):
    petition = services.petition_start(resident=owners[0], estate=city.estate_a1, reason="需要改造")
    for resident in owners[1:]:
        invite = services.sponsor_invite(petition=petition, actor=owners[0].user, phone=resident.phone)
        services.sponsor_answer(sponsorship=invite, actor=resident.user, confirm=True)
    assert selectors.petition_shortfalls(selectors.petition_of(petition.project)) == ["party_member"]


def test_invitations_are_only_for_verified_owners_of_the_estate(city, owners):
    petition = start(city)
    for phone in (city.owner_b1.phone, city.claimant_a1.phone, "13000000000"):
        with pytest.raises(ValidationError) as error:
            services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=phone)
        assert codes(error.value) == {"not_an_owner"}
    services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    with pytest.raises(ValidationError) as error:
        services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    assert codes(error.value) == {"already_invited"}
    with pytest.raises(PermissionDenied):  # an invitee who has not signed cannot invite
        services.sponsor_invite(petition=petition, actor=owners[0].user, phone=owners[1].phone)


def test_only_the_invitee_answers_and_only_once(city, owners):
    petition = start(city)
    invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    with pytest.raises(PermissionDenied):
        services.sponsor_answer(sponsorship=invite, actor=owners[1].user, confirm=True)
    services.sponsor_answer(sponsorship=invite, actor=owners[0].user, confirm=False)
    with pytest.raises(ValidationError) as error:
        services.sponsor_answer(sponsorship=invite, actor=owners[0].user, confirm=True)
    assert codes(error.value) == {"already_answered"}


STATES = [Petition.Status.COLLECTING, Petition.Status.VOTING, Petition.Status.SUBMITTED, Petition.Status.CLOSED]


@pytest.mark.parametrize("state", STATES)
def test_petition_actions_by_role_and_state(city, owners, state):
    petition = start(city)
    invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    Petition.objects.filter(pk=petition.pk).update(status=state)
    petition = selectors.petition_of(petition.project)
    invite = next(s for s in petition.sponsorships.all() if s.pk == invite.pk)
    mine = next(s for s in petition.sponsorships.all() if s.resident_id == city.owner_a1.pk)
    collecting = state == Petition.Status.COLLECTING
    everyone = ROLES + ["invitee"]

    def who(check):
        users = {role: actor(city, role) for role in ROLES}
        users["invitee"] = User.objects.get(pk=owners[0].user.pk)
        return {role for role in everyone if check(users[role])}

    assert who(lambda u: p.can_invite_sponsors(u, petition)) == ({"owner_a1"} if collecting else set())
    assert who(lambda u: p.can_answer_invitation(u, invite)) == ({"invitee"} if collecting else set())
    assert who(lambda u: p.can_withdraw_sponsorship(u, mine)) == ({"owner_a1"} if collecting else set())
    # submitting to the willingness vote: a confirmed sponsor, while collecting, once complete
    assert who(lambda u: p.can_submit_petition(u, petition, complete=True)) == ({"owner_a1"} if collecting else set())
    assert who(lambda u: p.can_submit_petition(u, petition, complete=False)) == set()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_clicked_confirmation_signs_once():
    city = f.build_city()
    invitee = f.verified_owner(city.homes_a1[2])
    petition = services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="需要改造")
    invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=invitee.phone)

    def confirm(_i):
        return services.sponsor_answer(
            sponsorship=Sponsorship.objects.get(pk=invite.pk), actor=User.objects.get(pk=invitee.user.pk), confirm=True
        )

    results = _race(5, confirm)
    assert sum(isinstance(r, Sponsorship) for r in results) == 1
    assert all(codes(r) == {"already_answered"} for r in results if isinstance(r, Exception))
    assert Sponsorship.objects.get(pk=invite.pk).status == Sponsorship.Status.CONFIRMED


# --- pages -----------------------------------------------------------------------------------------

from django.urls import reverse  # noqa: E402


@pytest.mark.parametrize(
    "role, status", [("owner_a1", 200), ("plain_resident", 403), ("claimant_a1", 403), ("comm_a1_staff", 403)]
)
def test_petition_form_by_role(city, client, role, status):
    client.force_login(actor(city, role))
    assert client.get(reverse("projects:petition_start")).status_code == status


def test_start_invite_and_sign_through_the_pages(city, client, owners):
    for resident in owners + [city.owner_a1]:  # as resident_register does: the phone is the username
        User.objects.filter(pk=resident.user_id).update(username=resident.phone)
    client.force_login(city.owner_a1.user)
    home = client.get("/").content.decode()
    assert reverse("projects:petition_start") in home
    empty = client.post(reverse("projects:petition_start"), {"estate": city.estate_a1.pk, "reason": ""})
    assert empty.status_code == 400 and "reason" in empty.context["form"].errors
    response = client.post(reverse("projects:petition_start"), {"estate": city.estate_a1.pk, "reason": "屋面漏水"})
    project = Project.objects.get(estate=city.estate_a1)
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()

    invite_url = reverse("projects:petition_invite", args=[project.code])
    bad = client.post(invite_url, {"phone": city.owner_b1.phone})
    assert bad.status_code == 400 and "没有使用该手机号" in bad.content.decode()
    assert f'value="{city.owner_b1.phone}"' in bad.content.decode()  # typed number kept
    for owner in owners[:2]:
        assert client.post(invite_url, {"phone": owner.phone}).status_code == 302

    for owner in owners[:2]:
        client.force_login(owner.user)
        assert "invitations" in client.get("/").content.decode()
        sponsorship = Sponsorship.objects.get(resident=owner)
        url = reverse("projects:sponsorship_answer", args=[sponsorship.pk])
        assert client.post(url, {"action": "confirm"}).status_code == 302
        again = client.post(url, {"action": "confirm"}, follow=True)
        assert "已经回复" in again.content.decode()
    page = client.get(project.get_absolute_url())  # seen by owners[1]
    assert page.context["petition_complete"]
    html = page.content.decode()
    for owner in [owners[0], city.owner_a1]:  # other people than the viewer
        assert owner.name not in html and owner.masked_name in html  # names masked even inside
        assert owner.phone not in html  # a resident's username is their phone: never on the timeline


def test_other_peoples_sponsorships_and_projects_are_404(city, client, owners):
    petition = start(city)
    invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    client.force_login(owners[1].user)
    assert (
        client.post(reverse("projects:sponsorship_answer", args=[invite.pk]), {"action": "confirm"}).status_code == 404
    )
    client.force_login(city.owner_b1.user)
    assert (
        client.post(reverse("projects:petition_invite", args=[petition.project.code]), {"phone": "1"}).status_code
        == 404
    )
    client.force_login(owners[1].user)  # can see the project, but has not signed: may not invite
    assert (
        client.post(reverse("projects:petition_invite", args=[petition.project.code]), {"phone": "1"}).status_code
        == 403
    )


def test_petition_pages_query_budget_flat(city, client, owners, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    petition = start(city)
    client.force_login(city.owner_b1.user)
    with CaptureQueriesContext(connection) as form_small:
        assert client.get(reverse("projects:petition_start")).status_code == 200
    client.force_login(city.owner_a1.user)
    with CaptureQueriesContext(connection) as page_small:
        client.get(petition.project.get_absolute_url())
    for home in f.households(f.BuildingFactory(estate=city.estate_a1), 10):  # 10 more sponsors
        neighbour = f.verified_owner(home)
        invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=neighbour.phone)
        services.sponsor_answer(sponsorship=invite, actor=neighbour.user, confirm=True)
    with django_assert_max_num_queries(len(page_small.captured_queries)):
        client.get(petition.project.get_absolute_url())
    client.force_login(city.owner_b1.user)
    with django_assert_max_num_queries(len(form_small.captured_queries)):
        client.get(reverse("projects:petition_start"))
