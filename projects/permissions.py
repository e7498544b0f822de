"""Who may see and move a project. Street offices (and later contractors and supervisors) reach a
project through guardian grants to their organization's group; residents and community staff
through predicates on the estate (architecture §2)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from guardian.core import ObjectPermissionChecker

from stakeholders import permissions as stakeholder_permissions
from stakeholders.viewer import viewer_of

from .lifecycle import AWARD_STATUSES, NEEDS_OPEN_STATUSES, TRANSITIONS, By
from .models import (
    AcceptanceSignature,
    Need,
    Petition,
    PlanDesigner,
    PlanVersion,
    Project,
    Sponsorship,
    Vote,
    Voter,
)

VIEW = "projects.view_project"


def _granted(user, perm: str, project: Project) -> bool:
    checker = viewer_of(user).object_permissions
    return checker is not None and checker.has_perm(perm.split(".", 1)[1], project)


def can_view_project(user, project: Project) -> bool:
    """The same people as selectors.projects_visible_to (owners first: the most common, one query)."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_verified_owner(user, project.estate)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_community_staff(user, project.estate)
        or _granted(user, VIEW, project)
    )


def may_list_projects(user) -> bool:
    return user.is_authenticated


def can_transition(user, project: Project, to: str) -> bool:
    """By hand, through the project page. SERVICE transitions are never available here."""
    by = TRANSITIONS.get((project.status, to))
    if by is By.STREET_APPROVER:
        return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_approver(
            user, project.estate
        )
    if by is By.STREET_STAFF:
        return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(
            user, project.estate
        )
    return False


def available_transitions(user, project: Project) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == project.status and can_transition(user, project, to)]


# --- petitions -----------------------------------------------------------------------------------


def can_start_petition(user, estate, *, estate_has_open_project: bool, council_in_term: bool = True, entrance=True):
    """A verified owner there (an elevator's: owns in its entrance), no such project under way, and
    where the city puts the council first (PETITION_REQUIRES_COUNCIL) its council filed, in term."""
    return (
        stakeholder_permissions.is_verified_owner(user, estate)
        and entrance
        and not estate_has_open_project
        and (council_in_term or not settings.PETITION_REQUIRES_COUNCIL)
    )


def _my_sponsorship(user, petition: Petition) -> Sponsorship | None:
    pk = getattr(stakeholder_permissions.resident_profile(user), "pk", None)
    return next((s for s in petition.sponsorships.all() if pk is not None and s.resident_id == pk), None)


def can_invite_sponsors(user, petition: Petition) -> bool:
    mine = _my_sponsorship(user, petition)
    confirmed = getattr(mine, "status", None) == Sponsorship.Status.CONFIRMED
    return petition.status == Petition.Status.COLLECTING and confirmed


def can_submit_petition(user, petition: Petition, *, complete: bool) -> bool:
    """Any confirmed sponsor sends a complete petition to the owners' willingness vote."""
    return complete and can_invite_sponsors(user, petition) and petition.project.status == Project.Status.PETITIONING


def _own_sponsorship_while_collecting(user, sponsorship: Sponsorship, status: str) -> bool:
    resident = stakeholder_permissions.resident_profile(user)
    return (
        resident is not None
        and sponsorship.resident_id == resident.pk
        and sponsorship.status == status
        and sponsorship.petition.status == Petition.Status.COLLECTING
    )


def can_answer_invitation(user, sponsorship: Sponsorship) -> bool:
    """The invitee themself, while invited and the petition collects sponsors."""
    return _own_sponsorship_while_collecting(user, sponsorship, Sponsorship.Status.INVITED)


def can_withdraw_sponsorship(user, sponsorship: Sponsorship) -> bool:
    """A sponsor withdraws their own confirmed signature before submission."""
    return _own_sponsorship_while_collecting(user, sponsorship, Sponsorship.Status.CONFIRMED)


# --- votes -----------------------------------------------------------------------------------------


def vote_accepts_ballots(vote: Vote, now) -> bool:
    return vote.status == Vote.Status.OPEN and vote.opens_at <= now < vote.closes_at


