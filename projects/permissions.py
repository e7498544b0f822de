"""Who may see and move a project. Street offices (and later contractors and supervisors) reach a
project through guardian grants to their organization's group; residents and community staff
through predicates on the estate (DESIGN §2)."""

from __future__ import annotations

from guardian.core import ObjectPermissionChecker

from stakeholders import permissions as people

from .lifecycle import TRANSITIONS, By
from .models import Project

VIEW = "projects.view_project"


def _granted(user, perm: str, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    checker = getattr(user, "_portal_project_checker", None)
    if checker is None:
        checker = user._portal_project_checker = ObjectPermissionChecker(user)
    return checker.has_perm(perm.split(".", 1)[1], project)


def can_view_project(user, project: Project) -> bool:
    return (
        people.is_platform_admin(user)
        or people.is_bureau_staff(user)
        or people.is_verified_owner(user, project.estate)
        or people.is_community_staff(user, project.estate)
        or _granted(user, VIEW, project)
    )


def may_list_projects(user) -> bool:
    return user.is_authenticated


def can_transition(user, project: Project, to: str) -> bool:
    """By hand, through the project page. SERVICE transitions are never available here."""
    by = TRANSITIONS.get((project.status, to))
    if by is By.STREET_APPROVER:
        return people.is_platform_admin(user) or people.is_street_approver(user, project.estate)
    if by is By.STREET_STAFF:
        return people.is_platform_admin(user) or people.is_street_staff(user, project.estate)
    return False


def available_transitions(user, project: Project) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == project.status and can_transition(user, project, to)]


# --- petitions -----------------------------------------------------------------------------------

from .models import Petition, Sponsorship  # noqa: E402

OPEN_PROJECT_STATUSES = {
    Project.Status.PETITIONING,
    Project.Status.SUBMITTED,
    Project.Status.ACCEPTED,
    Project.Status.PLANNING,
    Project.Status.PLAN_VOTING,
    Project.Status.PLAN_ADOPTED,
    Project.Status.BUDGET_APPROVED,
    Project.Status.CONTRACTED,
    Project.Status.UNDER_CONSTRUCTION,
}


def can_start_petition(user, estate, *, estate_has_open_project: bool) -> bool:
    """A verified owner of the estate, while the estate has no project under way."""
    return people.is_verified_owner(user, estate) and not estate_has_open_project


def _my_sponsorship(user, petition: Petition) -> Sponsorship | None:
    resident = people.resident_profile(user)
    if resident is None:
        return None
    return next((s for s in petition.sponsorships.all() if s.resident_id == resident.pk), None)


def can_invite_sponsors(user, petition: Petition) -> bool:
    mine = _my_sponsorship(user, petition)
    return (
        petition.status == Petition.Status.COLLECTING
        and mine is not None
        and mine.status == Sponsorship.Status.CONFIRMED
    )


def _own_sponsorship_while_collecting(user, sponsorship: Sponsorship, status: str) -> bool:
    resident = people.resident_profile(user)
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

from .models import Vote, Voter  # noqa: E402


def vote_accepts_ballots(vote: Vote, now) -> bool:
    return vote.status == Vote.Status.OPEN and vote.opens_at <= now < vote.closes_at


def can_cast_ballot(user, vote: Vote, voter: Voter | None, now) -> bool:
    """A voting owner in the vote's electorate, online, while it is open."""
    resident = people.resident_profile(user)
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
        people.is_platform_admin(user) or people.is_community_staff(user, vote.project.estate)
    )


def can_manage_votes(user, project: Project) -> bool:
    """The street approver creates, opens and closes votes by hand."""
    return people.is_platform_admin(user) or people.is_street_approver(user, project.estate)
