"""The residents' council (老友议事会) as Nanning runs it: the community committee organises and
records an election (candidates from the estate's verified owners, votes, turnout, the signed tally
sheet); the street office files it (备案) or returns it with a reason; filed representatives get a
certificate with a public check page; seats end by resignation or with the next council; a council
past its term is expired; a filed council may become the owners' committee (业主委员会).

Writes (services); the reads of the council's pages are in council_selectors.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata

from . import permissions
from .audit import by_actor
from .models import (
    Council,
    CouncilElection,
    CouncilMeeting,
    CouncilMember,
    DeliberationRules,
    ElectionCandidate,
    Estate,
    MeetingAttachment,
    Notification,
    Ownership,
    Resident,
    User,
)
from .services import notify

ERRORS = {
    "not_allowed": _("You may not do this."),
    "held_in_future": _("The election cannot be dated in the future."),
    "term_too_long": _("A term ends after the election and at most 5 years later."),
    "turnout_too_high": _("More owners voted than the %(n)s owners entitled to vote."),
    "no_candidates": _("List the candidates and their votes."),
    "not_an_owner": _("%(name)s is not a verified owner in this estate: candidates must be."),
    "duplicate_candidate": _("%(name)s is listed twice."),
    "votes_too_high": _("%(name)s has more votes than owners voted."),
    "none_elected": _("Mark who was elected."),
    "one_chair": _("Mark exactly one elected representative as the chair."),
    "election_waiting": _("An election of this estate is already waiting for the street office."),
    "no_filed_council": _("A by-election fills a seat of a filed council: file the council's election first."),
    "already_decided": _("This election was already filed or returned."),
    "reason_required": _("Give a reason, so the community committee knows what to fix."),
    "meeting_in_past": _("A meeting is called for a time to come (at most half a year ahead)."),
    "minutes_required": _("Write the minutes: what was discussed."),
    "meeting_already_recorded": _("The minutes of this meeting are already recorded."),
    "too_many_attachments": _("At most %(max)s attachments per meeting."),
    "rules_required": _("Write the rules, one per line."),
}
_error = errors_for(ERRORS)
TERM_MAX_YEARS = 5
MEETING_ATTACHMENTS_MAX = 3
CERTIFICATE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Candidate:
    resident: Resident
    votes: int
    elected: bool = False
    chair: bool = False


def electorate_of(estate: Estate) -> int:
    """The owners entitled to vote: one voting owner per household (the vote's own rule)."""
    return Ownership.objects.verified().filter(household__building__estate=estate, is_voting_owner=True).count()


def _check_candidates(estate: Estate, candidates: list[Candidate], turnout: int, kind: str) -> None:
    if not candidates:
        raise _error("no_candidates", "candidates")
    owners = set(
        Ownership.objects.verified()
        .filter(household__building__estate=estate, resident__in=[c.resident for c in candidates])
        .values_list("resident_id", flat=True)
    )
    seen = set()
    for c in candidates:
        name = c.resident.name
        if c.resident.pk not in owners:
            raise _error("not_an_owner", "candidates", name=name)
        if c.resident.pk in seen:
            raise _error("duplicate_candidate", "candidates", name=name)
        seen.add(c.resident.pk)
        if c.votes > turnout:
            raise _error("votes_too_high", "candidates", name=name)
    elected = [c for c in candidates if c.elected]
    if not elected:
        raise _error("none_elected", "candidates")
    if kind == CouncilElection.Kind.FULL and sum(1 for c in elected if c.chair) != 1:
        raise _error("one_chair", "candidates")


@by_actor
@transaction.atomic
def council_election_record(
    *,
    estate: Estate,
    actor: User,
    held_on: Date,
    place: str,
    turnout: int,
    term_ends: Date,
    tally_scan,
    candidates: list[Candidate],
    kind: str = CouncilElection.Kind.FULL,
) -> CouncilElection:
    """The community committee records an election it held; it waits for the street office."""
    if not permissions.can_record_council_election(actor, estate):
        raise PermissionDenied(ERRORS["not_allowed"])
    council, _created = Council.objects.select_for_update().get_or_create(estate=estate)
    council = Council.objects.select_for_update().get(pk=council.pk)
    if council.elections.filter(status=CouncilElection.Status.RECORDED).exists():
        raise _error("election_waiting")
    if kind == CouncilElection.Kind.BY_ELECTION and not council.filed_on:
        raise _error("no_filed_council", "kind")
    if held_on > timezone.localdate():
        raise _error("held_in_future", "held_on")
    if not held_on < term_ends <= held_on + timedelta(days=366 * TERM_MAX_YEARS):
        raise _error("term_too_long", "term_ends")
    electorate = electorate_of(estate)
    if turnout > electorate:
        raise _error("turnout_too_high", "turnout", n=electorate)
    _check_candidates(estate, candidates, turnout, kind)
    try:
        checked = check_upload(tally_scan)
    except ValidationError as error:
        raise ValidationError({"tally_scan": error}) from None
    election = CouncilElection(
        council=council,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        electorate=electorate,
        turnout=turnout,
        term_ends=term_ends,
        tally_scan_type=checked.content_type,
        recorded_by=actor,
    )
    election.tally_scan.save("tally", document_without_metadata(tally_scan, checked.content_type), save=False)
    election.save()
    ElectionCandidate.objects.bulk_create(
        [
            ElectionCandidate(
                election=election,
                resident=c.resident,
                votes=c.votes,
                elected=c.elected,
                role=CouncilMember.Role.CHAIR if (c.elected and c.chair) else CouncilMember.Role.MEMBER,
            )
            for c in candidates
        ]
    )
    return election


def _locked_election(election: CouncilElection, actor: User) -> CouncilElection:
    locked = (
        CouncilElection.objects.select_for_update(of=("self",))
        .select_related("council__estate__community")
        .get(pk=election.pk)
    )
    if locked.status != CouncilElection.Status.RECORDED:
        raise _error("already_decided")
    if not permissions.can_decide_council_election(actor, locked):
        raise PermissionDenied(ERRORS["not_allowed"])
    return locked


def _certificate_code() -> str:
    return "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(12))


@by_actor
@transaction.atomic
def council_election_file(*, election: CouncilElection, actor: User) -> Council:
    """The street office files the election (备案): the elected take their seats with a
    certificate each; a full election ends the previous council's seats and sets the term."""
    election = _locked_election(election, actor)
    council = Council.objects.select_for_update().get(pk=election.council_id)
    today = timezone.localdate()
    if election.kind == CouncilElection.Kind.FULL:
        council.seats_active().update(ended_on=today, end_reason="new_term")
        council.filed_on, council.term_ends = today, election.term_ends
    elif not council.filed_on:
        raise _error("no_filed_council")
    council.returned = False
    council.save(update_fields=["filed_on", "term_ends", "returned"])
    for candidate in election.candidates.filter(elected=True).select_related("resident"):
        council.seats_active().filter(resident=candidate.resident).update(ended_on=today, end_reason="new_term")
        for _attempt in range(5):  # a certificate number is unique; a clash (1 in 10^17) draws again
            try:
                with transaction.atomic():
                    CouncilMember.objects.create(
                        council=council,
                        resident=candidate.resident,
                        role=candidate.role,
                        election=election,
                        certificate_code=_certificate_code(),
                    )
                break
            except IntegrityError:
                continue
    election.status, election.decided_by, election.decided_at = CouncilElection.Status.FILED, actor, timezone.now()
    election.save(update_fields=["status", "decided_by", "decided_at"])
    elected = election.candidates.filter(elected=True).values_list("resident__user_id", flat=True)
    notify(  # the committee that recorded it, and the representatives (their certificate is on their home)
        users={election.recorded_by_id, *elected},
        kind=Notification.Kind.COUNCIL_FILED,
        url=reverse("disclosure:council", args=[council.estate.code]),
        key=f"council-filed:{election.pk}",
        estate=council.estate.name,
        until=council.term_ends.isoformat() if council.term_ends else "",
    )
    return council


@by_actor
@transaction.atomic
def council_election_return(*, election: CouncilElection, actor: User, reason: str) -> CouncilElection:
    """The street office returns the election to the community committee, saying why."""
    election = _locked_election(election, actor)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "reason")
    election.status, election.return_reason = CouncilElection.Status.RETURNED, reason[:500]
    election.decided_by, election.decided_at = actor, timezone.now()
    election.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    Council.objects.filter(pk=election.council_id, filed_on__isnull=True).update(returned=True)
    notify(
        users=[election.recorded_by_id],
        kind=Notification.Kind.COUNCIL_RETURNED,
        url=reverse("stakeholders:council_election", args=[election.pk]),
        key=f"council-returned:{election.pk}",
        estate=election.council.estate.name,
        reason=election.return_reason[:120],
    )
    return election