def can_cast_ballot(user, vote: Vote, voter: Voter | None, now) -> bool:
    """A voting owner in the vote's electorate, online, while it is open."""
    resident = stakeholder_permissions.resident_profile(user)
    return (
        vote_accepts_ballots(vote, now)
        and resident is not None
        and voter is not None
        and voter.vote_id == vote.pk
        and voter.resident_id == resident.pk
    )


def can_cast_ballot_now(user, vote: Vote, voter: Voter | None, now) -> bool:
    """What the vote page offers: may vote, and has not voted yet (ballots are never changed)."""
    return can_cast_ballot(user, vote, voter, now) and not hasattr(voter, "ballot")


def can_record_paper_ballot(user, vote: Vote, now) -> bool:
    """Community staff of the estate enter paper ballots (with a scan) while the vote is open."""
    return vote_accepts_ballots(vote, now) and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, vote.project.estate)
    )


def can_manage_votes(user, project: Project) -> bool:
    """The street approver creates, opens and closes votes by hand."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_approver(
        user, project.estate
    )


def can_close_vote_now(user, vote: Vote, now) -> bool:
    """Count an open vote by hand once its deadline has passed (the beat job does it within a
    minute anyway); never earlier — the announced window is the owners' right."""
    return vote.status == Vote.Status.OPEN and now >= vote.closes_at and can_manage_votes(user, vote.project)


def can_open_vote(user, vote: Vote) -> bool:
    return vote.status == Vote.Status.DRAFT and can_manage_votes(user, vote.project)


def may_see_paper_ballots(user, vote: Vote) -> bool:
    """The voter list with units (personal data): community staff of the estate, the street
    office's approver, platform admins."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, vote.project.estate)
        or stakeholder_permissions.is_street_approver(user, vote.project.estate)
    )


def can_view_ballot_scan(user, ballot) -> bool:
    return may_see_paper_ballots(user, ballot.vote)


# --- needs (点单) ----------------------------------------------------------------------------------


def _drafter(user, estate) -> bool:
    """Council members and community staff of the estate draft the plan and review needs."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_council_member(user, estate)
        or stakeholder_permissions.is_community_staff(user, estate)
    )


def can_file_need(user, project: Project) -> bool:
    """Everyone who lives there asks (issue 18): a resident with a standing claim in the estate —
    verified owners, and those whose claim waits — while needs are collected."""
    return project.status in NEEDS_OPEN_STATUSES and project.estate_id in stakeholder_permissions.claimed_estate_ids(
        user
    )


def can_support_need(user, need) -> bool:
    """The same residents support open or included needs of their estate while needs are collected."""

    return need.status != Need.Status.DECLINED and can_file_need(user, need.project)


def can_triage_needs(user, project: Project) -> bool:
    return project.status in NEEDS_OPEN_STATUSES and _drafter(user, project.estate)


# --- plan (三上三下) ---------------------------------------------------------------------------------


def can_draft_plan(user, project: Project) -> bool:
    return project.status == Project.Status.PLANNING and _drafter(user, project.estate)


def can_start_plan_version(user, project: Project, live: PlanVersion | None) -> bool:
    """A first version, or a revision of the published one (which stops taking comments)."""
    return can_draft_plan(user, project) and (live is None or live.status == PlanVersion.Status.PUBLISHED)


def can_edit_plan_version(user, version: PlanVersion) -> bool:
    return version.status == PlanVersion.Status.DRAFT and can_draft_plan(user, version.project)


def can_publish_plan_version(user, version: PlanVersion) -> bool:
    """The street approver publishes a draft for the residents' comments (一上/二上/三上)."""
    return (
        version.status == PlanVersion.Status.DRAFT
        and version.project.status == Project.Status.PLANNING
        and (
            stakeholder_permissions.is_platform_admin(user)
            or stakeholder_permissions.is_street_approver(user, version.project.estate)
        )
    )


