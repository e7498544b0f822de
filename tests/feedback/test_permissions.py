"""Roles × states for every predicate of feedback/permissions.py, and the HTTP answers: out of
scope 404, wrong role 403, anonymous to sign-in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import permissions as fp
from feedback.lifecycle import COMPLAINT_PROJECT_STATUSES, TRANSITIONS
from feedback.models import Complaint, Invitation, Survey
from projects.models import Project
from tests.stakeholders.test_permissions import ROLES, actor

S = Project.Status
CS = Complaint.Status
STREET_A = {"street_a_staff", "street_a_manager"}
RESIDENTS_A1 = {"owner_a1", "claimant_a1"}


def allowed(city, ask) -> set[str]:
    return {role for role in ROLES if ask(actor(city, role))}


def complaint_in(city, works, *, route, status=CS.SUBMITTED, escalated=False) -> Complaint:
    agency = {"works": city.contractor_org, "street": city.street_a_org, "community": city.comm_a1_org}[route]
    now = timezone.now()
    return Complaint.objects.create(
        project=works,
        filed_by=city.owner_a1,
        category={"works": "quality", "street": "integrity", "community": "other"}[route],
        route=route,
        agency=agency,
        text="问题",
        status=status,
        acknowledge_due=now + timedelta(hours=1),
        resolve_due=now + timedelta(days=1),
        resolved_at=now if status in (CS.RESOLVED, CS.CLOSED) else None,
        escalated_at=now if escalated else None,
        escalation="acknowledge" if escalated else "",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(S.values))
def test_filing_complaints(city, status):
    from tests.projects.conftest import project_at

    project = project_at(city, status)
    takes = status in COMPLAINT_PROJECT_STATUSES
    assert allowed(city, lambda u: fp.can_file_complaint(u, project)) == (RESIDENTS_A1 if takes else set())
    assert allowed(city, fp.may_file_complaints) == {"plain_resident", "claimant_a1", "owner_a1", "owner_b1"}


RESPONDERS = {
    ("works", False): {"contractor", "supervisor", "admin"},
    ("works", True): {"contractor", "supervisor", "admin"} | STREET_A,
    ("street", False): STREET_A | {"admin"},
    ("street", True): STREET_A | {"admin"},
    ("community", False): {"comm_a1_staff", "admin"},
    ("community", True): {"comm_a1_staff", "admin"} | STREET_A,
}
VIEWERS = {
    "works": {"owner_a1", "contractor", "supervisor", "comm_a1_staff", "bureau", "admin"} | STREET_A,
    "street": {"owner_a1", "bureau", "admin"} | STREET_A,  # never the contractor, supervisor or committee
    "community": {"owner_a1", "comm_a1_staff", "bureau", "admin"} | STREET_A,
}


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["works", "street", "community"])
@pytest.mark.parametrize("escalated", [False, True])
def test_who_sees_and_answers_each_route(city, works, route, escalated):
    complaint = complaint_in(city, works, route=route, escalated=escalated)
    assert allowed(city, lambda u: fp.is_responder(u, complaint)) == RESPONDERS[(route, escalated)]
    assert allowed(city, lambda u: fp.can_view_complaint(u, complaint)) == VIEWERS[route]
    assert allowed(city, lambda u: fp.can_view_complaint_photo(u, complaint)) == VIEWERS[route]
    assert allowed(city, lambda u: fp.is_filer(u, complaint)) == {"owner_a1"}
    # The scoped list agrees with the predicate for everyone (no per-row checks anywhere).
    from feedback.selectors import complaints_visible_to

    assert allowed(city, lambda u: complaints_visible_to(u).filter(pk=complaint.pk).exists()) == VIEWERS[route]


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(CS.values))
def test_transitions_and_messages_by_status(city, works, status):
    complaint = complaint_in(city, works, route="works", status=status)
    responders = RESPONDERS[("works", False)]
    for to in CS.values:
        by = TRANSITIONS.get((status, to))
        expected = (
            responders if by and by.value == "responder" else ({"owner_a1"} if by and by.value == "filer" else set())
        )
        assert allowed(city, lambda u: fp.can_transition_complaint(u, complaint, to)) == expected, (status, to)
    assert allowed(city, lambda u: fp.can_message_complaint(u, complaint)) == (
        set() if status == CS.CLOSED else responders | {"owner_a1"}
    )


@pytest.mark.django_db
def test_reopening_only_within_the_window(city, works, settings):
    complaint = complaint_in(city, works, route="works", status=CS.RESOLVED)
    assert allowed(city, lambda u: fp.can_transition_complaint(u, complaint, CS.IN_PROGRESS)) == {"owner_a1"}
    later = timezone.now() + timedelta(days=settings.COMPLAINT_REOPEN_DAYS, minutes=1)
    assert allowed(city, lambda u: fp.can_transition_complaint(u, complaint, CS.IN_PROGRESS, later)) == set()
    assert allowed(city, lambda u: fp.can_transition_complaint(u, complaint, CS.CLOSED, later)) == {"owner_a1"}


def survey_of(city, status, *, closes_in=timedelta(days=10)):
    from tests.projects.conftest import project_at

    project = project_at(city, S.COMPLETED)
    now = timezone.now()
    return Survey.objects.create(
        project=project,
        kind="completion",
        status=status,
        opened_at=now - timedelta(days=3),
        remind_at=now + timedelta(days=5),
        closes_at=now + closes_in,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "closed", "past_end"])
def test_survey_desk_roles_by_state(city, state):
    survey = survey_of(
        city, "closed" if state == "closed" else "open", closes_in=timedelta(days=-1 if state == "past_end" else 10)
    )
    accepting = state == "open"
    assert fp.survey_accepts_answers(survey) == accepting
    desk = {"comm_a1_staff", "admin"} | STREET_A
    assert allowed(city, lambda u: fp.can_manage_survey(u, survey)) == desk
    assert allowed(city, lambda u: fp.can_print_invitations(u, survey)) == (
        {"comm_a1_staff", "admin"} if accepting else set()
    )
    assert allowed(city, lambda u: fp.can_record_paper_response(u, survey)) == (
        {"comm_a1_staff", "admin"} if accepting else set()
    )
    assert allowed(city, lambda u: fp.can_view_survey_results(u, survey)) == desk | {"bureau"}
    assert allowed(city, lambda u: fp.can_view_survey_text(u, survey)) == STREET_A | {"bureau", "admin"}
    invitation = Invitation.objects.create(survey=survey, household=city.homes_a1[0], nonce="n")
    for answered in (False, True):
        assert fp.can_answer_by_link(invitation, answered=answered) == (accepting and not answered)
        owner_id = city.owner_a1.user_id
        assert allowed(
            city, lambda u: fp.can_answer_as_owner(u, invitation, answered=answered, voting_owner_user_id=owner_id)
        ) == ({"owner_a1"} if accepting and not answered else set())
    assert (
        allowed(city, lambda u: fp.can_answer_as_owner(u, invitation, answered=False, voting_owner_user_id=None))
        == set()
    )


@pytest.mark.django_db
def test_http_answers_404_out_of_scope_403_wrong_role(client, city, works):
    complaint = complaint_in(city, works, route="works")
    client.force_login(city.owner_b1.user)  # another estate
    assert client.get(complaint.get_absolute_url()).status_code == 404
    assert client.get(reverse("feedback:complaint_file", args=[works.code])).status_code == 404
    client.force_login(city.comm_a1_staff)  # sees it, may not answer a works complaint
    assert client.get(complaint.get_absolute_url()).status_code == 200
    assert client.post(complaint.get_absolute_url(), {"to": "acknowledged"}).status_code == 403
    assert client.post(complaint.get_absolute_url(), {"action": "message", "text": "催一下"}).status_code == 403
    client.force_login(city.street_b_staff)
    assert client.get(complaint.get_absolute_url()).status_code == 404
    client.force_login(city.contractor)
    assert client.get(reverse("feedback:complaint_new")).status_code == 403  # not a resident
    survey = survey_of(city, "open")
    assert client.get(reverse("feedback:survey", args=[survey.pk])).status_code == 404
    client.force_login(city.street_a_staff)
    assert client.get(reverse("feedback:survey_print", args=[survey.pk])).status_code == 403
    client.logout()
    response = client.get(complaint.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
