"""Every write about projects. Each status change is one call of `project_transition`, which checks
permissions.py (or is called by another service), locks the row and records a ProjectEvent."""

from __future__ import annotations

import copy
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from stakeholders.audit import by_actor
from stakeholders.files import IMAGE_TYPES, check_upload
from stakeholders.models import Estate, Household, Notification, Organization, Ownership, Resident, User
from stakeholders.services import notify, organization_grant, organization_revoke

from . import permissions, rules, selectors
from .revision import project_touch
from .canonical import H
from .lifecycle import NOTE_REQUIRED, TRANSITIONS, By
from .models import (
    AcceptanceSignature,
    Award,
    Ballot,
    CatalogItem,
    Need,
    NeedSupport,
    Petition,
    PlanComment,
    PlanItem,
    PlanItemFunding,
    PlanVersion,
    Project,
    ProjectEvent,
    Sponsorship,
    Vote,
    Voter,
)

ERRORS = {
    "not_allowed": _("You may not change this project's status."),
    "bad_transition": _("A project cannot go from “%(from)s” to “%(to)s”."),
    "status_changed": _("Someone changed this project's status a moment ago (it is now “%(now)s”). Reload the page and check."),
    "note_required": _("Give a reason: residents will see it on the project's timeline."),
    "no_street_office": _("The estate's street has no street office in the portal yet; add it first."),
}

STREET_OFFICE_PERMS = ("projects.view_project", "projects.change_project")


def _code_for(estate: Estate) -> str:
    base = f"{estate.code}-{timezone.localdate().year}"
    taken = set(Project.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _save_with_fresh_code(build, attempts: int = 5):
    """Save a new object whose public code is derived from what exists (…-2, …-v3). Two saves at
    the same moment may derive the same code; the unique constraint refuses the second, which
    then derives the next code instead of failing."""
    for attempt in range(attempts):
        obj = build()
        obj.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                obj.save()
            return obj
        except IntegrityError:
            if attempt == attempts - 1:
                raise


@by_actor
@transaction.atomic
def project_create(*, estate: Estate, title: str, actor: User | None) -> Project:
    """A project in `petitioning`; the estate's street office gets its object permissions."""
    office = Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE, street_id=estate.community.street_id).first()
    if office is None:
        raise ValidationError(ERRORS["no_street_office"], code="no_street_office")
    project = _save_with_fresh_code(lambda: Project(estate=estate, title=title.strip(), code=_code_for(estate)))
    for perm in STREET_OFFICE_PERMS:
        organization_grant(organization=office, perm=perm, obj=project)
    ProjectEvent.objects.create(project=project, actor=actor, from_status="", to_status=project.status)
    return project


@by_actor
@transaction.atomic
def project_transition(*, project: Project, to: str, actor: User | None, note: str = "", by_service: bool = False) -> Project:
    """Move `project` (as the caller last saw it) to `to`.

    `by_service=True` is for other services (a vote's result, a budget approval, …) that have
    checked their own permission; by hand only the transitions of permissions.can_transition.
    """
    expected = project.status
    by = TRANSITIONS.get((expected, to))
    if by is None:
        raise ValidationError(
            ERRORS["bad_transition"],
            code="bad_transition",
            params={"from": Project.Status(expected).label, "to": Project.Status(to).label},
        )
    if by_service:
        if by is not By.SERVICE:
            raise PermissionDenied(ERRORS["not_allowed"])
    elif actor is None or not permissions.can_transition(actor, project, to):
        raise PermissionDenied(ERRORS["not_allowed"])
    note = (note or "").strip()
    if (expected, to) in NOTE_REQUIRED and not note:
        raise ValidationError({"note": ValidationError(ERRORS["note_required"], code="note_required")})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != expected:
        # Two approvers clicked at once: the first wins, the second is told what happened.
        raise ValidationError(
            ERRORS["status_changed"], code="status_changed", params={"now": locked.get_status_display()}
        )
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    ProjectEvent.objects.create(project=locked, actor=actor, from_status=expected, to_status=to, note=note)
    project_touch(project=locked)
    if expected == Project.Status.SUBMITTED:
        _notify_sponsors(locked, decision="accepted" if to == Project.Status.ACCEPTED else "rejected")
    return locked


