"""Hearings (听证会) and residents' meetings (issue 18, item 2): the community committee or the street
office calls one about a plan version, the budget or another question (every resident of the
estate is told); residents sign in online at the hearing; afterwards it is recorded once with the
paper sign-in count (and the sheet's scan, private), the minutes and the positions heard."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from stakeholders import permissions as stakeholder_permissions
from stakeholders import selectors as stakeholder_selectors
from stakeholders.audit import by_actor
from stakeholders.models import Household, Notification, User
from stakeholders.services import notify

from .. import permissions
from ..models import Hearing, HearingCheckIn, PlanVersion, Project

HEARING_ERRORS = {
    "not_allowed": _("The community committee or the street office calls and records hearings."),
    "in_past": _("A hearing is called for a time to come (at most half a year ahead)."),
    "version_required": _("Choose the plan version the hearing is about."),
    "minutes_required": _("Write the minutes: what was discussed."),
    "already_recorded": _("This hearing is already recorded."),
    "too_many_signins": _("More sign-ins than the %(n)s households of the estate."),
    "cannot_check_in": _("Residents of the estate sign in on the day, from an hour before it begins."),
    "already_checked_in": _("You have already signed in."),
    "household_signed_in": _("This household has already signed in (online or at the desk)."),
    "desk_not_allowed": _(
        "Staff of the community committee or the street office sign households in at the desk, on the day."
    ),
}
_error = errors_for(HEARING_ERRORS)


@by_actor
@transaction.atomic
def hearing_schedule(
    *,
    project: Project,
    actor: User,
    kind: str,
    subject: str,
    held_at,
    place: str,
    agenda: str,
    plan_version: PlanVersion | None = None,
) -> Hearing:
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_schedule_hearing(actor, locked):
        raise PermissionDenied(HEARING_ERRORS["not_allowed"])
    now = timezone.now()
    if not now <= held_at <= now + timedelta(days=183):
        raise _error("in_past", "held_at")
    if subject == Hearing.Subject.PLAN:
        if plan_version is None or plan_version.project_id != locked.pk:
            raise _error("version_required", "plan_version")
    else:
        plan_version = None
    hearing = Hearing.objects.create(
        project=locked,
        kind=kind,
        subject=subject,
        plan_version=plan_version,
        held_at=held_at,
        place=(place or "").strip()[:200],
        agenda=(agenda or "").strip()[:2000],
        electorate=Household.objects.filter(building__estate_id=locked.estate_id).count(),
        scheduled_by=actor,
    )
    notify(
        users=stakeholder_selectors.user_ids_living_in(locked.estate_id),
        kind=Notification.Kind.HEARING_CALLED,
        url=reverse("projects:hearings", args=[locked.code]) + f"#hearing-{hearing.pk}",
        key=f"hearing-called:{hearing.pk}",
        estate=locked.estate.name,
        when=timezone.localtime(held_at).strftime("%Y-%m-%d %H:%M"),
        place=hearing.place,
        agenda=hearing.agenda[:60],
    )
    return hearing


@by_actor
@transaction.atomic
def hearing_check_in(*, hearing: Hearing, actor: User) -> HearingCheckIn:
    """A resident signs in online for their household (the first of theirs in the estate not yet
    signed in); once per resident and per household, so the desk cannot count them again."""
    locked = Hearing.objects.select_for_update(of=("self",)).select_related("project__estate").get(pk=hearing.pk)
    if not permissions.can_check_in(actor, locked, timezone.now()):
        raise PermissionDenied(HEARING_ERRORS["cannot_check_in"])
    resident = stakeholder_permissions.resident_profile(actor)
    homes = stakeholder_permissions.claimed_household_ids(actor, locked.project.estate_id)
    signed = set(
        HearingCheckIn.objects.filter(hearing=locked, household_id__in=homes).values_list("household_id", flat=True)
    )
    household_id = next((h for h in homes if h not in signed), None)
    if household_id is None and HearingCheckIn.objects.filter(hearing=locked, resident=resident).exists():
        raise _error("already_checked_in")
    if household_id is None:
        raise _error("household_signed_in")  # at the desk, or by someone else of the household
    try:
        with transaction.atomic():
            return HearingCheckIn.objects.create(hearing=locked, resident=resident, household_id=household_id)
    except IntegrityError:
        raise _error("already_checked_in") from None


@by_actor
@transaction.atomic
def hearing_desk_sign_in(*, hearing: Hearing, household: Household, actor: User) -> HearingCheckIn:
    """Staff at the door sign a household in from the estate's list (once per household)."""
    locked = Hearing.objects.select_for_update(of=("self",)).select_related("project__estate").get(pk=hearing.pk)
    if not permissions.can_sign_in_at_desk(actor, locked, timezone.now()):
        raise PermissionDenied(HEARING_ERRORS["desk_not_allowed"])
    if household.building.estate_id != locked.project.estate_id:
        raise PermissionDenied(HEARING_ERRORS["desk_not_allowed"])
    try:
        with transaction.atomic():
            return HearingCheckIn.objects.create(hearing=locked, household=household, signed_in_by=actor)
    except IntegrityError:
        raise _error("household_signed_in") from None


@by_actor
@transaction.atomic
def hearing_record(
    *, hearing: Hearing, actor: User, paper_signins: int, minutes: str, positions: str, signin_sheet=None
) -> Hearing:
    locked = (
        Hearing.objects.select_for_update(of=("self",)).select_related("project__estate__community").get(pk=hearing.pk)
    )
    if locked.recorded_at is not None:
        raise _error("already_recorded")
    if not permissions.can_record_hearing(actor, locked, timezone.now()):
        raise PermissionDenied(HEARING_ERRORS["not_allowed"])
    if not (minutes or "").strip():
        raise _error("minutes_required", "minutes")
    online = locked.checkins.count()
    if (paper_signins or 0) + online > locked.electorate:
        raise _error("too_many_signins", "paper_signins", n=locked.electorate)
    if signin_sheet:
        try:
            checked = check_upload(signin_sheet)
        except ValidationError as error:
            raise ValidationError({"signin_sheet": error}) from None
        locked.signin_sheet_type = checked.content_type
        locked.signin_sheet.save("signin", document_without_metadata(signin_sheet, checked.content_type), save=False)
    locked.paper_signins = paper_signins or 0
    locked.minutes, locked.positions = minutes.strip()[:5000], (positions or "").strip()[:5000]
    locked.recorded_at = timezone.now()
    locked.save()
    return locked
