"""Who may do what with complaints and surveys — the only place that decides (Zulip's access
functions; each condition on its own line). Views, templates, services and tests call these.

Complaints: any resident with a claim in the estate files one; the organization it is routed to
answers (the project's current contractor and supervisor for works problems — through their
guardian grants, so a replaced contractor loses them —, the street office for money and integrity,
the community committee for the rest); the street office sees every complaint of its street and
answers escalated ones; the contractor and supervisor never see money or integrity complaints.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from projects import permissions as project_permissions
from projects.lifecycle import WORKS_STATUSES
from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders import selectors as stakeholder_selectors

from .lifecycle import (
    COMPLAINT_PROJECT_STATUSES,
    CONFIDENTIAL_CATEGORIES,
    CONFIDENTIAL_ROUTES,
    SITE_CATEGORIES,
    TRANSITIONS,
    By,
)
from .models import Complaint, IntegrityReport, Invitation, Survey, WillingnessInvitation, WillingnessSurvey

S = Project.Status
R = Complaint.Route


# --- complaints --------------------------------------------------------------------------------------


def is_estate_resident(user, estate) -> bool:
    """A resident whose claim to a household of the estate stands (pending or verified)."""
    return estate.pk in stakeholder_permissions.claimed_estate_ids(user)


def may_file_complaints(user) -> bool:
    return stakeholder_permissions.is_resident(user)


def can_file_complaint(user, project: Project) -> bool:
    """Anyone living in the estate (an owner, a tenant, family: a standing claim or residence); while
    the works are on, neighbours of the site too — for what the site does to them (SITE_CATEGORIES)."""
    if project.status not in COMPLAINT_PROJECT_STATUSES:
        return False
    return is_estate_resident(user, project.estate) or is_site_neighbour(user, project)


def is_site_neighbour(user, project: Project) -> bool:
    """A resident of another estate within SITE_NEIGHBOUR_METRES of this one (by coordinates; of the
    same community where either has none), while its works are on."""
    if project.status not in WORKS_STATUSES or not stakeholder_permissions.is_resident(user):
        return False
    homes = stakeholder_permissions.claimed_estate_ids(user) - {project.estate_id}
    return bool(homes) and any(near(home, project.estate) for home in stakeholder_selectors.estates_by_ids(homes))


def near(home, estate) -> bool:
    if None in (home.latitude, home.longitude, estate.latitude, estate.longitude):
        return home.community_id == estate.community_id
    return distance_metres(home, estate) <= settings.SITE_NEIGHBOUR_METRES


def distance_metres(a, b) -> float:
    """Great-circle distance between two estates (WGS 84 degrees; haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def complaint_categories_for(user, project: Project) -> frozenset[str]:
    """What this person may report on this project: everything if they live there; a neighbour, what
    the site does to its surroundings."""
    if is_estate_resident(user, project.estate):
        return frozenset(Complaint.Category.values) - CONFIDENTIAL_CATEGORIES
    if is_site_neighbour(user, project):
        return SITE_CATEGORIES
    return frozenset()


def is_filer(user, complaint: Complaint) -> bool:
    resident = stakeholder_permissions.resident_profile(user)
    return resident is not None and complaint.filed_by_id == resident.pk


def _works_party(user, project: Project) -> bool:
    return project_permissions.is_project_contractor(user, project) or project_permissions.is_project_supervisor(
        user, project
    )


def _maintains(user, complaint: Complaint) -> bool:
    """A member of the firm or utility a complaint about a renovated item went to (issue 20)."""
    return complaint.route == R.MAINTAINER and any(
        m.organization_id == complaint.agency_id for m in stakeholder_permissions.memberships(user)
    )


def is_responder(user, complaint: Complaint) -> bool:
    """The organization the complaint is routed to answers it; once escalated, the street office too."""
    estate = complaint.project.estate
    if stakeholder_permissions.is_platform_admin(user):
        return True
    if complaint.route == R.WORKS and _works_party(user, complaint.project):
        return True
    if complaint.route == R.COMMUNITY and stakeholder_permissions.is_community_staff(user, estate):
        return True
    if _maintains(user, complaint):
        return True
    if complaint.route == R.STREET or complaint.escalated_at is not None:
        return stakeholder_permissions.is_street_staff(user, estate)
    return False


def can_see_complaint_filer(user, complaint: Complaint) -> bool:
    """Who sees who filed it and what they wrote in the thread: the filer, and those who answer or
    oversee complaints as staff."""
    estate = complaint.project.estate
    return (
        is_filer(user, complaint)
        or stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_street_staff(user, estate)
        or (complaint.route not in CONFIDENTIAL_ROUTES and stakeholder_permissions.is_community_staff(user, estate))
        or (complaint.route == R.WORKS and _works_party(user, complaint.project))
        or _maintains(user, complaint)
    )


def is_complaint_supervisor(user, complaint: Complaint) -> bool:
    """The estate's council in term supervises the works (issue 17 item 5): its representatives read
    the estate's works and community complaints — what is wrong, where, the deadlines, what the
    answerers did — but not who filed them nor the filer's own messages, and never the confidential
    routes (money and integrity tips may be about the council itself)."""
    return complaint.route not in CONFIDENTIAL_ROUTES and stakeholder_permissions.is_serving_council_member(
        user, complaint.project.estate
    )


def can_view_complaint(user, complaint: Complaint) -> bool:
    return can_see_complaint_filer(user, complaint) or is_complaint_supervisor(user, complaint)


def may_list_complaints(user) -> bool:
    return user.is_authenticated


def reopen_window_open(complaint: Complaint, now=None) -> bool:

    now = now or timezone.now()
    return complaint.resolved_at is not None and now < complaint.resolved_at + timedelta(
        days=settings.COMPLAINT_REOPEN_DAYS
    )


def can_transition_complaint(user, complaint: Complaint, to: str, now=None) -> bool:
    by = TRANSITIONS.get((complaint.status, to))
    if by is By.RESPONDER:
        return is_responder(user, complaint)
    if by is By.FILER:
        if to == Complaint.Status.IN_PROGRESS:  # reopening: only within the window
            return is_filer(user, complaint) and reopen_window_open(complaint, now)
        return is_filer(user, complaint)
    return False


def available_complaint_transitions(user, complaint: Complaint, now=None) -> list[str]:
    return [
        to
        for (frm, to) in TRANSITIONS
        if frm == complaint.status and can_transition_complaint(user, complaint, to, now)
    ]


def can_message_complaint(user, complaint: Complaint) -> bool:
    """The filer and the responders talk on the complaint until it is closed."""
    return complaint.status != Complaint.Status.CLOSED and (is_filer(user, complaint) or is_responder(user, complaint))


can_view_complaint_photo = can_view_complaint


# --- surveys ---------------------------------------------------------------------------------------


def survey_accepts_answers(survey: Survey, now=None) -> bool:
    now = now or timezone.now()
    return survey.status == Survey.Status.OPEN and survey.opened_at <= now < survey.closes_at


def can_answer_by_link(invitation: Invitation, *, answered: bool, now=None) -> bool:
    """Whoever holds the invitation's valid link answers for its household, once, while open."""
    return not answered and survey_accepts_answers(invitation.survey, now)


def can_answer_as_owner(
    user, invitation: Invitation, *, answered: bool, voting_owner_user_id: int | None, now=None
) -> bool:
    """Signed in: the household's voting owner answers from their dashboard."""
    return (
        user.is_authenticated
        and voting_owner_user_id is not None
        and voting_owner_user_id == user.pk
        and can_answer_by_link(invitation, answered=answered, now=now)
    )


def can_manage_survey(user, survey: Survey) -> bool:
    """The survey desk (counts, printing, paper answers): the estate's committee and street office."""
    estate = survey.project.estate
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, estate)
        or stakeholder_permissions.is_street_staff(user, estate)
    )