def _notify_sponsors(project: Project, *, decision: str) -> None:
    users = Sponsorship.objects.filter(
        petition__project=project, status=Sponsorship.Status.CONFIRMED
    ).values_list("resident__user_id", flat=True)
    notify(
        users=users, kind=Notification.Kind.PETITION_DECIDED, url=project.get_absolute_url(),
        estate=project.estate.name, decision=decision,
    )


# ---------------------------------------------------------------------------------------------
# Petitions (改造申请)


PETITION_ERRORS = {
    "cannot_start": _("Only verified owners of this estate can start a petition, and only while no renovation project is under way."),
    "reason_required": _("Say why the estate needs renovation: residents and the street office read it."),
    "not_an_owner": _("No verified owner of this estate has that mobile number. Ask your neighbour to register and claim their household first."),
    "already_invited": _("This owner is already on the petition."),
    "cannot_invite": _("Only confirmed sponsors can invite others, while the petition is collecting sponsors."),
    "already_answered": _("You have already answered this invitation."),
    "cannot_withdraw": _("You can withdraw only your own confirmed signature, before the petition is submitted."),
    "sponsors": _("At least 3 owners must confirm as sponsors."),
    "households": _("The sponsors must own 3 different households: co-owners of one household count once."),
    "party_member": _("At least one sponsor must be a Party member."),
    "already_submitted": _("The petition has already gone to the owners' vote."),
}


def _coded_error(messages: dict, code: str, field: str | None = None) -> ValidationError:
    """A ValidationError with its code, on `field` (shown next to it) or on the whole form."""
    error = ValidationError(messages[code], code=code)
    return ValidationError({field: error}) if field else error


def _petition_error(code: str, field: str | None = None) -> ValidationError:
    return _coded_error(PETITION_ERRORS, code, field)


@by_actor
@transaction.atomic
def petition_start(*, resident: Resident, estate: Estate, reason: str) -> Petition:
    """A verified owner starts a petition: a project in `petitioning`, the owner its first sponsor."""
    user = resident.user
    busy = Project.objects.filter(estate=estate, status__in=permissions.OPEN_PROJECT_STATUSES).exists()
    if not permissions.can_start_petition(user, estate, estate_has_open_project=busy):
        raise PermissionDenied(PETITION_ERRORS["cannot_start"])
    reason = (reason or "").strip()
    if not reason:
        raise _petition_error("reason_required", "reason")
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the portal's language
        title = str(_("Renovation of %(estate)s") % {"estate": estate.name})
    project = project_create(estate=estate, title=title, actor=user)
    petition = Petition(project=project, started_by=resident, reason=reason)
    petition.full_clean()
    petition.save()
    ownership = selectors.sponsor_household(resident.pk, estate.pk)
    Sponsorship.objects.create(
        petition=petition,
        resident=resident,
        household=ownership.household,
        status=Sponsorship.Status.CONFIRMED,
        responded_at=timezone.now(),
    )
    return petition


@by_actor
@transaction.atomic
def sponsor_invite(*, petition: Petition, actor: User, phone: str) -> Sponsorship:
    """A confirmed sponsor invites a verified owner of the estate, by their registered mobile number."""
    from stakeholders.text import normalize_phone

    if not permissions.can_invite_sponsors(actor, petition):
        raise PermissionDenied(PETITION_ERRORS["cannot_invite"])
    estate_id = petition.project.estate_id
    invitee = Resident.objects.filter(phone=normalize_phone(phone)).first()
    ownership = selectors.sponsor_household(invitee.pk, estate_id) if invitee else None
    if ownership is None:
        raise _petition_error("not_an_owner", "phone")
    if Sponsorship.objects.filter(petition=petition, resident=invitee).exists():
        raise _petition_error("already_invited", "phone")
    try:
        with transaction.atomic():
            sponsorship = Sponsorship.objects.create(
                petition=petition, resident=invitee, household=ownership.household, invited_by=actor.resident
            )
    except IntegrityError:  # invited twice at the same moment
        raise _petition_error("already_invited", "phone") from None
    notify(
        users=[invitee.user_id], kind=Notification.Kind.SPONSOR_INVITED, url=petition.project.get_absolute_url(),
        inviter=actor.display_name, estate=petition.project.estate.name,
    )
    return sponsorship


