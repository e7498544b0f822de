"""The reads of the residents' council's pages (stakeholders/councils.py writes): the public
councils and their counts, the desk of an estate's council, certificates' check pages, the city's
view per street, the council's public history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from . import permissions
from .models import (
    Council,
    CouncilElection,
    CouncilMeeting,
    CouncilMember,
    DeliberationRules,
    ElectionCandidate,
    Estate,
    MeetingAttachment,
    Ownership,
    Resident,
)


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


def _meetings():
    return CouncilMeeting.objects.annotate(attachment_count=Count("attachments")).order_by("-held_at", "-id")


def current_rules() -> DeliberationRules | None:
    return DeliberationRules.objects.order_by("-published_at", "-id").first()


def rules_versions() -> list[DeliberationRules]:
    return list(DeliberationRules.objects.order_by("-published_at", "-id")[:20])


def meeting_attachments(council: Council) -> dict[int, list]:
    """The documents of the council's meetings, by meeting (for those who may open them)."""
    found: dict[int, list] = {}
    for a in MeetingAttachment.objects.filter(meeting__council=council).order_by("id"):
        found.setdefault(a.meeting_id, []).append(a)
    return found


def public_council(estate_code: str) -> Council | None:
    return (
        public_councils()
        .filter(estate__code=estate_code)
        .prefetch_related(
            Prefetch("members", queryset=_active_seats(), to_attr="seats"),
            Prefetch("meetings", queryset=_meetings(), to_attr="meeting_list"),
        )
        .first()
    )


def council_desk(estate: Estate) -> Council | None:
    return (
        Council.objects.filter(estate=estate)
        .prefetch_related(
            Prefetch("members", queryset=_active_seats(), to_attr="seats"),
            Prefetch("elections", queryset=CouncilElection.objects.select_related("recorded_by", "decided_by")),
            Prefetch("meetings", queryset=_meetings(), to_attr="meeting_list"),
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


@dataclass(frozen=True)
class HistoryStep:
    on: Date
    kind: str  # elected | by_election | returned | resigned | converted | meeting
    count: int = 0


def council_history(council: Council) -> list[HistoryStep]:
    """The council's steps for its public page (大事记), newest first, without names: elections filed
    (how many took a seat) or returned, seats given up, meetings held, the conversion into the owners'
    committee. Two queries (the meetings come with the page's prefetch)."""
    steps = []
    for kind, status, decided_at, seats in (
        CouncilElection.objects.filter(council=council, decided_at__isnull=False)
        .annotate(seats_taken=Count("seats"))
        .values_list("kind", "status", "decided_at", "seats_taken")
    ):
        day = timezone.localdate(decided_at)
        if status == CouncilElection.Status.RETURNED:
            steps.append(HistoryStep(day, "returned"))
        else:
            steps.append(
                HistoryStep(day, "by_election" if kind == CouncilElection.Kind.BY_ELECTION else "elected", seats)
            )
    for day in CouncilMember.objects.filter(council=council, end_reason="resigned").values_list("ended_on", flat=True):
        steps.append(HistoryStep(day, "resigned"))
    for meeting in getattr(council, "meeting_list", []):
        if meeting.recorded_at is not None:
            steps.append(HistoryStep(timezone.localdate(meeting.held_at), "meeting", meeting.attendance or 0))
    if council.converted_on:
        steps.append(HistoryStep(council.converted_on, "converted"))
    # Within a day, the usual sequence: an election returned, then one filed, seats, meetings, conversion.
    order = {"returned": 0, "elected": 1, "by_election": 2, "resigned": 3, "meeting": 4, "converted": 5}
    return sorted(steps, key=lambda s: (s.on, order[s.kind]), reverse=True)


def serving_member_user_ids(estate) -> set[int]:
    """The users sitting on the estate's council while it is filed and in term (or became the
    owners' committee): whom the estate's notices for its council go to."""
    today = timezone.localdate()
    return set(
        CouncilMember.objects.filter(council__estate=estate, ended_on__isnull=True, council__filed_on__isnull=False)
        .filter(Q(council__term_ends__gte=today) | Q(council__converted_on__isnull=False))
        .values_list("resident__user_id", flat=True)
    )