def can_comment_plan(user, version: PlanVersion) -> bool:
    return (
        version.status == PlanVersion.Status.PUBLISHED
        and version.project.status == Project.Status.PLANNING
        and (
            stakeholder_permissions.is_verified_owner(user, version.project.estate)
            or _drafter(user, version.project.estate)
        )
    )


def can_read_plan_version(user, version: PlanVersion, *, sees_project: bool) -> bool:
    """Every published version (and its comments, answers and changes) is readable by everyone —
    tenants, pending claimants, the public (issue 18); a draft only by those who see the project."""
    return version.status != PlanVersion.Status.DRAFT or sees_project


def can_answer_plan_comment(user, comment) -> bool:
    """The drafters (council, community committee) answer each comment once while the plan is being
    made: on the published version, or on it while its revision is drafted."""
    version = comment.version
    return (
        not comment.response
        and version.status in (PlanVersion.Status.PUBLISHED, PlanVersion.Status.SUPERSEDED)
        and version.project.status == Project.Status.PLANNING
        and (_drafter(user, version.project.estate) or is_plan_designer(user, version.project))
    )


def can_call_plan_vote(user, version: PlanVersion) -> bool:
    """The street approver puts a published version to the owners' special-matter vote."""
    return (
        version.status == PlanVersion.Status.PUBLISHED
        and version.project.status == Project.Status.PLANNING
        and can_manage_votes(user, version.project)
    )


# --- award (contractor, supervisor) and completion acceptance (竣工验收) ----------------------------

REPORT_PROGRESS = "projects.report_progress"
SUPERVISE = "projects.supervise_project"


def can_award(user, project: Project) -> bool:
    """The street approver awards the works once the budget is published, and may replace the
    contractor or the supervisor until completion."""
    return project.status in AWARD_STATUSES and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_street_approver(user, project.estate)
    )


def _granted_to_organization(user, perm: str, project: Project) -> bool:
    """The grant held by one of the user's organizations. A superuser passes every guardian check,
    but acts as contractor or supervisor only if they really are a member of that organization."""
    if user.is_authenticated and user.is_superuser:
        return perm.split(".", 1)[1] in set(ObjectPermissionChecker(user).get_group_perms(project))
    return _granted(user, perm, project)


def is_project_contractor(user, project: Project) -> bool:
    """A member of the organization currently awarded the works (its group holds the grant)."""
    return _granted_to_organization(user, REPORT_PROGRESS, project)


def is_project_supervisor(user, project: Project) -> bool:
    return _granted_to_organization(user, SUPERVISE, project)


def acceptance_roles(user, project: Project) -> list[str]:
    """The roles in which the user may sign the completion acceptance of this project now."""

    if project.status != Project.Status.UNDER_CONSTRUCTION:
        return []
    Role = AcceptanceSignature.Role
    roles = []
    if is_project_supervisor(user, project):
        roles.append(Role.SUPERVISOR)
    if stakeholder_permissions.is_street_approver(user, project.estate):
        roles.append(Role.STREET)
    if stakeholder_permissions.is_council_member(user, project.estate):
        roles.append(Role.COUNCIL)
    return roles


def can_sign_acceptance(user, project: Project, role: str) -> bool:
    return role in acceptance_roles(user, project)


# --- hearings (听证会) and residents' meetings, issue 18 item 2 -----------------------------------

_S = Project.Status
HEARING_STATUSES = frozenset({_S.ACCEPTED, _S.PLANNING, _S.PLAN_VOTING, _S.PLAN_ADOPTED, _S.BUDGET_APPROVED})


def _hearing_staff(user, estate) -> bool:
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, estate)
        or stakeholder_permissions.is_street_staff(user, estate)
    )


def can_view_hearing_sheet(user, hearing) -> bool:
    """The paper sign-in sheet carries names: its estate's committee and street office."""
    return bool(hearing.signin_sheet) and _hearing_staff(user, hearing.project.estate)


def can_schedule_hearing(user, project: Project) -> bool:
    """The community committee or the street office calls a hearing while the plan and the budget
    are being decided."""
    return project.status in HEARING_STATUSES and _hearing_staff(user, project.estate)