@by_actor
@transaction.atomic
def sponsor_answer(*, sponsorship: Sponsorship, actor: User, confirm: bool) -> Sponsorship:
    """The invitee confirms (signs) or declines. A double click gets "already answered", not a change."""
    locked = Sponsorship.objects.select_for_update().select_related("petition").get(pk=sponsorship.pk)
    if locked.status != Sponsorship.Status.INVITED:
        raise _petition_error("already_answered")
    if not permissions.can_answer_invitation(actor, locked):
        raise PermissionDenied(PETITION_ERRORS["cannot_invite"])
    locked.status = Sponsorship.Status.CONFIRMED if confirm else Sponsorship.Status.DECLINED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    return locked


@by_actor
@transaction.atomic
def sponsor_withdraw(*, sponsorship: Sponsorship, actor: User) -> Sponsorship:
    locked = Sponsorship.objects.select_for_update().select_related("petition").get(pk=sponsorship.pk)
    if not permissions.can_withdraw_sponsorship(actor, locked):
        raise _petition_error("cannot_withdraw")
    locked.status = Sponsorship.Status.WITHDRAWN
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    return locked


# ---------------------------------------------------------------------------------------------
# Votes (architecture §4)


VOTE_ERRORS = {
    "not_allowed": _("You may not manage this vote."),
    "not_draft": _("This vote has already been opened."),
    "not_open": _("This vote is not open: ballots are accepted only between its opening and closing times."),
    "not_in_electorate": _("You are not a voting owner in this vote's electorate, so you cannot vote online. If you own a unit in scope, ask your community committee."),
    "already_voted": _("You have already voted in this vote. Each owner votes once; ballots cannot be changed."),
    "paper_already_voted": _("This owner has already voted (online or on paper)."),
    "scan_required": _("Attach a scan or photo of the signed paper ballot."),
    "scope": _("Choose the building (and, for one entrance, the entrance) the vote is about."),
    "empty_electorate": _("No household is in the vote's scope."),
}

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalise_receipt(code: str) -> str:
    """A receipt code as it was issued ("DKTW-5CAN-2G6Y"), however it was typed: lower case, no or
    other dashes, spaces, full-width characters from a Chinese keyboard."""
    import unicodedata

    raw = "".join(ch for ch in unicodedata.normalize("NFKC", code or "").upper() if ch.isalnum())
    if len(raw) == 12:
        return "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    return (code or "").strip().upper()


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
) -> Vote:
    if not by_service and (actor is None or not permissions.can_manage_votes(actor, project)):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if (scope != Vote.Scope.ESTATE and building is None) or (scope == Vote.Scope.UNIT and not unit):
        raise ValidationError(VOTE_ERRORS["scope"], code="scope")
    def build() -> Vote:
        return Vote(
            code=f"{project.code}-v{Vote.objects.filter(project=project).count() + 1}",
            project=project,
            purpose=purpose,
            title=title,
            matter=matter,
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
        Ownership.objects.filter(household__in=households, is_voting_owner=True).values_list("household_id", "resident_id")
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
        [Through(voter_id=voter.pk, household_id=pk) for voter, group in zip(voters, grouped) for pk in group.households]
    )
    totals = rules.figures(grouped)
    locked.electorate_owners, locked.electorate_area = totals.owners, totals.area
    locked.status, locked.opened_at = Vote.Status.OPEN, timezone.now()
    locked.save(update_fields=["electorate_owners", "electorate_area", "status", "opened_at"])
    notify(
        users=_voter_user_ids(locked), kind=Notification.Kind.VOTE_OPENED, url=_vote_url(locked),
        title=locked.title, closes=timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M"),
    )
    return locked


def _vote_url(vote: Vote) -> str:
    return reverse("projects:vote", args=[vote.code])


def _voter_user_ids(vote: Vote):
    return Voter.objects.filter(vote=vote, resident__isnull=False).values_list("resident__user_id", flat=True)


