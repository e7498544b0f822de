"""The reads of voting by proxy (委托投票): whose ballots a person may cast in a vote, the
authorisations an owner gave, and the committee's list for an estate."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from stakeholders import permissions as stakeholder_permissions

from .models import ProxyAuthorization, Voter


def _in_force(vote):
    return Q(revoked_at__isnull=True, estate_id=vote.project.estate_id) & (
        Q(vote=vote) | Q(vote__isnull=True, valid_until__gte=timezone.localdate(vote.closes_at))
    )


def held_for(user, vote) -> list[tuple[ProxyAuthorization, Voter]]:
    """(authorisation, the owner's voter row with its ballot if any) for each owner who authorised
    `user` in this vote. Two queries; none for a user who holds no authorisation."""
    resident = stakeholder_permissions.resident_profile(user)
    if resident is None:
        return []
    held = list(ProxyAuthorization.objects.filter(_in_force(vote), proxy=resident).select_related("owner", "estate"))
    if not held:
        return []
    voters = {
        v.resident_id: v
        for v in Voter.objects.filter(vote=vote, resident_id__in=[a.owner_id for a in held]).select_related("ballot")
    }
    return [(a, voters[a.owner_id]) for a in held if a.owner_id in voters]


def in_force_by_owner(vote, owner_ids) -> dict[int, ProxyAuthorization]:
    """For the paper desk: the authorisation in force for each of these owners in this vote (one
    query; the latest if an owner gave more than one)."""
    ids = [pk for pk in owner_ids if pk is not None]
    if not ids:
        return {}
    found = ProxyAuthorization.objects.filter(_in_force(vote), owner_id__in=ids).select_related("proxy")
    return {a.owner_id: a for a in found.order_by("recorded_at", "id")}


def is_proxy_in(user, vote) -> bool:
    resident = stakeholder_permissions.resident_profile(user)
    return resident is not None and ProxyAuthorization.objects.filter(_in_force(vote), proxy=resident).exists()


def given_by(resident) -> list[ProxyAuthorization]:
    return list(
        ProxyAuthorization.objects.filter(owner=resident, revoked_at__isnull=True)
        .select_related("proxy", "vote", "estate")
        .order_by("-recorded_at")
    )


def estate_desk(estate) -> list[ProxyAuthorization]:
    return list(
        ProxyAuthorization.objects.filter(estate=estate)
        .select_related("owner", "proxy", "vote", "recorded_by")
        .order_by("revoked_at", "-recorded_at")
    )
