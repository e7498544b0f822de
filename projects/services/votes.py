"""Owners' votes (architecture §4): creating and opening a vote with its electorate snapshot, casting
online and paper ballots, closing and counting by projects/rules.py, and what a result does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.codes import new_code, normalise_code
from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from stakeholders.audit import by_actor
from stakeholders.models import Household, Notification, Ownership, User
from stakeholders.notifications import Notice
from stakeholders.services import notify, notify_each

from .. import permissions, rules, shares
from ..canonical import H
from ..models import (
    SPECIAL_DECISIONS,
    Ballot,
    Petition,
    PlanItem,
    PlanVersion,
    Project,
    Vote,
    Voter,
)
from ..revision import project_touch
from .lifecycle import _save_with_fresh_code, project_transition
from .renewal import renewal_apply, renewal_due

VOTE_ERRORS = {
    "not_allowed": _("You may not manage this vote."),
    "not_draft": _("This vote has already been opened."),
    "not_open": _("This vote is not open: ballots are accepted only between its opening and closing times."),
    "not_in_electorate": _(
        "You are not a voting owner in this vote's electorate, so you cannot vote online. If you own a unit in "
        "scope, ask your community committee."
    ),
    "already_voted": _("You have already voted in this vote. Each owner votes once; ballots cannot be changed."),
    "paper_already_voted": _("This owner has already voted (online or on paper)."),
    "scan_required": _("Attach a scan or photo of the signed paper ballot."),
    "scope": _("Choose the building (and, for one entrance, the entrance) the vote is about."),
    "empty_electorate": _("No household is in the vote's scope."),
    "opens_in_past": _("A vote cannot open in the past: choose today or a later day."),
    "closes_before_opening": _("The vote must close after it opens."),
    "too_long": _("A vote can run for at most %(days)s days."),
    "renewal_not_due": _(
        "A renewal vote is called for the firm managing the estate in its contract's last %(days)s days."
    ),
}
# A hand-made vote's window: it may start a little before the form was sent (the clerk typed "now"),
# and runs at most this long — a window decades away is a typo, not a vote.
VOTE_BACKDATE_SLACK = timedelta(hours=1)
VOTE_MAX_DAYS = 366

_vote_error = errors_for(VOTE_ERRORS)

RECEIPT_GROUPS = 3  # "DKTW-5CAN-2G6Y"


def new_receipt_code() -> str:
    return new_code(RECEIPT_GROUPS)


def normalise_receipt(code: str) -> str:
    """A receipt code as it was issued, however it was typed (core.codes)."""
    return normalise_code(code, RECEIPT_GROUPS)


def receipt_hash(code: str) -> str:
    return H(normalise_receipt(code))


@by_actor
@transaction.atomic
def vote_create(
    *,
    project: Project,
    purpose: str,
    title: str,
    matter: str,
    opens_at,
    closes_at,
    actor: User | None,
    scope: str = Vote.Scope.ESTATE,
    building=None,
    unit: str = "",
    plan_version=None,
    by_service: bool = False,
    decides: str = "",
) -> Vote:
    """`decides`: what the vote decides (Vote.Decides); the law's special matters are special
    whatever `matter` says (a plan vote decides a 改建 too: it is always special)."""
    if not by_service and (actor is None or not permissions.can_manage_votes(actor, project)):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if decides in SPECIAL_DECISIONS or purpose == Vote.Purpose.PLAN:
        matter = Vote.Matter.SPECIAL
    if decides == Vote.Decides.RENEWAL:  # art. 278 (4): an ordinary matter, of the whole estate
        if renewal_due(project) is None:
            raise _vote_error("renewal_not_due", "decides", days=settings.MANAGER_RENEWAL_WINDOW_DAYS)
        matter, scope = Vote.Matter.ORDINARY, Vote.Scope.ESTATE
    if (scope != Vote.Scope.ESTATE and building is None) or (scope == Vote.Scope.UNIT and not unit):
        raise ValidationError(VOTE_ERRORS["scope"], code="scope")
    if opens_at < timezone.now() - VOTE_BACKDATE_SLACK:
        raise _vote_error("opens_in_past", "opens_at")
    if closes_at <= opens_at:
        raise _vote_error("closes_before_opening", "closes_at")
    if closes_at - opens_at > timedelta(days=VOTE_MAX_DAYS):
        raise _vote_error("too_long", "closes_at", days=VOTE_MAX_DAYS)

    def build() -> Vote:
        return Vote(
            code=f"{project.code}-v{Vote.objects.filter(project=project).count() + 1}",
            project=project,
            purpose=purpose,
            title=title,
            matter=matter,
            decides=decides,
            scope=scope,
            building=building if scope != Vote.Scope.ESTATE else None,
            unit=unit if scope == Vote.Scope.UNIT else "",
            opens_at=opens_at,
            closes_at=closes_at,
            plan_version=plan_version,
        )

    return _save_with_fresh_code(build)


def _households_in_scope(vote: Vote):
    qs = Household.objects.filter(building__estate_id=vote.project.estate_id)
    if vote.scope != Vote.Scope.ESTATE:
        qs = qs.filter(building_id=vote.building_id)
    if vote.scope == Vote.Scope.UNIT:
        qs = qs.filter(unit=vote.unit)
    return qs.select_related("building")


@by_actor
@transaction.atomic
def vote_open(*, vote: Vote, actor: User | None, by_service: bool = False) -> Vote:
    """Open the vote and snapshot its electorate: every household in scope, registered or not."""
    locked = Vote.objects.select_for_update().select_related("project__estate__community").get(pk=vote.pk)
    if not by_service and (actor is None or not permissions.can_manage_votes(actor, locked.project)):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if locked.status != Vote.Status.DRAFT:
        raise ValidationError(VOTE_ERRORS["not_draft"], code="not_draft")
    households = list(_households_in_scope(locked))
    if not households:
        raise ValidationError(VOTE_ERRORS["empty_electorate"], code="empty_electorate")
    owners = dict(
        Ownership.objects.filter(household__in=households, is_voting_owner=True).values_list(
            "household_id", "resident_id"
        )
    )
    by_pk = {h.pk: h for h in households}
    grouped = rules.electorate((h.pk, owners.get(h.pk), h.area_m2) for h in households)
    voters = [
        Voter(
            vote=locked,
            resident_id=group.key[1] if group.key[0] == "owner" else None,
            label="; ".join(str(by_pk[pk]) for pk in group.households)[:200],
            area=group.area,
        )
        for group in grouped
    ]
    Voter.objects.bulk_create(voters)
    Through = Voter.households.through
    Through.objects.bulk_create(
        [
            Through(voter_id=voter.pk, household_id=pk)
            for voter, group in zip(voters, grouped)
            for pk in group.households
        ]
    )
    totals = rules.figures(grouped)
    locked.electorate_owners, locked.electorate_area = totals.owners, totals.area
    locked.status, locked.opened_at = Vote.Status.OPEN, timezone.now()
    locked.save(update_fields=["electorate_owners", "electorate_area", "status", "opened_at"])
    closes = timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M")
    if locked.plan_version_id:  # each voter is told what their household pays under this plan
        notify_each(notices=_plan_vote_notices(locked, closes))
    else:
        notify(
            users=_voter_user_ids(locked),
            kind=Notification.Kind.VOTE_OPENED,
            url=_vote_url(locked),
            title=locked.title,
            closes=closes,
        )
    return locked


def _plan_vote_notices(vote: Vote, closes: str) -> list[Notice]:
    """One notice per voter with an account: the plan vote, and their households' share of it
    (projects/shares.py; every household in scope read once)."""
    items = list(
        PlanItem.objects.filter(version_id=vote.plan_version_id)
        .select_related("share_building")
        .prefetch_related("funding")
    )
    owed: dict[int, Decimal] = {}
    for item in shares.estate_shares(items, vote.project.estate_id):
        for h in item.households:
            owed[h.household.pk] = owed.get(h.household.pk, Decimal("0.00")) + h.share
    voters = Voter.objects.filter(vote=vote, resident__isnull=False).prefetch_related("households")
    voters = voters.values_list("resident__user_id", "households")
    share: dict[int, Decimal] = {}
    for user_id, household_id in voters:
        share[user_id] = share.get(user_id, Decimal("0.00")) + owed.get(household_id, Decimal("0.00"))
    return [
        Notice(
            user_id=user_id,
            kind=Notification.Kind.PLAN_VOTE_OPENED,
            params={"title": vote.title, "closes": closes, "share": f"{amount:,.2f}"},
            url=_vote_url(vote),
            key=f"plan-vote-opened:{vote.pk}:u{user_id}",
        )
        for user_id, amount in sorted(share.items())
    ]


def _vote_url(vote: Vote) -> str:
    return reverse("projects:vote", args=[vote.code])


def _voter_user_ids(vote: Vote):
    return Voter.objects.filter(vote=vote, resident__isnull=False).values_list("resident__user_id", flat=True)


def _store_ballot(*, vote: Vote, voter: Voter, choice: str, channel: str, actor: User, duplicate_code: str, **extra):
    code = new_receipt_code()
    ballot = Ballot(
        vote=vote,
        voter=voter,
        choice=choice,
        channel=channel,
        area=voter.area,
        receipt_hash=receipt_hash(code),
        recorded_by=actor if channel in (Ballot.Channel.PAPER, Ballot.Channel.PROXY) else None,
        **extra,
    )
    ballot.full_clean(exclude=["vote", "voter", "scan", "receipt_hash"])  # vote and voter are loaded rows
    try:
        if connection.in_atomic_block:  # a savepoint, so a refused INSERT leaves the caller's transaction usable
            with transaction.atomic():
                ballot.save()
        else:  # autocommit: the INSERT is its own transaction
            ballot.save()
    except IntegrityError:  # the voter's one ballot exists: a double click or a second device
        raise ValidationError(VOTE_ERRORS[duplicate_code], code=duplicate_code) from None
    return ballot, code


@by_actor
def ballot_cast(*, vote: Vote, actor: User, choice: str, voter: Voter | None = None) -> tuple[Ballot, str]:
    """An online ballot. Returns the ballot and its receipt code, shown to the voter once.

    The hottest write of the portal (an estate votes in the same evening): reads, then one INSERT
    in autocommit, no transaction around them — the one-ballot-per-voter constraint decides a
    double click or a second device (already_voted), and nothing else is written. `voter`: the
    actor's Voter row in `vote` when the caller already read it (selectors.voter_for_ballot)."""
    if voter is None and actor.is_authenticated:
        voter = Voter.objects.select_related("resident").filter(vote=vote, resident__user=actor).first()
    if voter is not None and voter.vote_id == vote.pk:
        actor.resident = voter.resident  # the profile for the permission check, from the same query
    now = timezone.now()
    if not permissions.vote_accepts_ballots(vote, now):
        raise ValidationError(VOTE_ERRORS["not_open"], code="not_open")
    if not permissions.can_cast_ballot(actor, vote, voter, now):
        raise ValidationError(VOTE_ERRORS["not_in_electorate"], code="not_in_electorate")
    # No "already voted?" read first: the one-ballot-per-voter constraint answers a second ballot
    # (or a concurrent one) as already_voted, and the common case costs one statement less.
    return _store_ballot(
        vote=vote,
        voter=voter,
        choice=choice,
        channel=Ballot.Channel.ONLINE,
        actor=actor,
        duplicate_code="already_voted",
    )


