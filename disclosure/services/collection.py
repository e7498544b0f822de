"""Collection, household by household (issue 19): payments of each household's share,
exemptions and the ground-floor compensation paid out, recorded by the community committee or the
council once the budget is published; decided on the locked project row (two clerks at once get
one record and a clear answer)."""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from projects.models import FundingSource, Project
from projects.revision import project_touch
from stakeholders.audit import by_actor
from stakeholders.models import Household, User

from .. import collection, permissions
from ..models import LedgerEntry, SharePayment

COLLECTION_ERRORS = {
    "not_allowed": _("The community committee or the council records payments, once the budget is published."),
    "not_owing": _("This household owes nothing under the adopted plan."),
    "too_much": _("This household has ¥%(left)s left to pay: record at most that."),
    "amount_positive": _("The amount must be more than zero."),
    "future_date": _("The date cannot be in the future."),
    "receipt_required": _("Write the receipt number (on the paper receipt or the transfer)."),
    "receipt_taken": _("Receipt %(receipt)s is already recorded for this project."),
    "channel_required": _("Choose how it was paid."),
    "reason_required": _("Write the reason (e.g. the council's decision on a hardship case)."),
    "already_exempt": _("This household is already exempted."),
    "nothing_left": _("This household has nothing left to pay."),
    "batch_mismatch": _(
        "This batch is ¥%(amount)s, but the %(n)s payments it names add up to ¥%(sum)s. They must be equal."
    ),
    "batch_source": _("A batch of household payments is income from the residents (居民自筹)."),
    "not_compensated": _("This household receives no ground-floor compensation under the adopted plan."),
    "payout_too_much": _("This household has ¥%(left)s of compensation left to receive: record at most that."),
    "batch_payout_item": _(
        "A batch of compensation paid out is an expense of the item whose ground-floor compensation it is."
    ),
    "batch_mixed": _("A batch names either payments received (income) or compensation paid out (expense)."),
    "batch_payments": _("Choose payments of this project that are not in the ledger yet."),
}
_error = errors_for(COLLECTION_ERRORS)


def _locked(project: Project, actor: User, household: Household):
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_record_collection(actor, locked):
        raise PermissionDenied(COLLECTION_ERRORS["not_allowed"])
    if household.building.estate_id != locked.estate_id:
        raise PermissionDenied(COLLECTION_ERRORS["not_allowed"])
    row = collection.collection_of(locked).of(household.pk)
    if row is None:
        raise _error("not_owing")
    return locked, row


@by_actor
@transaction.atomic
def payment_record(
    *,
    project: Project,
    household: Household,
    amount: Decimal,
    paid_on: Date,
    channel: str,
    receipt_no: str,
    actor: User,
) -> SharePayment:
    locked, row = _locked(project, actor, household)
    if row.due <= 0:
        raise _error("not_owing")
    if amount is None or amount <= 0:
        raise _error("amount_positive", "amount")
    if amount > row.remaining:
        raise _error("too_much", "amount", left=f"{row.remaining:,.2f}")
    return _save(locked, household, SharePayment.Kind.PAYMENT, amount, paid_on, channel, receipt_no, actor)


@by_actor
@transaction.atomic
def payout_record(
    *,
    project: Project,
    household: Household,
    amount: Decimal,
    paid_on: Date,
    channel: str,
    receipt_no: str,
    actor: User,
) -> SharePayment:
    """The ground-floor compensation paid to a household of the compensated floors (at most what it
    has left to receive), with the receipt it signed."""
    locked, row = _locked(project, actor, household)
    if row.receives <= 0:
        raise _error("not_compensated")
    if amount is None or amount <= 0:
        raise _error("amount_positive", "amount")
    if amount > row.to_receive:
        raise _error("payout_too_much", "amount", left=f"{row.to_receive:,.2f}")
    return _save(locked, household, SharePayment.Kind.PAYOUT, amount, paid_on, channel, receipt_no, actor)


def _save(locked, household, kind, amount, paid_on, channel, receipt_no, actor) -> SharePayment:
    if paid_on > timezone.localdate():
        raise _error("future_date", "paid_on")
    if channel not in SharePayment.Channel.values:
        raise _error("channel_required", "channel")
    receipt_no = (receipt_no or "").strip()[:40]
    if not receipt_no:
        raise _error("receipt_required", "receipt_no")
    payment = SharePayment(
        project=locked,
        household=household,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        receipt_no=receipt_no,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        raise _error("receipt_taken", "receipt_no", receipt=receipt_no) from None
    project_touch(project=locked)
    return payment


@by_actor
@transaction.atomic
def exemption_record(*, project: Project, household: Household, reason: str, actor: User) -> SharePayment:
    """Exempts what the household has left to pay (hardship, decided by the council), with the reason."""
    locked, row = _locked(project, actor, household)
    if row.due <= 0:
        raise _error("not_owing")
    reason = (reason or "").strip()[:300]
    if not reason:
        raise _error("reason_required", "reason")
    if row.exempt:
        raise _error("already_exempt")
    if row.remaining <= 0:
        raise _error("nothing_left")
    exemption = SharePayment(
        project=locked,
        household=household,
        kind=SharePayment.Kind.EXEMPTION,
        amount=row.remaining,
        paid_on=timezone.localdate(),
        reason=reason,
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            exemption.save()
    except IntegrityError:
        raise _error("already_exempt") from None
    project_touch(project=locked)
    return exemption


def check_batch(
    project: Project, *, amount: Decimal, kind: str, source: str, plan_item, payment_ids: list[int]
) -> list[SharePayment]:
    """For ledger_record, under the ledger's lock: the payments an income batch of residents'
    contributions names — or the compensation paid out an expense batch of the compensated item
    names —, locked, unbatched and of this project, adding up to the batch exactly; or a clear error."""
    if kind == LedgerEntry.Kind.EXPENSE:
        wanted = SharePayment.Kind.PAYOUT
        if plan_item is None or not plan_item.compensation_per_household:
            raise _error("batch_payout_item", "plan_item")
    else:
        wanted = SharePayment.Kind.PAYMENT
        if source not in (FundingSource.RESIDENTS, FundingSource.COMPENSATION):
            raise _error("batch_source", "source")
    payments = list(
        SharePayment.objects.select_for_update()
        .filter(pk__in=payment_ids, project=project, ledger_entry__isnull=True)
        .order_by("id")
    )
    if len(payments) != len(set(payment_ids)):
        raise _error("batch_payments", "payments")
    if any(p.kind != wanted for p in payments):
        raise _error("batch_mixed", "payments")
    total = sum((p.amount for p in payments), Decimal("0.00"))
    if total != amount:
        raise ValidationError(
            {
                "amount": ValidationError(
                    COLLECTION_ERRORS["batch_mismatch"],
                    code="batch_mismatch",
                    params={"amount": f"{amount:,.2f}", "n": len(payments), "sum": f"{total:,.2f}"},
                )
            }
        )
    return payments