def can_record_hearing(user, hearing, now) -> bool:
    """Recorded once, after it began, by those who may call one."""
    return hearing.recorded_at is None and hearing.held_at <= now and _hearing_staff(user, hearing.project.estate)


def _signing_in(hearing, now) -> bool:
    """Sign-in runs on the day, from an hour before it begins until it is recorded."""
    day = timezone.localdate(now) == timezone.localdate(hearing.held_at)
    return hearing.recorded_at is None and hearing.held_at - timedelta(hours=1) <= now and day


def can_check_in(user, hearing, now) -> bool:
    """A resident of the estate signs in online, for their household."""
    return _signing_in(hearing, now) and hearing.project.estate_id in stakeholder_permissions.claimed_estate_ids(user)


def can_sign_in_at_desk(user, hearing, now) -> bool:
    """Staff at the door sign households in from the estate's list (those who call hearings)."""
    return _signing_in(hearing, now) and _hearing_staff(user, hearing.project.estate)


# --- voting by proxy (委托投票), issue 18 item 7 ----------------------------------------------------


def can_record_proxy(user, estate) -> bool:
    """The community committee records (and so verifies) a signed authorisation."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_community_staff(user, estate)


def can_revoke_proxy(user, authorization) -> bool:
    own = getattr(stakeholder_permissions.resident_profile(user), "pk", None) == authorization.owner_id
    return authorization.revoked_at is None and (own or can_record_proxy(user, authorization.estate))


def proxy_covers(authorization, vote: Vote) -> bool:
    """An authorisation in force for this vote: for it, or for every vote of the estate until a day
    the vote does not close after."""
    if authorization.revoked_at is not None or authorization.estate_id != vote.project.estate_id:
        return False
    if authorization.vote_id is not None:
        return authorization.vote_id == vote.pk
    return timezone.localdate(vote.closes_at) <= authorization.valid_until


def can_cast_by_proxy(user, vote: Vote, voter: Voter | None, authorization, now) -> bool:
    """The proxy casts the owner's ballot online while the vote is open."""
    resident = stakeholder_permissions.resident_profile(user)
    return (
        vote_accepts_ballots(vote, now)
        and resident is not None
        and voter is not None
        and voter.vote_id == vote.pk
        and authorization.proxy_id == resident.pk
        and voter.resident_id == authorization.owner_id
        and proxy_covers(authorization, vote)
    )


def can_record_proxy_paper_ballot(user, vote: Vote, voter: Voter, authorization, now) -> bool:
    """Staff enter the paper ballot a proxy signed: the desk's rule, and the owner's authorisation."""
    owners = voter.vote_id == vote.pk and voter.resident_id == authorization.owner_id
    return can_record_paper_ballot(user, vote, now) and owners and proxy_covers(authorization, vote)


# --- designers and community planners at the table (issue 18 item 9) ------------------------------

DESIGN_STATUSES = frozenset({_S.ACCEPTED, _S.PLANNING})


def is_plan_designer(user, project: Project) -> bool:
    """Staff of a designer or planner assigned to the project (kept per project on the viewer)."""
    viewer = viewer_of(user)
    known = viewer.__dict__.setdefault("designed_projects", {})
    if project.pk not in known:
        mine = {m.organization_id for m in viewer.memberships}
        known[project.pk] = (
            bool(mine) and PlanDesigner.objects.filter(project_id=project.pk, organization_id__in=mine).exists()
        )
    return known[project.pk]


def can_assign_designer(user, project: Project) -> bool:
    """The street office puts a designer or a community planner at the table while the plan is made."""
    return project.status in DESIGN_STATUSES and (
        stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(user, project.estate)
    )


def can_attach_drawing(user, version: PlanVersion) -> bool:
    """The project's designers attach drawings to a version being drafted or open for comment."""
    return (
        version.status in (PlanVersion.Status.DRAFT, PlanVersion.Status.PUBLISHED)
        and version.project.status == Project.Status.PLANNING
        and is_plan_designer(user, version.project)
    )