def _store_ballot(*, vote: Vote, voter: Voter, choice: str, channel: str, actor: User, duplicate_code: str, **extra):
    code = new_receipt_code()
    ballot = Ballot(
        vote=vote, voter=voter, choice=choice, channel=channel, area=voter.area,
        receipt_hash=receipt_hash(code), recorded_by=actor if channel == Ballot.Channel.PAPER else None, **extra,
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
def ballot_cast(*, vote: Vote, actor: User, choice: str) -> tuple[Ballot, str]:
    """An online ballot. Returns the ballot and its receipt code, shown to the voter once.

    The hottest write of the portal (an estate votes in the same evening): reads, then one INSERT
    in autocommit, no transaction around them — the one-ballot-per-voter constraint decides a
    double click or a second device (already_voted), and nothing else is written."""
    voter = None
    if actor.is_authenticated:
        voter = Voter.objects.select_related("resident").filter(vote=vote, resident__user=actor).first()
        if voter is not None:
            actor.resident = voter.resident  # the profile for the permission check, from the same query
    now = timezone.now()
    if not permissions.vote_accepts_ballots(vote, now):
        raise ValidationError(VOTE_ERRORS["not_open"], code="not_open")
    if not permissions.can_cast_ballot(actor, vote, voter, now):
        raise ValidationError(VOTE_ERRORS["not_in_electorate"], code="not_in_electorate")
    # No "already voted?" read first: the one-ballot-per-voter constraint answers a second ballot
    # (or a concurrent one) as already_voted, and the common case costs one statement less.
    return _store_ballot(
        vote=vote, voter=voter, choice=choice, channel=Ballot.Channel.ONLINE, actor=actor, duplicate_code="already_voted"
    )


@by_actor
@transaction.atomic
def ballot_record_paper(*, vote: Vote, voter: Voter, choice: str, scan, actor: User) -> tuple[Ballot, str]:
    """Community staff enter a signed paper ballot, with its scan, once per owner."""
    if not permissions.can_record_paper_ballot(actor, vote, timezone.now()):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if voter.vote_id != vote.pk:
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    if scan is None:
        raise ValidationError({"scan": ValidationError(VOTE_ERRORS["scan_required"], code="scan_required")})
    checked = check_upload(scan)
    if Ballot.objects.filter(voter=voter).exists():
        raise ValidationError(VOTE_ERRORS["paper_already_voted"], code="paper_already_voted")
    return _store_ballot(
        vote=vote, voter=voter, choice=choice, channel=Ballot.Channel.PAPER, actor=actor,
        duplicate_code="paper_already_voted", scan=scan, scan_content_type=checked.content_type,
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
        users=_voter_user_ids(locked), kind=Notification.Kind.VOTE_CLOSED, url=_vote_url(locked),
        title=locked.title, result=locked.result,
    )
    return locked


RESULT_NOTES = {
    # (purpose, passed): the note on the project's timeline, stored in the portal's language
    (Vote.Purpose.WILLINGNESS, True): _("The owners' willingness vote passed; the petition goes to the street office."),
    (Vote.Purpose.WILLINGNESS, False): _("The owners' willingness vote did not pass (%(result)s); the petition is closed. Owners may start a new one."),
    (Vote.Purpose.PLAN, True): _("The owners adopted version %(number)s of the plan."),
    (Vote.Purpose.PLAN, False): _("Version %(number)s of the plan was not adopted (%(result)s); the plan is revised."),
}


def _apply_result(vote: Vote) -> None:
    """What a closed vote decides: the petition goes on or closes; the plan is adopted or revised."""
    passed = vote.result == Vote.Result.PASSED
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
    """The street approver counts a vote whose deadline has passed without waiting for the beat job."""
    if not permissions.can_close_vote_now(actor, vote, timezone.now()):
        raise PermissionDenied(VOTE_ERRORS["not_allowed"])
    return vote_close(vote=vote)


def votes_close_due(*, now=None) -> list[str]:
    """Close every open vote whose deadline has passed; the beat job calls this. Idempotent."""
    now = now or timezone.now()
    closed = []
    for vote in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=now).order_by("closes_at"):
        closed.append(vote_close(vote=vote).code)
    return closed


# ---------------------------------------------------------------------------------------------
# Petition → willingness vote (意愿表决)


@by_actor
@transaction.atomic
def petition_submit(*, petition: Petition, actor: User) -> Vote:
    """A confirmed sponsor sends the complete petition to all owners: an ordinary-matter vote over
    the whole estate opens now. Twice at once → one vote; the second gets "already submitted"."""
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    if locked.status != Petition.Status.COLLECTING:
        raise ValidationError(PETITION_ERRORS["already_submitted"], code="already_submitted")
    fresh = selectors.petition_of(locked.project)
    shortfalls = selectors.petition_shortfalls(fresh)
    if shortfalls:
        raise ValidationError([ValidationError(PETITION_ERRORS[code], code=code) for code in shortfalls])
    if not permissions.can_submit_petition(actor, fresh, complete=True):
        raise PermissionDenied(PETITION_ERRORS["cannot_invite"])
    project = fresh.project
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        title = str(_("Willingness to renovate %(estate)s (意愿表决)") % {"estate": project.estate.name})
    vote = vote_create(
        project=project, purpose=Vote.Purpose.WILLINGNESS, title=title, matter=Vote.Matter.ORDINARY,
        opens_at=now, closes_at=now + timedelta(days=settings.WILLINGNESS_VOTE_DAYS), actor=actor, by_service=True,
    )
    vote = vote_open(vote=vote, actor=actor, by_service=True)
    locked.status = Petition.Status.VOTING
    locked.save(update_fields=["status"])
    return vote


