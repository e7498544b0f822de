"""Volunteer points (志愿者积分, issue 20 item 6) — the writes: a resident logs volunteer work, a
council representative confirms or declines it, the council records the rate the estate agreed,
and whoever keeps the estate exchanges points for a property-fee credit, which is an entry of the
management ledger (the same chain). Each decides on the locked row."""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import errors_for
from projects.models import Project
from stakeholders.audit import by_actor
from stakeholders.models import CouncilMeeting, Estate, Notification, Resident, User
from stakeholders.services import notify

from .. import permissions
from .. import volunteers as reads
from ..ledger import VOLUNTEER_FEE_CREDIT
from ..models import LedgerEntry, PointsRedemption, VolunteerLog, VolunteerRate
from .errors import VOLUNTEER_ERRORS
from .ledger import _append, _earlier_submission, _lock_ledger

_error = errors_for(VOLUNTEER_ERRORS)
LOG_WITHIN_DAYS = 90
HALF_HOUR = Decimal("0.5")
CENT = Decimal("0.01")


def _checked_hours(hours) -> Decimal:
    if hours is None or not (HALF_HOUR <= hours <= 12) or (hours / HALF_HOUR) % 1:
        raise _error("hours_range", "hours")
    return Decimal(hours).quantize(Decimal("0.1"))


def points_for(hours: Decimal) -> int:
    return int((hours * settings.VOLUNTEER_POINTS_PER_HOUR).to_integral_value(ROUND_HALF_UP))


@by_actor
@transaction.atomic
def volunteer_log(
    *, estate: Estate, actor: User, activity: str, done_on: Date, hours: Decimal, description: str
) -> VolunteerLog:
    """A resident logs volunteer work they did in the estate; it waits for the council. The same
    work sent twice (a double tap) is logged once."""
    if not permissions.can_log_volunteer_work(actor, estate):
        raise PermissionDenied(VOLUNTEER_ERRORS["not_allowed_log"])
    resident = Resident.objects.select_for_update().get(user=actor)  # one log at a time per person
    if activity not in VolunteerLog.Activity.values:
        raise _error("bad_activity", "activity")
    today = timezone.localdate()
    if done_on is None or done_on > today:
        raise _error("future_date", "done_on")
    if done_on < today - timedelta(days=LOG_WITHIN_DAYS):
        raise _error("too_old", "done_on", days=LOG_WITHIN_DAYS)
    hours = _checked_hours(hours)
    description = (description or "").strip()
    if not description:
        raise _error("description_required", "description")
    fields = {"estate": estate, "resident": resident, "activity": activity, "done_on": done_on, "hours": hours}
    earlier = VolunteerLog.objects.filter(
        **fields, description=description[:300], status=VolunteerLog.Status.LOGGED
    ).first()
    if earlier is not None:
        return earlier
    return VolunteerLog.objects.create(**fields, description=description[:300])


@by_actor
@transaction.atomic
def volunteer_decide(
    *, log: VolunteerLog, actor: User, confirm: bool, hours: Decimal | None = None, reason: str = ""
) -> VolunteerLog:
    """A council representative confirms the work — the hours as logged or corrected — and it earns
    points; or declines it with a reason. The resident is told either way."""
    locked = VolunteerLog.objects.select_for_update(of=("self",)).select_related("estate", "resident").get(pk=log.pk)
    if not permissions.can_decide_volunteer_log(actor, locked):
        raise PermissionDenied(VOLUNTEER_ERRORS["not_allowed_decide"])
    reason = (reason or "").strip()
    if confirm:
        locked.hours = _checked_hours(hours if hours is not None else locked.hours)
        locked.status, locked.points = VolunteerLog.Status.CONFIRMED, points_for(locked.hours)
    else:
        if not reason:
            raise _error("reason_required", "reason")
        locked.status, locked.decline_reason = VolunteerLog.Status.DECLINED, reason[:300]
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["hours", "status", "points", "decline_reason", "decided_by", "decided_at"])
    params = {"estate": locked.estate.name, "date": locked.done_on.isoformat()}
    if confirm:
        params["points"] = locked.points
    else:
        params["reason"] = locked.decline_reason
    notify(
        users=[locked.resident.user_id],
        kind=Notification.Kind.VOLUNTEER_CONFIRMED if confirm else Notification.Kind.VOLUNTEER_DECLINED,
        url=reverse("disclosure:volunteers", args=[locked.estate.code]),
        key=f"volunteer:{locked.pk}",
        **params,
    )
    return locked


