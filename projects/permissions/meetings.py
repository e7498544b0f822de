"""Hearings (听证会), residents' meetings and voting by proxy (委托投票)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from stakeholders import permissions as stakeholder_permissions

from ..models import (
    Project,
    Vote,
    Voter,
)
from .petitions import can_record_paper_ballot, vote_accepts_ballots

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