@by_actor
@transaction.atomic
def ballot_record_paper(*, vote: Vote, voter: Voter, choice: str, scan, actor: User) -> tuple[Ballot, str]:
    """Community staff enter a signed paper ballot, with its scan, once per owner."""
    if not permissions.can_record_paper_ballot(actor, vote, timezone.now()):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if voter.vote_id != vote.pk:
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    return _store_paper(vote=vote, voter=voter, choice=choice, scan=scan, actor=actor, channel=Ballot.Channel.PAPER)


def _store_paper(*, vote: Vote, voter: Voter, choice: str, scan, actor: User, channel: str) -> tuple[Ballot, str]:
    """A signed paper ballot (the owner's, or their proxy's): its scan, once per owner."""
    if scan is None:
        raise ValidationError({"scan": ValidationError(VOTE_ERRORS["scan_required"], code="scan_required")})
    checked = check_upload(scan)
    if Ballot.objects.filter(voter=voter).exists():
        raise ValidationError(VOTE_ERRORS["paper_already_voted"], code="paper_already_voted")
    return _store_ballot(
        vote=vote,
        voter=voter,
        choice=choice,
        channel=channel,
        actor=actor,
        duplicate_code="paper_already_voted",
        scan=document_without_metadata(scan, checked.content_type),
        scan_content_type=checked.content_type,
    )