@by_actor
@transaction.atomic
def volunteer_rate_set(
    *, estate: Estate, actor: User, yuan_per_point: Decimal, meeting: CouncilMeeting | None
) -> VolunteerRate:
    """The council records the rate the estate agreed at one of its meetings (minutes recorded). It
    applies to exchanges from now on; earlier exchanges keep theirs."""
    locked = Estate.objects.select_for_update().get(pk=estate.pk)
    if not permissions.can_set_volunteer_rate(actor, locked):
        raise PermissionDenied(VOLUNTEER_ERRORS["not_allowed_rate"])
    if yuan_per_point is None or not (CENT <= yuan_per_point <= 10):
        raise _error("rate_range", "yuan_per_point")
    if meeting is None or meeting.council.estate_id != locked.pk or meeting.recorded_at is None:
        raise _error("meeting_required", "meeting")
    current = reads.current_rate(locked)
    if current is not None and current.yuan_per_point == yuan_per_point and current.meeting_id == meeting.pk:
        return current  # the same decision sent twice
    return VolunteerRate.objects.create(estate=locked, yuan_per_point=yuan_per_point, meeting=meeting, set_by=actor)


@by_actor
@transaction.atomic
def points_redeem(
    *,
    project: Project,
    actor: User,
    resident: Resident,
    points: int,
    date: Date | None = None,
    submission_key: str = "",
) -> PointsRedemption:
    """Exchange a resident's points for a property-fee credit at the estate's current rate: a
    fee-credit entry of the management ledger (no name in it) and the exchange that spends the
    points. A repeated submission (its key) returns the first exchange."""
    if project is None:
        raise _error("no_management_ledger")
    try:
        budget = _lock_ledger(project, actor, management=True)
    except PermissionDenied:
        raise PermissionDenied(VOLUNTEER_ERRORS["not_allowed_redeem"]) from None
    submission_key = (submission_key or "").strip()[:64]
    if (earlier := _earlier_submission(budget, submission_key)) is not None:
        return earlier.redemption
    locked = budget.project
    holder = Resident.objects.select_for_update().get(pk=resident.pk)  # the balance, one exchange at a time
    rate = reads.current_rate(locked.estate)
    if rate is None:
        raise _error("no_rate")
    if points is None or points <= 0:
        raise _error("points_positive", "points")
    left = reads.balance(holder, locked.estate)
    if points > left:
        raise _error("too_many_points", "points", balance=left)
    amount = (rate.yuan_per_point * points).quantize(CENT)
    if amount < CENT:
        raise _error("too_little", "points", points=points)
    today = timezone.localdate()
    date = date or today
    if date > today or (locked.completed_on and date < locked.completed_on):
        raise _error("date_range", "date", date=(locked.completed_on or today).isoformat())
    with translation.override(settings.LANGUAGE_CODE):  # the ledger's public text, in the portal's language
        counterparty = gettext("Resident (volunteer points exchange)")
        memo = gettext(
            "%(points)s points × ¥%(rate)s a point, the rate the council recorded from its meeting of %(day)s"
        ) % {
            "points": points,
            "rate": rate.yuan_per_point,
            "day": timezone.localtime(rate.meeting.held_at).date().isoformat(),
        }
    entry = _append(
        budget=budget,
        actor=actor,
        date=date,
        kind=LedgerEntry.Kind.EXPENSE,
        amount=amount,
        counterparty=counterparty,
        category=VOLUNTEER_FEE_CREDIT,
        memo=memo,
        submission_key=submission_key,
    )
    return PointsRedemption.objects.create(
        estate=locked.estate, resident=holder, points=points, rate=rate, entry=entry, recorded_by=actor
    )