# ---------------------------------------------------------------------------------------------
# Needs (点单)

NEED_ERRORS = {
    "cannot_file": _("Only verified owners of this estate can file needs, while the project collects them."),
    "text_required": _("Describe what is needed and where, so the council can judge it."),
    "already_supported": _("You already support this need."),
    "cannot_support": _("You cannot support this need now."),
    "cannot_triage": _("Only the council and the community committee review needs."),
    "reason_required": _("Give a reason: the owner who filed the need will read it."),
    "already_triaged": _("This need has already been answered."),
    "bad_plan_item": _("Choose an item of this project's current plan draft."),
}


def _need_error(code: str, field: str | None = None) -> ValidationError:
    return _coded_error(NEED_ERRORS, code, field)


@by_actor
@transaction.atomic
def need_file(*, project: Project, actor: User, catalog_item: CatalogItem, text: str, photo=None) -> Need:
    if not permissions.can_file_need(actor, project):
        raise PermissionDenied(NEED_ERRORS["cannot_file"])
    text = (text or "").strip()
    if not text:
        raise _need_error("text_required", "text")
    need = Need(project=project, catalog_item=catalog_item, filed_by=actor.resident, text=text)
    if photo:
        try:
            need.photo_content_type = check_upload(photo, allowed=IMAGE_TYPES).content_type
        except ValidationError as error:
            raise ValidationError({"photo": error}) from None
        need.photo = photo
    need.full_clean(exclude=["photo"])
    need.save()
    NeedSupport.objects.create(need=need, resident=actor.resident)  # the filer supports their own need
    return need


@by_actor
@transaction.atomic
def need_support(*, need: Need, actor: User) -> NeedSupport:
    """One support per owner (a database constraint): a double click gets "already supported"."""
    if not permissions.can_support_need(actor, need):
        raise PermissionDenied(NEED_ERRORS["cannot_support"])
    try:
        with transaction.atomic():
            return NeedSupport.objects.create(need=need, resident=actor.resident)
    except IntegrityError:
        raise _need_error("already_supported") from None


@by_actor
@transaction.atomic
def need_triage(*, need: Need, actor: User, include: bool, reason: str = "", plan_item: PlanItem | None = None) -> Need:
    """The council or community staff include a need (optionally linked to an item of the plan
    draft) or decline it with a reason the filer sees. Each need is answered once."""
    locked = Need.objects.select_for_update().select_related("project__estate", "catalog_item").get(pk=need.pk)
    if not permissions.can_triage_needs(actor, locked.project):
        raise PermissionDenied(NEED_ERRORS["cannot_triage"])
    if locked.status != Need.Status.OPEN:
        raise _need_error("already_triaged")
    reason = (reason or "").strip()
    if include:
        if plan_item is not None and plan_item.version.project_id != locked.project_id:
            raise _need_error("bad_plan_item", "plan_item")
        locked.status, locked.plan_item = Need.Status.INCLUDED, plan_item
    else:
        if not reason:
            raise _need_error("reason_required", "reason")
        locked.status, locked.decline_reason = Need.Status.DECLINED, reason
    locked.triaged_by = actor
    locked.save(update_fields=["status", "plan_item", "decline_reason", "triaged_by"])
    notify(
        users=[locked.filed_by.user_id], kind=Notification.Kind.NEED_TRIAGED,
        url=reverse("projects:needs", args=[locked.project.code]), item=locked.catalog_item.name_zh,
        decision="included" if include else "declined",
    )
    return locked


# ---------------------------------------------------------------------------------------------
# The plan (三上三下)

PLAN_ERRORS = {
    "not_allowed": _("You may not change this plan."),
    "version_busy": _("A version of the plan is already being drafted or voted on."),
    "funding_sum": _("The funding lines add up to %(sum)s yuan, but the item costs %(cost)s yuan. Make them equal."),
    "empty_plan": _("Add at least one item before publishing the plan."),
    "comment_required": _("Write your comment first."),
    "state_changed": _("This plan version changed a moment ago (it is now “%(now)s”). Reload the page."),
    "not_published": _("Comments are taken only while a version is published for comment."),
}


