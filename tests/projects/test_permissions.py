"""Roles × states for projects/permissions.py (like the other apps' tables), and the HTTP answers
of the actions whose decision is the service's alone: out of scope 404, wrong role 403.

The expected sets are the rules as architecture §2 states them, written out by role; the lifecycle
table (projects/lifecycle.py) gives the transitions and the status sets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from projects import permissions as pp
from projects import services
from projects.lifecycle import AWARD_STATUSES, NEEDS_OPEN_STATUSES, TRANSITIONS, By
from projects.models import Project, Vote
from tests.stakeholders.test_permissions import ROLES, actor

from .conftest import project_at

S = Project.Status
ADMIN = {"admin"}
STREET_A_APPROVER = {"street_a_manager"} | ADMIN
STREET_A = {"street_a_staff", "street_a_manager"} | ADMIN
DRAFTERS_A1 = {"comm_a1_staff"} | ADMIN  # no council member among the roles here
OWNER_A1 = {"owner_a1"}


def allowed(city, ask) -> set[str]:
    return {role for role in ROLES if ask(actor(city, role))}


def vote_in(project, *, status: str, closes_in: timedelta = timedelta(days=7)) -> Vote:
    now = timezone.now()
    vote = services.vote_create(
        project=project,
        purpose=Vote.Purpose.OTHER,
        title="加装电梯",
        matter=Vote.Matter.ORDINARY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        actor=None,
        by_service=True,
    )
    Vote.objects.filter(pk=vote.pk).update(status=status, opens_at=now - timedelta(days=10), closes_at=now + closes_in)
    return Vote.objects.select_related("project__estate__community").get(pk=vote.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(S.values))
def test_who_sees_a_project_in_every_state(city, status):
    project = project_at(city, status)
    # Verified owners of the estate, its community committee, its street office (a guardian grant
    # made when the project was created), the housing bureau and admins; never the pending claimant,
    # another estate's owner or committee, or builders not awarded this project.
    viewers = OWNER_A1 | {"comm_a1_staff", "bureau"} | STREET_A
    assert allowed(city, lambda u: pp.can_view_project(u, project)) == viewers
    assert allowed(city, pp.may_list_projects) == set(ROLES) - {"anonymous"}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(S.values))
def test_transitions_by_hand_in_every_state(city, status):
    project = project_at(city, status)
    who = {By.STREET_APPROVER: STREET_A_APPROVER, By.STREET_STAFF: STREET_A, By.SERVICE: set()}
    for to in S.values:
        by = TRANSITIONS.get((status, to))
        expected = who[by] if by else set()
        assert allowed(city, lambda u: pp.can_transition(u, project, to)) == expected, (status, to)
    # The page offers exactly these.
    for role in ROLES:
        offered = set(pp.available_transitions(actor(city, role), project))
        assert offered == {to for (frm, to), by in TRANSITIONS.items() if frm == status and role in who[by]}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(S.values))
def test_needs_plans_and_award_follow_the_project_state(city, status):
    project = project_at(city, status)
    needs_open = status in NEEDS_OPEN_STATUSES
    assert allowed(city, lambda u: pp.can_file_need(u, project)) == (
        OWNER_A1 | {"claimant_a1"} if needs_open else set()
    )
    assert allowed(city, lambda u: pp.can_triage_needs(u, project)) == (DRAFTERS_A1 if needs_open else set())
    planning = status == S.PLANNING
    assert allowed(city, lambda u: pp.can_draft_plan(u, project)) == (DRAFTERS_A1 if planning else set())
    assert allowed(city, lambda u: pp.can_start_plan_version(u, project, None)) == (DRAFTERS_A1 if planning else set())
    assert allowed(city, lambda u: pp.can_award(u, project)) == (
        STREET_A_APPROVER if status in AWARD_STATUSES else set()
    )
    assert allowed(city, lambda u: pp.can_manage_votes(u, project)) == STREET_A_APPROVER
    # nobody signs before the contractor files its completion report (tests/disclosure/test_acceptance.py)
    assert allowed(city, lambda u: bool(pp.acceptance_roles(u, project))) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("busy", [False, True])
def test_starting_a_petition(city, busy):
    assert allowed(city, lambda u: pp.can_start_petition(u, city.estate_a1, estate_has_open_project=busy)) == (
        set() if busy else OWNER_A1
    )


VOTE_STATES = {
    # name: (vote status, closes in, may open, may close now, takes ballots)
    "draft": (Vote.Status.DRAFT, timedelta(days=7), True, False, False),
    "open": (Vote.Status.OPEN, timedelta(days=7), False, False, True),
    "open_past_deadline": (Vote.Status.OPEN, -timedelta(minutes=5), False, True, False),
    "closed": (Vote.Status.CLOSED, -timedelta(days=1), False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(VOTE_STATES))
def test_votes_roles_by_state(city, state):
    status, closes_in, opens, closes, takes = VOTE_STATES[state]
    vote = vote_in(project_at(city, S.PETITIONING), status=status, closes_in=closes_in)
    now = timezone.now()
    assert allowed(city, lambda u: pp.can_open_vote(u, vote)) == (STREET_A_APPROVER if opens else set())
    assert allowed(city, lambda u: pp.can_close_vote_now(u, vote, now)) == (STREET_A_APPROVER if closes else set())
    assert allowed(city, lambda u: pp.can_record_paper_ballot(u, vote, now)) == (DRAFTERS_A1 if takes else set())
    # The voter list with units is personal data: the committee, the approver, admins — in every state.
    assert allowed(city, lambda u: pp.may_see_paper_ballots(u, vote)) == {"comm_a1_staff", "street_a_manager", "admin"}


# --- the HTTP answers: the service decides, the view only reports ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, expected",
    [
        ("street_b_staff", 404),
        ("owner_b1", 404),
        ("owner_a1", 403),
        ("comm_a1_staff", 403),
        ("street_a_staff", 403),
        ("street_a_manager", 302),
    ],
)
def test_accepting_a_submitted_project_over_http(client, city, role, expected):
    project = project_at(city, S.SUBMITTED)
    client.force_login(actor(city, role))
    response = client.post(reverse("projects:detail", args=[project.code]), {"to": S.ACCEPTED, "note": ""})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.status == (S.ACCEPTED if expected == 302 else S.SUBMITTED)


@pytest.mark.django_db
def test_an_unknown_target_status_is_refused_not_a_server_error(client, city):
    project = project_at(city, S.SUBMITTED)
    client.force_login(actor(city, "street_a_manager"))
    response = client.post(reverse("projects:detail", args=[project.code]), {"to": "nonsense", "note": ""})
    assert response.status_code in (400, 403)
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(VOTE_STATES))
@pytest.mark.parametrize("action", ["open", "close"])
@pytest.mark.parametrize("role", ["street_b_staff", "comm_a1_staff", "street_a_manager"])
def test_opening_and_closing_votes_by_hand_over_the_page_and_the_api(client, city, state, action, role):
    status, closes_in, opens, closes, _takes = VOTE_STATES[state]
    vote = vote_in(project_at(city, S.PETITIONING), status=status, closes_in=closes_in)
    user = actor(city, role)
    client.force_login(user)
    may = role == "street_a_manager" and (opens if action == "open" else closes)
    page = client.post(reverse("projects:vote_manage", args=[vote.code]), {"action": action})
    if role == "street_b_staff":
        assert page.status_code == 404  # another street's vote: not even its existence
    elif may:
        assert page.status_code == 302
    else:
        assert page.status_code in (302, 403)  # 302 with the service's message, or 403
    vote.refresh_from_db()
    if may:
        assert vote.status == (Vote.Status.OPEN if action == "open" else Vote.Status.CLOSED)
    else:
        assert vote.status == status
        # The API answers the same question the same way (the same service decides).
        api = APIClient()
        api.force_authenticate(user)
        answer = api.post(reverse(f"api-vote-{action}", kwargs={"code": vote.code}))
        expected = {404} if role == "street_b_staff" else {403, 409}
        assert answer.status_code in expected
        vote.refresh_from_db()
        assert vote.status == status