@transaction.atomic
def vote_close(*, vote: Vote) -> Vote:
    """Close and count (idempotent: closing a closed vote changes nothing)."""
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if locked.status == Vote.Status.CLOSED:
        return locked
    if locked.status != Vote.Status.OPEN:
        raise ValidationError(VOTE_ERRORS["not_open"], code="not_open")
    ballots = list(locked.ballots.values_list("choice", "area"))
    electorate = rules.Figures(locked.electorate_owners, Decimal(locked.electorate_area))
    outcome = rules.tally(rules.Matter(locked.matter), electorate, ballots)
    locked.status, locked.closed_at, locked.result = Vote.Status.CLOSED, timezone.now(), outcome.result.value
    locked.save(update_fields=["status", "closed_at", "result"])
    _apply_result(locked)
    project_touch(project=Project(pk=locked.project_id))
    notify(
        users=_voter_user_ids(locked),
        kind=Notification.Kind.VOTE_CLOSED,
        url=_vote_url(locked),
        title=locked.title,
        result=locked.result,
    )
    return locked


RESULT_NOTES = {
    # (purpose, passed): the note on the project's timeline, stored in the portal's language
    (Vote.Purpose.WILLINGNESS, True): _("The owners' willingness vote passed; the petition goes to the street office."),
    (Vote.Purpose.WILLINGNESS, False): _(
        "The owners' willingness vote did not pass (%(result)s); the petition is closed. Owners may start a new one."
    ),
    (Vote.Purpose.PLAN, True): _("The owners adopted version %(number)s of the plan."),
    (Vote.Purpose.PLAN, False): _("Version %(number)s of the plan was not adopted (%(result)s); the plan is revised."),
}


