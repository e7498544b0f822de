"""The residents' council (老友议事会) as Nanning runs it: the community committee organises and
records an election (candidates from the estate's verified owners, votes, turnout, the signed tally
sheet); the street office files it (备案) or returns it with a reason; filed representatives get a
certificate with a public check page; seats end by resignation or with the next council; a council
past its term is expired; a filed council may become the owners' committee (业主委员会).

Writes (services) and the reads of the council's pages (selectors), one subject in one module.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
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
    ElectionCandidate,
    Estate,
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
}
_error = errors_for(ERRORS)
TERM_MAX_YEARS = 5
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
    *, meeting: CouncilMeeting, actor: User, attendance: int, minutes: str, decisions: str
) -> CouncilMeeting:
    """After the meeting: how many attended, the minutes and the decisions (public, no names)."""
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
    meeting.attendance, meeting.minutes, meeting.decisions = attendance, minutes.strip(), (decisions or "").strip()
    meeting.recorded_at = timezone.now()
    meeting.save(update_fields=["attendance", "minutes", "decisions", "recorded_at"])
    return meeting


# --- reads ------------------------------------------------------------------------------------


def _active_seats():
    return CouncilMember.objects.filter(ended_on__isnull=True).select_related("resident").order_by("role", "id")


def estates_with_council_in_term(estate_ids, *, day=None) -> set[int]:
    """The estates (of `estate_ids`) whose council is filed and not past its term (a council that
    became the owners' committee still governs the estate)."""
    day = day or timezone.localdate()
    return set(
        Council.objects.filter(estate_id__in=list(estate_ids), filed_on__isnull=False)
        .filter(Q(term_ends__isnull=True) | Q(term_ends__gte=day) | Q(converted_on__isnull=False))
        .values_list("estate_id", flat=True)
    )


def public_councils():
    """Councils the public sees (filed, returned, expired, converted; not one still waiting), with
    the counts councils.json publishes, in three queries."""
    return (
        Council.objects.filter(Q(filed_on__isnull=False) | Q(returned=True))
        .select_related("estate__community__street")
        .annotate(
            representatives=Count("members", filter=Q(members__ended_on__isnull=True), distinct=True),
            party_members=Count(
                "members",
                filter=Q(members__ended_on__isnull=True, members__resident__is_party_member=True),
                distinct=True,
            ),
            meetings_held=Count("meetings", filter=Q(meetings__recorded_at__isnull=False), distinct=True),
        )
        .order_by("estate__community__street__name", "estate__name")
    )


def public_council(estate_code: str) -> Council | None:
    return (
        public_councils()
        .filter(estate__code=estate_code)
        .prefetch_related(
            Prefetch("members", queryset=_active_seats(), to_attr="seats"),
            Prefetch("meetings", queryset=CouncilMeeting.objects.order_by("-held_at"), to_attr="meeting_list"),
        )
        .first()
    )


def council_desk(estate: Estate) -> Council | None:
    return (
        Council.objects.filter(estate=estate)
        .prefetch_related(
            Prefetch("members", queryset=_active_seats(), to_attr="seats"),
            Prefetch("elections", queryset=CouncilElection.objects.select_related("recorded_by", "decided_by")),
            Prefetch("meetings", queryset=CouncilMeeting.objects.order_by("-held_at"), to_attr="meeting_list"),
        )
        .first()
    )


def election_for(user, pk: int) -> CouncilElection | None:
    """An election the user may see (its estate's committee and street office), else None (404)."""
    election = (
        CouncilElection.objects.select_related("council__estate__community__street", "recorded_by", "decided_by")
        .prefetch_related(Prefetch("candidates", queryset=ElectionCandidate.objects.select_related("resident")))
        .filter(pk=pk)
        .first()
    )
    if election is None or not permissions.can_view_council_desk(user, election.council.estate):
        return None
    return election


def certificate_state(seat: CouncilMember, day) -> str:
    """What a certificate's check page says: "valid" (a sitting representative of a filed council in
    term), "ended" (the seat ended), "converted" (the council became the owners' committee) or
    "expired" (past its term)."""
    if seat.ended_on is not None:
        return "ended"
    status = seat.council.status_on(day)
    return {Council.Status.FILED: "valid", Council.Status.CONVERTED: "converted"}.get(status, "expired")


def seat_by_certificate(code: str) -> CouncilMember | None:
    return (
        CouncilMember.objects.filter(certificate_code=code.upper())
        .select_related("resident", "council__estate__community__street", "election")
        .first()
    )


def candidates_for(estate: Estate):
    """The verified owners of the estate a community committee may list as candidates."""
    return (
        Resident.objects.filter(ownerships__in=Ownership.objects.verified().filter(household__building__estate=estate))
        .distinct()
        .order_by("name", "id")
    )


def councils_by_street() -> list[dict]:
    """The residents' councils per street (issue 17): in term, expired, converted, waiting to be
    filed; representatives and how many are Party members. Two grouped queries, no names."""
    today = timezone.localdate()
    street = "estate__community__street__name"
    in_term = Q(filed_on__isnull=False, converted_on__isnull=True) & (
        Q(term_ends__isnull=True) | Q(term_ends__gte=today)
    )
    rows = {
        r[street]: {**r, "representatives": 0, "party_members": 0}
        for r in Council.objects.values(street).annotate(
            in_term=Count("id", filter=in_term),
            expired=Count("id", filter=Q(converted_on__isnull=True, term_ends__lt=today)),
            converted=Count("id", filter=Q(converted_on__isnull=False)),
            waiting=Count("id", filter=Q(filed_on__isnull=True, returned=False)),
        )
    }
    seats = (
        CouncilMember.objects.filter(ended_on__isnull=True, council__filed_on__isnull=False)
        .values(f"council__{street}")
        .annotate(n=Count("id"), party=Count("id", filter=Q(resident__is_party_member=True)))
    )
    for s in seats:
        row = rows.get(s[f"council__{street}"])
        if row is not None:
            row["representatives"], row["party_members"] = s["n"], s["party"]
    return [rows[name] for name in sorted(rows)]


def seats_of(user) -> list[CouncilMember]:
    """The user's seats on councils that carry a certificate (their home page links it)."""
    return list(
        CouncilMember.objects.filter(resident__user=user, ended_on__isnull=True)
        .exclude(certificate_code=None)
        .select_related("council__estate")
    )