def _lock_version(version: PlanVersion, expected: str, actor: User, may) -> PlanVersion:
    """The version as it is now, locked; permissions are decided on it, never on what the caller
    loaded. Someone who could have acted in the `expected` state but finds it moved on (a double
    click, a second tab) is told so; anyone else is refused."""
    locked = PlanVersion.objects.select_for_update(of=("self",)).select_related("project__estate").get(pk=version.pk)
    if locked.status != expected:
        as_expected = copy.copy(locked)
        as_expected.status = expected
        if may(actor, as_expected):
            raise ValidationError(
                PLAN_ERRORS["state_changed"], code="state_changed", params={"now": locked.get_status_display()}
            )
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    if not may(actor, locked):
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    return locked


@by_actor
@transaction.atomic
def plan_version_start(*, project: Project, actor: User) -> PlanVersion:
    """Version 1, or the next revision: it starts as a copy of the latest version's items (a
    published version stops taking comments)."""
    locked_project = Project.objects.select_for_update().get(pk=project.pk)  # serializes two drafters
    versions = list(PlanVersion.objects.filter(project=locked_project).order_by("number"))
    live = next((v for v in versions if v.status in (PlanVersion.Status.DRAFT, PlanVersion.Status.PUBLISHED, PlanVersion.Status.VOTING)), None)
    if live is not None and live.status != PlanVersion.Status.PUBLISHED:
        raise ValidationError(PLAN_ERRORS["version_busy"], code="version_busy")
    if not permissions.can_start_plan_version(actor, locked_project, live):
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    previous = versions[-1] if versions else None
    if live is not None:
        live.status = PlanVersion.Status.SUPERSEDED
        live.save(update_fields=["status"])
    version = PlanVersion.objects.create(
        project=locked_project, number=(previous.number + 1) if previous else 1, drafted_by=actor,
        summary=previous.summary if previous else "",
    )
    if previous is not None:
        for item in previous.items.prefetch_related("funding"):
            copy = PlanItem.objects.create(
                version=version, catalog_item_id=item.catalog_item_id, description=item.description,
                quantity=item.quantity, unit=item.unit, estimated_cost=item.estimated_cost,
            )
            PlanItemFunding.objects.bulk_create(
                [PlanItemFunding(item=copy, source=line.source, amount=line.amount) for line in item.funding.all()]
            )
            Need.objects.filter(plan_item=item).update(plan_item=copy)  # needs follow their item
    return version


@by_actor
@transaction.atomic
def plan_version_edit(*, version: PlanVersion, actor: User, summary: str) -> PlanVersion:
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    locked.summary = (summary or "").strip()
    locked.full_clean()
    locked.save(update_fields=["summary"])
    return locked


@by_actor
@transaction.atomic
def plan_item_add(
    *, version: PlanVersion, actor: User, catalog_item: CatalogItem, description: str, quantity: Decimal,
    unit: str, estimated_cost: Decimal, funding: dict[str, Decimal],
) -> PlanItem:
    """An item with its funding split; the lines must add up to the cost exactly. Included needs
    for the same catalog item are linked to it."""
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    lines = {source: Decimal(amount) for source, amount in funding.items() if amount}
    total = sum(lines.values(), Decimal("0"))
    if total != Decimal(estimated_cost):
        raise ValidationError(
            {"estimated_cost": ValidationError(
                PLAN_ERRORS["funding_sum"], code="funding_sum",
                params={"sum": f"{total:,.2f}", "cost": f"{Decimal(estimated_cost):,.2f}"},
            )}
        )
    item = PlanItem(
        version=locked, catalog_item=catalog_item, description=(description or "").strip(), quantity=quantity,
        unit=(unit or "").strip(), estimated_cost=estimated_cost,
    )
    item.full_clean()
    item.save()
    PlanItemFunding.objects.bulk_create([PlanItemFunding(item=item, source=s, amount=a) for s, a in sorted(lines.items())])
    Need.objects.filter(
        project_id=locked.project_id, catalog_item=catalog_item, status=Need.Status.INCLUDED, plan_item__isnull=True
    ).update(plan_item=item)
    return item


