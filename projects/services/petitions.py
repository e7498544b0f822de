"""Petitions (改造申请): starting one, inviting and answering sponsors, and submitting it to the owners'
willingness vote (意愿表决)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from stakeholders import council_selectors
from stakeholders.audit import by_actor
from stakeholders.models import Estate, Notification, Resident, User
from stakeholders.services import notify
from stakeholders.text import normalize_phone

from .. import permissions, selectors
from ..lifecycle import OPEN_PROJECT_STATUSES
from ..models import (
    Petition,
    Project,
    Sponsorship,
    Vote,
)
from .lifecycle import project_create
from .votes import vote_create, vote_open

PETITION_ERRORS = {
    "entrance_required": _("Choose the entrance (单元) the elevator is for."),
    "cannot_start_elevator": _(
        "Only verified owners of that entrance can start its elevator petition, and only while none is under way."
    ),
    "cannot_start": _(
        "Only verified owners of this estate can start a petition, and only while no renovation project is under way."
    ),
    "reason_required": _("Say why the estate needs renovation: residents and the street office read it."),
    "not_an_owner": _(
        "No verified owner of this estate has that mobile number. Ask your neighbour to register and claim "
        "their household first."
    ),
    "already_invited": _("This owner is already on the petition."),
    "cannot_invite": _("Only confirmed sponsors can invite others, while the petition is collecting sponsors."),
    "already_answered": _("You have already answered this invitation."),
    "cannot_withdraw": _("You can withdraw only your own confirmed signature, before the petition is submitted."),
    "sponsors": _("At least 3 owners must confirm as sponsors."),
    "households": _("The sponsors must own 3 different households: co-owners of one household count once."),
    "party_member": _("At least one sponsor must be a Party member."),
    "council": _(
        "Council first (先自治、后改造): the estate's residents' council must be filed with the street office "
        "and in its term. The community committee organises its election."
    ),
    "already_submitted": _("The petition has already gone to the owners' vote."),
}


_petition_error = errors_for(PETITION_ERRORS)


@by_actor
@transaction.atomic
def petition_start(
    *, resident: Resident, estate: Estate, reason: str, kind: str = Project.Kind.RENOVATION, building=None, entrance=""
) -> Petition:
    """A verified owner starts a petition: a project in `petitioning`, the owner its first sponsor.
    An elevator's (加装电梯, `kind="elevator"`) is started by an owner of that entrance, beside any
    renovation of the estate; its sponsors and its votes are that entrance's."""
    user = resident.user
    elevator = kind == Project.Kind.ELEVATOR
    if elevator and (building is None or building.estate_id != estate.pk or not (entrance or "").strip()):
        raise _petition_error("entrance_required", "entrance")
    entrance = (entrance or "").strip() if elevator else ""
    running = Project.objects.filter(estate=estate, status__in=OPEN_PROJECT_STATUSES, kind=kind)
    busy = (running.filter(building=building, entrance=entrance) if elevator else running).exists()
    council = bool(council_selectors.estates_with_council_in_term([estate.pk]))
    sketch = Project(estate=estate, kind=kind, building=building, entrance=entrance)
    owns = selectors.sponsor_household(resident.pk, estate.pk, sketch) is not None
    if not permissions.can_start_petition(
        user, estate, estate_has_open_project=busy, council_in_term=council, entrance=owns
    ):
        if not council and not busy and settings.PETITION_REQUIRES_COUNCIL:
            raise PermissionDenied(PETITION_ERRORS["council"])
        raise PermissionDenied(PETITION_ERRORS["cannot_start_elevator" if elevator else "cannot_start"])
    reason = (reason or "").strip()
    if not reason:
        raise _petition_error("reason_required", "reason")
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the portal's language
        if elevator:
            where = {"estate": estate.name, "building": building.number, "entrance": entrance}
            title = str(_("Elevator for building %(building)s, entrance %(entrance)s (%(estate)s)") % where)
        else:
            title = str(_("Renovation of %(estate)s") % {"estate": estate.name})
    project = project_create(
        estate=estate, title=title, actor=user, kind=kind, building=building if elevator else None, entrance=entrance
    )
    petition = Petition(project=project, started_by=resident, reason=reason)
    petition.full_clean()
    petition.save()
    ownership = selectors.sponsor_household(resident.pk, estate.pk, project)
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

    if not permissions.can_invite_sponsors(actor, petition):
        raise PermissionDenied(PETITION_ERRORS["cannot_invite"])
    estate_id = petition.project.estate_id
    invitee = Resident.objects.filter(phone=normalize_phone(phone)).first()
    ownership = selectors.sponsor_household(invitee.pk, estate_id, petition.project) if invitee else None
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
        users=[invitee.user_id],
        kind=Notification.Kind.SPONSOR_INVITED,
        url=petition.project.get_absolute_url(),
        inviter=actor.display_name,
        estate=petition.project.estate.name,
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
    elevator = project.kind == Project.Kind.ELEVATOR
    with translation.override(settings.LANGUAGE_CODE):
        if elevator:
            title = str(_("Willingness to add an elevator: %(title)s (意愿表决)") % {"title": project.title})
        else:
            title = str(_("Willingness to renovate %(estate)s (意愿表决)") % {"estate": project.estate.name})
    vote = vote_create(
        project=project,
        purpose=Vote.Purpose.WILLINGNESS,
        title=title,
        matter=Vote.Matter.ORDINARY,
        opens_at=now,
        closes_at=now + timedelta(days=settings.WILLINGNESS_VOTE_DAYS),
        actor=actor,
        by_service=True,
        # An elevator's: its entrance votes, and it is a special matter by law (a 改建).
        **(
            {"scope": Vote.Scope.UNIT, "building": project.building, "unit": project.entrance, "decides": "elevator"}
            if elevator
            else {}
        ),
    )
    vote = vote_open(vote=vote, actor=actor, by_service=True)
    locked.status = Petition.Status.VOTING
    locked.save(update_fields=["status"])
    return vote