def can_print_invitations(user, survey: Survey, now=None) -> bool:
    """Community staff print invitations (link + QR code) for households without an account."""
    return survey_accepts_answers(survey, now) and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, survey.project.estate)
    )


can_record_paper_response = can_print_invitations


def can_view_survey_results(user, survey: Survey) -> bool:
    """Averages and distributions (also public after close, from SURVEY_MIN_RESPONSES answers)."""
    return can_manage_survey(user, survey) or stakeholder_permissions.is_bureau_staff(user)


def can_view_survey_text(user, survey: Survey) -> bool:
    """Residents' free text: the street office and the bureau (and admins), nobody else."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_street_staff(user, survey.project.estate)
    )


# --- willingness surveys (意愿调查, before a project) ---------------------------------------------------

# A willingness survey asks whether to renovate, so it is for estates without a renovation under way.
WILLINGNESS_BLOCKING_STATUSES = frozenset(
    {S.ACCEPTED, S.PLANNING, S.PLAN_VOTING, S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION}
)


def may_open_willingness_surveys(user) -> bool:
    """Who sees "open a survey": the street office, community committees and admins."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or bool(stakeholder_permissions.street_ids_staffed(user))
        or bool(stakeholder_permissions.community_ids_staffed(user))
    )


def can_open_willingness_survey(user, estate, *, project_statuses=()) -> bool:
    """The estate's street office or community committee asks its households, while no renovation
    of the estate is under way (`project_statuses`: the statuses of the estate's projects)."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_street_staff(user, estate)
        or stakeholder_permissions.is_community_staff(user, estate)
    ) and not WILLINGNESS_BLOCKING_STATUSES.intersection(project_statuses)


def willingness_accepts_answers(survey: WillingnessSurvey, now=None) -> bool:
    now = now or timezone.now()
    return survey.status == WillingnessSurvey.Status.OPEN and survey.opened_at <= now < survey.closes_at


def willingness_is_closed(survey: WillingnessSurvey, now=None) -> bool:
    """Closed early by its office, or past its last day: the results are final and public."""
    now = now or timezone.now()
    return survey.status == WillingnessSurvey.Status.CLOSED or now >= survey.closes_at


def can_answer_willingness_by_link(invitation: WillingnessInvitation, *, answered: bool, now=None) -> bool:
    return not answered and willingness_accepts_answers(invitation.survey, now)


def can_answer_willingness_as_owner(
    user, invitation: WillingnessInvitation, *, answered: bool, voting_owner_user_id: int | None, now=None
) -> bool:
    return (
        user.is_authenticated
        and voting_owner_user_id is not None
        and voting_owner_user_id == user.pk
        and can_answer_willingness_by_link(invitation, answered=answered, now=now)
    )


def _survey_community_ids(survey: WillingnessSurvey) -> set[int]:
    if survey.community_id is not None:
        return {survey.community_id}
    return {estate.community_id for estate in survey.estates.all()}  # prefetched by the selectors


def can_manage_willingness(user, survey: WillingnessSurvey) -> bool:
    """The desk (live counts, letters, paper answers): the street office of its street and the
    community committees of its estates."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or survey.street_id in stakeholder_permissions.street_ids_staffed(user)
        or bool(_survey_community_ids(survey) & stakeholder_permissions.community_ids_staffed(user))
    )