@by_actor
@transaction.atomic
def plan_item_remove(*, item: PlanItem, actor: User) -> None:
    _lock_version(item.version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    item.delete()


@by_actor
@transaction.atomic
def plan_version_publish(*, version: PlanVersion, actor: User) -> PlanVersion:
    """The street approver publishes the draft for comment; the estate's owners are told."""
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_publish_plan_version)
    if not locked.items.exists():
        raise ValidationError(PLAN_ERRORS["empty_plan"], code="empty_plan")
    locked.status, locked.published_at = PlanVersion.Status.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    owners = Ownership.objects.verified().filter(household__building__estate_id=locked.project.estate_id)
    notify(
        users=owners.values_list("resident__user_id", flat=True), kind=Notification.Kind.PLAN_PUBLISHED,
        url=reverse("projects:plan", args=[locked.project.code, locked.number]),
        number=locked.number, estate=locked.project.estate.name,
    )
    return locked


@by_actor
@transaction.atomic
def plan_comment_add(*, version: PlanVersion, actor: User, text: str) -> PlanComment:
    version = PlanVersion.objects.select_related("project__estate").get(pk=version.pk)  # as it is now
    if not permissions.can_comment_plan(actor, version):
        raise ValidationError(PLAN_ERRORS["not_published"], code="not_published")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(PLAN_ERRORS["comment_required"], code="comment_required")})
    comment = PlanComment(version=version, author=actor, text=text)
    comment.full_clean()
    comment.save()
    return comment


@by_actor
@transaction.atomic
def plan_vote_call(*, version: PlanVersion, actor: User) -> Vote:
    """The street approver puts the published version to the owners as a special matter (改建 and
    fund raising: Civil Code art. 278 items 6–8); the project moves to plan_voting."""
    locked = _lock_version(version, PlanVersion.Status.PUBLISHED, actor, permissions.can_call_plan_vote)
    project = locked.project
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        title = str(_("Renovation plan of %(estate)s, version %(number)s") % {"estate": project.estate.name, "number": locked.number})
    vote = vote_create(
        project=project, purpose=Vote.Purpose.PLAN, title=title, matter=Vote.Matter.SPECIAL, opens_at=now,
        closes_at=now + timedelta(days=settings.PLAN_VOTE_DAYS), actor=actor, plan_version=locked,
    )
    vote = vote_open(vote=vote, actor=actor)
    locked.status = PlanVersion.Status.VOTING
    locked.save(update_fields=["status"])
    project_transition(project=project, to=Project.Status.PLAN_VOTING, actor=actor, by_service=True)
    return vote


# ---------------------------------------------------------------------------------------------
# Award, completion acceptance (the public revision and its cache keys: projects/revision.py)


AWARD_ERRORS = {
    "not_allowed": _("Only the street office's approver awards the works, after the budget is published."),
    "wrong_kind_contractor": _("Choose a contractor (施工单位)."),
    "wrong_kind_supervisor": _("Choose a supervisor (监理)."),
    "nothing_to_award": _("Choose a contractor, a supervisor or both."),
    "reason_required": _("Say why the current organization is replaced: residents will see it on the timeline."),
    "same_organization": _("%(name)s already holds this award."),
    "inactive": _("%(name)s is no longer active in the portal."),
    "amount_positive": _("The contract amount must be more than zero."),
    "status_changed": _("The project's status changed a moment ago (it is now “%(now)s”). Reload the page and check."),
}
AWARD_PERMS = {
    Award.Role.CONTRACTOR: ("projects.view_project", permissions.REPORT_PROGRESS),
    Award.Role.SUPERVISOR: ("projects.view_project", permissions.SUPERVISE),
}
AWARD_KINDS = {Award.Role.CONTRACTOR: Organization.Kind.CONTRACTOR, Award.Role.SUPERVISOR: Organization.Kind.SUPERVISOR}