@by_actor
@transaction.atomic
def council_seat_end(*, seat: CouncilMember, actor: User) -> CouncilMember:
    """A representative resigns (or staff record it): the seat ends today; a by-election fills it."""
    seat = (
        CouncilMember.objects.select_for_update(of=("self",))
        .select_related("council__estate__community")
        .get(pk=seat.pk)
    )
    if not permissions.can_end_council_seat(actor, seat):
        raise PermissionDenied(ERRORS["not_allowed"])
    seat.ended_on, seat.end_reason = timezone.localdate(), "resigned"
    seat.save(update_fields=["ended_on", "end_reason"])
    return seat


@by_actor
@transaction.atomic
def council_convert(*, council: Council, actor: User, on: Date, reference: str) -> Council:
    """The street office records that the council became the estate's owners' committee."""
    council = Council.objects.select_for_update(of=("self",)).select_related("estate__community").get(pk=council.pk)
    if not permissions.can_convert_council(actor, council):
        raise PermissionDenied(ERRORS["not_allowed"])
    council.converted_on, council.converted_reference = on, (reference or "").strip()[:100]
    council.save(update_fields=["converted_on", "converted_reference"])
    return council


@by_actor
@transaction.atomic
def council_meeting_schedule(*, council: Council, actor: User, held_at, place: str, agenda: str) -> CouncilMeeting:
    """Call a meeting: its agenda is public and every verified owner of the estate is told."""
    council = Council.objects.select_for_update(of=("self",)).select_related("estate__community").get(pk=council.pk)
    if not permissions.can_schedule_council_meeting(actor, council):
        raise PermissionDenied(ERRORS["not_allowed"])
    now = timezone.now()
    if not now <= held_at <= now + timedelta(days=183):
        raise _error("meeting_in_past", "held_at")
    meeting = CouncilMeeting.objects.create(
        council=council, held_at=held_at, place=place.strip(), agenda=agenda.strip(), scheduled_by=actor
    )
    owners = Ownership.objects.verified().filter(household__building__estate=council.estate)
    notify(
        users=set(owners.values_list("resident__user_id", flat=True)),
        kind=Notification.Kind.COUNCIL_MEETING,
        url=reverse("disclosure:council", args=[council.estate.code]),
        key=f"council-meeting:{meeting.pk}",
        estate=council.estate.name,
        when=timezone.localtime(held_at).strftime("%Y-%m-%d %H:%M"),
        place=meeting.place,
        agenda=meeting.agenda[:60],
    )
    return meeting


