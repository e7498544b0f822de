"""Every write about projects. Each status change is one call of `project_transition`, which checks
permissions.py (or is called by another service), locks the row and records a ProjectEvent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Estate, Organization, User
from stakeholders.services import organization_grant

from . import permissions
from .lifecycle import NOTE_REQUIRED, TRANSITIONS, By
from .models import Project, ProjectEvent

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
    return locked


# ---------------------------------------------------------------------------------------------
# Petitions (改造申请)

from stakeholders.models import Resident  # noqa: E402

from . import selectors  # noqa: E402
from .models import Petition, Sponsorship  # noqa: E402

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
}


def _petition_error(code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(PETITION_ERRORS[code], code=code)
    return ValidationError({field: error}) if field else error


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
    project = project_create(estate=estate, title=_("Renovation of %(estate)s") % {"estate": estate.name}, actor=user)
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
            return Sponsorship.objects.create(
                petition=petition, resident=invitee, household=ownership.household, invited_by=actor.resident
            )
    except IntegrityError:  # invited twice at the same moment
        raise _petition_error("already_invited", "phone") from None


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
# Votes (DESIGN §4)

import secrets  # noqa: E402
from decimal import Decimal  # noqa: E402

from stakeholders.files import check_upload  # noqa: E402
from stakeholders.models import Household, Ownership  # noqa: E402

from . import rules  # noqa: E402
from .canonical import H  # noqa: E402
from .models import Ballot, Vote, Voter  # noqa: E402

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


def receipt_hash(code: str) -> str:
    return H(code.strip().upper())


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
        )

    return _save_with_fresh_code(build)


def _households_in_scope(vote: Vote):
    qs = Household.objects.filter(building__estate_id=vote.project.estate_id)
    if vote.scope != Vote.Scope.ESTATE:
        qs = qs.filter(building_id=vote.building_id)
    if vote.scope == Vote.Scope.UNIT:
        qs = qs.filter(unit=vote.unit)
    return qs.select_related("building")


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
    return locked


def _store_ballot(*, vote: Vote, voter: Voter, choice: str, channel: str, actor: User, duplicate_code: str, **extra):
    code = new_receipt_code()
    ballot = Ballot(
        vote=vote, voter=voter, choice=choice, channel=channel, area=voter.area,
        receipt_hash=receipt_hash(code), recorded_by=actor if channel == Ballot.Channel.PAPER else None, **extra,
    )
    ballot.full_clean(exclude=["voter", "scan", "receipt_hash"])
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:  # the voter's one ballot exists: a double click or a second device
        raise ValidationError(VOTE_ERRORS[duplicate_code], code=duplicate_code) from None
    return ballot, code


@transaction.atomic
def ballot_cast(*, vote: Vote, actor: User, choice: str) -> tuple[Ballot, str]:
    """An online ballot. Returns the ballot and its receipt code, shown to the voter once."""
    resident = getattr(actor, "resident", None)
    voter = Voter.objects.filter(vote=vote, resident=resident).first() if resident else None
    now = timezone.now()
    if not permissions.vote_accepts_ballots(vote, now):
        raise ValidationError(VOTE_ERRORS["not_open"], code="not_open")
    if not permissions.can_cast_ballot(actor, vote, voter, now):
        raise ValidationError(VOTE_ERRORS["not_in_electorate"], code="not_in_electorate")
    if Ballot.objects.filter(voter=voter).exists():
        raise ValidationError(VOTE_ERRORS["already_voted"], code="already_voted")
    return _store_ballot(
        vote=vote, voter=voter, choice=choice, channel=Ballot.Channel.ONLINE, actor=actor, duplicate_code="already_voted"
    )


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
    return locked


def votes_close_due(*, now=None) -> list[str]:
    """Close every open vote whose deadline has passed; the beat job calls this. Idempotent."""
    now = now or timezone.now()
    closed = []
    for vote in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=now).order_by("closes_at"):
        closed.append(vote_close(vote=vote).code)
    return closed