def can_print_willingness_letters(user, survey: WillingnessSurvey, now=None) -> bool:
    return willingness_accepts_answers(survey, now) and can_manage_willingness(user, survey)


can_record_willingness_paper = can_print_willingness_letters


def can_close_willingness(user, survey: WillingnessSurvey, now=None) -> bool:
    """The office that opened it may close it before its last day."""
    if not willingness_accepts_answers(survey, now):
        return False
    if stakeholder_permissions.is_platform_admin(user):
        return True
    if survey.community_id is not None:
        return survey.community_id in stakeholder_permissions.community_ids_staffed(user)
    return survey.street_id in stakeholder_permissions.street_ids_staffed(user)


def can_view_willingness_live(user, survey: WillingnessSurvey) -> bool:
    """Counts while it runs (the public sees rates once it is closed) — also the bureau."""
    return can_manage_willingness(user, survey) or stakeholder_permissions.is_bureau_staff(user)


def can_view_willingness_text(user, survey: WillingnessSurvey) -> bool:
    """Residents' own words: the offices that asked, and the bureau."""
    return can_view_willingness_live(user, survey)


# --- integrity and fund-use reports (issue 21 item 3) -----------------------------------------------
# They go to the discipline-inspection office and the housing bureau — never to the street office
# (nor the community, the contractor or the council) they may concern.

IR = IntegrityReport.Status


def may_read_integrity_reports(user) -> bool:
    """The inspection office handles them; the housing bureau reads them (and is told when late)."""
    return stakeholder_permissions.is_inspection_staff(user) or stakeholder_permissions.is_bureau_staff(user)


def can_see_integrity_reporter(user, report: IntegrityReport) -> bool:
    """Who filed it (when an account did): the inspection office only — not the bureau, not admins."""
    return stakeholder_permissions.is_inspection_staff(user)


def can_acknowledge_integrity(user, report: IntegrityReport) -> bool:
    return report.status == IR.SUBMITTED and stakeholder_permissions.is_inspection_staff(user)


def can_answer_integrity(user, report: IntegrityReport) -> bool:
    """The inspection office answers (taking it on at the same time); once answered it may add more."""
    return report.status in (IR.SUBMITTED, IR.ACKNOWLEDGED, IR.ANSWERED) and (
        stakeholder_permissions.is_inspection_staff(user)
    )


def can_close_integrity(user, report: IntegrityReport) -> bool:
    return report.status == IR.ANSWERED and stakeholder_permissions.is_inspection_staff(user)


def can_write_by_code(report: IntegrityReport) -> bool:
    """Whoever holds the tracking code adds to the report until it is closed."""
    return report.status != IR.CLOSED