@by_actor
@transaction.atomic
def council_meeting_record(
    *, meeting: CouncilMeeting, actor: User, attendance: int, minutes: str, decisions: str, attachments=()
) -> CouncilMeeting:
    """After the meeting: how many attended, the minutes and the decisions (public, no names), and up
    to MEETING_ATTACHMENTS_MAX documents (the estate's residents and staff open them: they may carry
    names). Files are checked and images stripped of their metadata before anything is saved."""
    meeting = (
        CouncilMeeting.objects.select_for_update(of=("self",))
        .select_related("council__estate__community")
        .get(pk=meeting.pk)
    )
    if meeting.recorded_at is not None:
        raise _error("meeting_already_recorded")
    if not permissions.can_record_council_meeting(actor, meeting, timezone.now()):
        raise PermissionDenied(ERRORS["not_allowed"])
    if not (minutes or "").strip():
        raise _error("minutes_required", "minutes")
    attachments = [f for f in attachments if f]
    if len(attachments) > MEETING_ATTACHMENTS_MAX:
        raise _error("too_many_attachments", "attachments", max=MEETING_ATTACHMENTS_MAX)
    documents = []
    for uploaded in attachments:
        try:
            checked = check_upload(uploaded)
        except ValidationError as error:
            raise ValidationError({"attachments": error}) from None
        documents.append((uploaded, checked.content_type))
    meeting.attendance, meeting.minutes, meeting.decisions = attendance, minutes.strip(), (decisions or "").strip()
    meeting.recorded_at = timezone.now()
    meeting.save(update_fields=["attendance", "minutes", "decisions", "recorded_at"])
    for uploaded, content_type in documents:
        attachment = MeetingAttachment(
            meeting=meeting,
            content_type=content_type,
            title=(getattr(uploaded, "name", "") or "").rsplit("/", 1)[-1][:100] or str(_("attachment")),
            uploaded_by=actor,
        )
        attachment.file.save("attachment", document_without_metadata(uploaded, content_type), save=False)
        attachment.save()
    return meeting


@by_actor
@transaction.atomic
def deliberation_rules_publish(*, actor: User, text: str, note: str = "") -> DeliberationRules:
    """The housing bureau publishes the councils' deliberation rules (a new version each time)."""
    if not permissions.can_publish_deliberation_rules(actor):
        raise PermissionDenied(ERRORS["not_allowed"])
    rules = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not rules:
        raise _error("rules_required", "text")
    return DeliberationRules.objects.create(text="\n".join(rules), note=(note or "").strip()[:200], published_by=actor)
