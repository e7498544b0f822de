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


@transaction.atomic
def project_create(*, estate: Estate, title: str, actor: User | None) -> Project:
    """A project in `petitioning`; the estate's street office gets its object permissions."""
    office = Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE, street_id=estate.community.street_id).first()
    if office is None:
        raise ValidationError(ERRORS["no_street_office"], code="no_street_office")
    for attempt in range(3):
        project = Project(estate=estate, title=title.strip(), code=_code_for(estate))
        project.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                project.save()
            break
        except IntegrityError:  # another project of this estate took the code at the same moment
            if attempt == 2:
                raise
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
