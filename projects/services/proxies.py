"""Voting by proxy (委托投票, issue 18 item 7): the community committee records an owner's signed
authorisation for one person (a vote, or every vote until a date); the proxy casts that owner's
ballot online — still the owner's one ballot (the same database constraint); the owner is told."""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from stakeholders.audit import by_actor
from stakeholders.models import Estate, Notification, Ownership, Resident, User
from stakeholders.services import notify

from .. import permissions
from ..models import Ballot, ProxyAuthorization, Vote, Voter
from .votes import VOTE_ERRORS, _store_ballot, _store_paper

PROXY_ERRORS = {
    "not_allowed": _("The community committee records proxy authorisations."),
    "not_an_owner": _("The owner must be a verified owner in this estate."),
    "no_such_proxy": _("No registered resident has this phone number: the proxy registers first."),
    "self": _("An owner cannot be their own proxy."),
    "scope_required": _("Choose the vote, or the last day the authorisation holds."),
    "until_past": _("The last day cannot be in the past (and at most a year ahead)."),
    "scan_required": _("Upload the signed authorisation (photo or PDF)."),
    "vote_elsewhere": _("This vote is not one of the estate's."),
    "not_proxy": _("You do not hold this owner's authorisation for this vote."),
    "revoke_not_allowed": _("Only the owner or the community committee revokes it."),
    "not_in_force": _(
        "No proxy authorisation of this owner holds for this vote: enter it as the owner's own ballot, "
        "or record the authorisation first."
    ),
}
_error = errors_for(PROXY_ERRORS)


@by_actor
@transaction.atomic
def proxy_record(
    *,
    estate: Estate,
    actor: User,
    owner: Resident,
    proxy_phone: str,
    scan,
    vote: Vote | None = None,
    valid_until: Date | None = None,
) -> ProxyAuthorization:
    if not permissions.can_record_proxy(actor, estate):
        raise PermissionDenied(PROXY_ERRORS["not_allowed"])
    if not Ownership.objects.verified().filter(resident=owner, household__building__estate=estate).exists():
        raise _error("not_an_owner", "owner")
    proxy = Resident.objects.filter(phone=(proxy_phone or "").strip()).select_related("user").first()
    if proxy is None:
        raise _error("no_such_proxy", "proxy_phone")
    if proxy.pk == owner.pk:
        raise _error("self", "proxy_phone")
    if vote is None and valid_until is None:
        raise _error("scope_required", "vote")
    if vote is not None and vote.project.estate_id != estate.pk:
        raise _error("vote_elsewhere", "vote")
    today = timezone.localdate()
    if vote is None and not today <= valid_until <= today.replace(year=today.year + 1):
        raise _error("until_past", "valid_until")
    if not scan:
        raise _error("scan_required", "scan")
    try:
        checked = check_upload(scan)
    except ValidationError as error:
        raise ValidationError({"scan": error}) from None
    authorization = ProxyAuthorization(
        estate=estate,
        owner=owner,
        proxy=proxy,
        vote=vote,
        valid_until=None if vote is not None else valid_until,
        scan_type=checked.content_type,
        recorded_by=actor,
    )
    authorization.scan.save("proxy", document_without_metadata(scan, checked.content_type), save=False)
    authorization.save()
    notify(
        users=[owner.user_id, proxy.user_id],
        kind=Notification.Kind.PROXY_RECORDED,
        url=reverse("home"),
        key=f"proxy-recorded:{authorization.pk}",
        estate=estate.name,
        owner=owner.masked_name,
        proxy=proxy.masked_name,
    )
    return authorization


@by_actor
@transaction.atomic
def proxy_revoke(*, authorization: ProxyAuthorization, actor: User) -> ProxyAuthorization:
    locked = (
        ProxyAuthorization.objects.select_for_update(of=("self",))
        .select_related("estate__community")
        .get(pk=authorization.pk)
    )
    if not permissions.can_revoke_proxy(actor, locked):
        raise PermissionDenied(PROXY_ERRORS["revoke_not_allowed"])
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked


@by_actor
@transaction.atomic
def ballot_cast_by_proxy(
    *, vote: Vote, actor: User, authorization: ProxyAuthorization, choice: str
) -> tuple[Ballot, str]:
    """The proxy casts the owner's one ballot (channel `proxy`); the owner is told it was cast."""
    now = timezone.now()
    if not permissions.vote_accepts_ballots(vote, now):
        raise ValidationError(VOTE_ERRORS["not_open"], code="not_open")
    voter = Voter.objects.filter(vote=vote, resident_id=authorization.owner_id).select_related("resident").first()
    if not permissions.can_cast_by_proxy(actor, vote, voter, authorization, now):
        raise PermissionDenied(PROXY_ERRORS["not_proxy"])
    ballot, receipt = _store_ballot(
        vote=vote, voter=voter, choice=choice, channel=Ballot.Channel.PROXY, actor=actor, duplicate_code="already_voted"
    )
    _tell_owner(ballot, vote, voter, authorization)
    return ballot, receipt


@by_actor
@transaction.atomic
def ballot_record_paper_by_proxy(
    *, vote: Vote, voter: Voter, authorization: ProxyAuthorization, choice: str, scan, actor: User
) -> tuple[Ballot, str]:
    """Community staff enter the paper ballot a proxy signed for the owner (channel `proxy`, with
    its scan); still the owner's one ballot, and the owner is told it was cast."""
    now = timezone.now()
    if not permissions.can_record_paper_ballot(actor, vote, now):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if not permissions.can_record_proxy_paper_ballot(actor, vote, voter, authorization, now):
        raise ValidationError(PROXY_ERRORS["not_in_force"], code="not_in_force")
    ballot, receipt = _store_paper(
        vote=vote, voter=voter, choice=choice, scan=scan, actor=actor, channel=Ballot.Channel.PROXY
    )
    _tell_owner(ballot, vote, voter, authorization)
    return ballot, receipt


def _tell_owner(ballot: Ballot, vote: Vote, voter: Voter, authorization: ProxyAuthorization) -> None:
    if voter.resident is None:
        return
    notify(
        users=[voter.resident.user_id],
        kind=Notification.Kind.BALLOT_BY_PROXY,
        url=reverse("projects:vote", args=[vote.code]),
        key=f"ballot-by-proxy:{ballot.pk}",
        title=vote.title,
        proxy=authorization.proxy.masked_name,
    )
