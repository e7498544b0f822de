"""Petitions (改造申请) and votes: who starts, sponsors and submits, who votes and who counts."""

from __future__ import annotations

from django.conf import settings

from stakeholders import permissions as stakeholder_permissions

from ..models import (
    Petition,
    Project,
    Sponsorship,
    Vote,
    Voter,
)

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


def is_in_electorate(user, voter: Voter | None) -> bool:
    """The electorate snapshot is the scope decision: this person's Voter row in this vote means
    they may see the vote and cast its ballot (the ballot path's one read, issue 23)."""
    return (
        voter is not None
        and user.is_authenticated
        and voter.resident_id is not None
        and voter.resident.user_id == user.pk  # the resident comes with the Voter row
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