@by_actor
@transaction.atomic
def project_award(
    *, project: Project, actor: User, contractor: Organization | None = None, supervisor: Organization | None = None,
    contract_amount: Decimal | None = None, reason: str = "",
) -> list[Award]:
    """Award the works (施工) and their supervision (监理). The organizations' groups get the
    project's permissions; a replaced organization loses them. Once both are awarded on a project
    with a published budget, it is `contracted`."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_award(actor, locked):
        if permissions.can_award(actor, project):
            raise ValidationError(
                AWARD_ERRORS["status_changed"], code="status_changed", params={"now": locked.get_status_display()}
            )
        raise PermissionDenied(AWARD_ERRORS["not_allowed"])
    chosen = {Award.Role.CONTRACTOR: contractor, Award.Role.SUPERVISOR: supervisor}
    if not any(chosen.values()):
        raise _coded_error(AWARD_ERRORS, "nothing_to_award")
    if contract_amount is not None and contract_amount <= 0:
        raise _coded_error(AWARD_ERRORS, "amount_positive", "contract_amount")
    current = {a.role: a for a in Award.objects.select_for_update().filter(project=locked, ended_at__isnull=True)}
    # Choosing the organization that already holds a role again, beside a real change of the other
    # role, means "keep it": only the change is made (the field test's whole form was refused).
    unchanged = [
        role for role, organization in chosen.items()
        if organization is not None and role in current and current[role].organization_id == organization.pk
        and not (role == Award.Role.CONTRACTOR and contract_amount is not None and contract_amount != current[role].contract_amount)
    ]
    if unchanged and len(unchanged) < sum(1 for o in chosen.values() if o is not None):
        for role in unchanged:
            chosen[role] = None
    reason = (reason or "").strip()
    made = []
    for role, organization in chosen.items():
        if organization is None:
            continue
        if organization.kind != AWARD_KINDS[role]:
            raise _coded_error(AWARD_ERRORS, f"wrong_kind_{role}", role)
        if not organization.is_active:
            raise ValidationError({role: ValidationError(AWARD_ERRORS["inactive"], code="inactive", params={"name": organization.name})})
        previous = current.get(role)
        if previous is not None:
            if previous.organization_id == organization.pk:
                raise ValidationError({role: ValidationError(AWARD_ERRORS["same_organization"], code="same_organization", params={"name": organization.name})})
            if not reason:
                raise _coded_error(AWARD_ERRORS, "reason_required", "reason")
            previous.ended_at = timezone.now()
            previous.end_reason = reason
            previous.save(update_fields=["ended_at", "end_reason"])
            for perm in AWARD_PERMS[role]:
                organization_revoke(organization=previous.organization, perm=perm, obj=locked)
        award = Award.objects.create(
            project=locked, role=role, organization=organization, awarded_by=actor,
            contract_amount=contract_amount if role == Award.Role.CONTRACTOR else None,
        )
        for perm in AWARD_PERMS[role]:
            organization_grant(organization=organization, perm=perm, obj=locked)
        current[role] = award
        made.append(award)
        with translation.override(settings.LANGUAGE_CODE):
            note = (_("%(role)s: %(name)s") % {"role": award.get_role_display(), "name": organization.name})
            if previous is not None:
                note += " · " + str(_("replaces %(name)s: %(reason)s") % {"name": previous.organization.name, "reason": reason})
        ProjectEvent.objects.create(project=locked, actor=actor, from_status=locked.status, to_status=locked.status, note=note)
    if locked.status == Project.Status.BUDGET_APPROVED and len(current) == 2:
        project_transition(project=locked, to=Project.Status.CONTRACTED, actor=actor, by_service=True)
    project_touch(project=locked)
    return made


ACCEPTANCE_ERRORS = {
    "not_allowed": _("You cannot sign this project's completion acceptance."),
    "already_signed": _("The %(role)s has already signed this acceptance."),
}


@by_actor
@transaction.atomic
def acceptance_sign(*, project: Project, role: str, actor: User, opinion: str = "") -> AcceptanceSignature:
    """竣工验收: the supervisor, the street approver and a council representative sign; the third
    signature completes the project (with today's date)."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_sign_acceptance(actor, locked, role):
        raise PermissionDenied(ACCEPTANCE_ERRORS["not_allowed"])
    if AcceptanceSignature.objects.filter(project=locked, role=role).exists():
        raise ValidationError(
            ACCEPTANCE_ERRORS["already_signed"], code="already_signed",
            params={"role": AcceptanceSignature.Role(role).label},
        )
    signature = AcceptanceSignature.objects.create(project=locked, role=role, signed_by=actor, opinion=(opinion or "").strip())
    if AcceptanceSignature.objects.filter(project=locked).count() == len(AcceptanceSignature.Role):
        locked.completed_on = timezone.localdate()
        locked.save(update_fields=["completed_on"])
        project_transition(project=locked, to=Project.Status.COMPLETED, actor=actor, by_service=True)
    project_touch(project=locked)
    return signature