def _apply_result(vote: Vote) -> None:
    """What a closed vote decides: the petition goes on or closes; the plan is adopted or revised."""
    passed = vote.result == Vote.Result.PASSED
    if vote.decides == Vote.Decides.RENEWAL:
        renewal_apply(vote, passed)
        return
    note_template = RESULT_NOTES.get((vote.purpose, passed))
    if note_template is None:
        return
    project = Project.objects.get(pk=vote.project_id)
    with translation.override(settings.LANGUAGE_CODE):
        result_label = str(Vote.Result(vote.result).label)
        number = vote.plan_version.number if vote.plan_version_id else ""
        note = str(note_template) % {"result": result_label, "number": number}
    if vote.purpose == Vote.Purpose.WILLINGNESS:
        petition = Petition.objects.select_for_update().filter(project=project).first()
        if petition is None or petition.status != Petition.Status.VOTING:
            return
        petition.status = Petition.Status.SUBMITTED if passed else Petition.Status.CLOSED
        petition.save(update_fields=["status"])
        to = Project.Status.SUBMITTED if passed else Project.Status.REJECTED
    else:
        version = PlanVersion.objects.select_for_update().filter(pk=vote.plan_version_id).first()
        if version is None or version.status != PlanVersion.Status.VOTING:
            return
        version.status = PlanVersion.Status.ADOPTED if passed else PlanVersion.Status.REJECTED
        version.save(update_fields=["status"])
        to = Project.Status.PLAN_ADOPTED if passed else Project.Status.PLANNING
    project_transition(project=project, to=to, actor=None, note=note, by_service=True)


@by_actor
@transaction.atomic
def vote_close_now(*, vote: Vote, actor: User) -> Vote:
    """The street approver counts a vote whose deadline has passed without waiting for the beat job.
    Decided on the locked row: a vote the beat job has just counted is not counted again."""
    locked = Vote.objects.select_for_update().select_related("project__estate").get(pk=vote.pk)
    if not permissions.can_close_vote_now(actor, locked, timezone.now()):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    return vote_close(vote=locked)


def votes_close_due(*, now=None) -> list[str]:
    """Close every open vote whose deadline has passed; the beat job calls this. Idempotent."""
    now = now or timezone.now()
    closed = []
    for vote in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=now).order_by("closes_at"):
        closed.append(vote_close(vote=vote).code)
    return closed
