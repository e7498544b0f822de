"""The public ledger: hash-chained, append-only entries and reversals, and the cached totals."""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import errors_for
from core.files import DOCUMENT_TYPES, check_upload
from core.photos import document_without_metadata
from projects.models import FundingSource, PlanItem, Project
from projects.revision import project_touch
from stakeholders.audit import by_actor
from stakeholders.models import User

from .. import permissions, selectors
from ..ledger import (
    MANAGEMENT_CATEGORIES,
    MANAGEMENT_EXPENSE,
    MANAGEMENT_INCOME,
    VOLUNTEER_FEE_CREDIT,
    entry_document,
    entry_hash,
)
from ..models import ZERO_HASH, Budget, LedgerEntry
from .budgets import adopted_plan
from .checkpoints import checkpoint_record
from .collection import check_batch
from .errors import LEDGER_ERRORS

# --- ledger --------------------------------------------------------------------------------------


_ledger_error = errors_for(LEDGER_ERRORS)


def _append(
    *,
    budget: Budget,
    actor: User,
    date: Date,
    kind: str,
    amount: Decimal,
    counterparty: str,
    category: str,
    memo: str,
    plan_item: PlanItem | None = None,
    reverses: LedgerEntry | None = None,
    voucher=None,
    voucher_type: str = "",
    submission_key: str = "",
) -> LedgerEntry:
    """Append one entry to the chain. The caller holds the lock on the budget row — the chain
    head — so two entries recorded at once get consecutive numbers and link to each other."""
    project = budget.project
    last = LedgerEntry.objects.filter(project=project).order_by("-seq").values("seq", "hash").first()
    seq, prev_hash = (last["seq"] + 1, last["hash"]) if last else (1, ZERO_HASH)
    document = entry_document(
        project=project.code,
        seq=seq,
        date=date,
        kind=kind,
        amount=amount,
        counterparty=counterparty,
        category=category,
        memo=memo,
        reverses=reverses.seq if reverses else None,
        prev_hash=prev_hash,
    )
    entry = LedgerEntry(
        project=project,
        seq=seq,
        date=date,
        kind=kind,
        amount=amount,
        counterparty=counterparty,
        category=category,
        plan_item=plan_item,
        memo=memo,
        reverses=reverses,
        prev_hash=prev_hash,
        hash=entry_hash(document),
        recorded_by=actor,
        voucher_content_type=voucher_type,
        submission_key=submission_key,
    )
    if voucher:
        entry.voucher.save("voucher", voucher, save=False)
    entry.save()
    checkpoint_record(project=project, seq=seq, hash=entry.hash)  # the new head, published (heads.json)
    if category not in MANAGEMENT_CATEGORIES:  # the budget's figures are the renovation money's
        side, delta = (reverses.kind, -amount) if reverses is not None else (kind, amount)
        total = "ledger_income" if side == LedgerEntry.Kind.INCOME else "ledger_spent"
        Budget.objects.filter(pk=budget.pk).update(**{total: F(total) + delta})
    project_touch(project=project)
    return entry


def ledger_totals_refresh(*, project_ids=None) -> int:
    """Recompute the budgets' ledger totals from the entries (after a bulk load; migration 0003
    did the same for the rows it found). Returns the number of budgets written."""
    entries = LedgerEntry.objects.order_by().exclude(category__in=MANAGEMENT_CATEGORIES)
    budgets = Budget.objects.all()
    if project_ids is not None:
        entries, budgets = (
            entries.filter(project_id__in=list(project_ids)),
            budgets.filter(project_id__in=list(project_ids)),
        )
    sums = {
        row["project"]: row
        for row in entries.values("project").annotate(
            income=selectors.ledger_net(LedgerEntry.Kind.INCOME), spent=selectors.ledger_net(LedgerEntry.Kind.EXPENSE)
        )
    }
    budgets = list(budgets)
    for budget in budgets:
        row = sums.get(budget.project_id, {})
        budget.ledger_income, budget.ledger_spent = (
            row.get("income", Decimal("0.00")),
            row.get("spent", Decimal("0.00")),
        )
    Budget.objects.bulk_update(budgets, ["ledger_income", "ledger_spent"], batch_size=500)
    return len(budgets)


def _lock_ledger(project: Project, actor: User, *, management: bool = False) -> Budget:
    """Lock the chain's head (the budget row) and check who may append: the street office to the
    renovation money, the estate's manager to the management ledger."""
    budget = (
        Budget.objects.select_for_update(of=("self",))
        .select_related("project__estate__community")
        .filter(project_id=project.pk)
        .first()
    )
    may = permissions.can_record_management if management else permissions.can_record_ledger
    if not may(actor, budget.project if budget else project, budget):
        raise PermissionDenied(LEDGER_ERRORS["management_not_allowed" if management else "not_allowed"])
    return budget


def _earlier_submission(budget: Budget, submission_key: str) -> LedgerEntry | None:
    """The entry a repeated submission already recorded (checked under the ledger's lock)."""
    if not submission_key:
        return None
    return LedgerEntry.objects.filter(project=budget.project, submission_key=submission_key).first()


def _checked_entry(*, amount: Decimal | None, counterparty: str, date: Date) -> str:
    """What every entry needs: a positive amount, who paid or was paid, a date not in the future."""
    if amount is None or amount <= 0:
        raise _ledger_error("amount_positive", "amount")
    counterparty = (counterparty or "").strip()
    if not counterparty:
        raise _ledger_error("counterparty_required", "counterparty")
    if date > timezone.localdate():
        raise _ledger_error("future_date", "date")
    return counterparty


def _checked_voucher(voucher) -> tuple:
    """The voucher checked by its content and stripped of its metadata, with its type."""
    if not voucher:
        return voucher, ""
    try:
        voucher_type = check_upload(voucher, allowed=DOCUMENT_TYPES).content_type
        return document_without_metadata(voucher, voucher_type), voucher_type
    except ValidationError as error:
        raise ValidationError({"voucher": error}) from None


def _category(budget: Budget, kind: str, source: str, plan_item: PlanItem | None) -> tuple[str, PlanItem | None]:
    """What an entry is counted under: an income's funding source, an expense's plan item."""
    if kind == LedgerEntry.Kind.INCOME:
        if source not in FundingSource.values:
            raise _ledger_error("source_required", "source")
        return source, None
    if kind == LedgerEntry.Kind.EXPENSE:
        if plan_item is None:
            raise _ledger_error("item_required", "plan_item")
        plan = adopted_plan(budget.project)
        if plan is None or plan_item.version_id != plan.pk:
            raise _ledger_error("item_not_in_plan", "plan_item")
        return plan_item.catalog_item.code, plan_item
    raise _ledger_error("bad_kind", "kind")


@by_actor
@transaction.atomic
def ledger_record(
    *,
    project: Project,
    actor: User,
    date: Date,
    kind: str,
    amount: Decimal,
    counterparty: str,
    source: str = "",
    plan_item: PlanItem | None = None,
    memo: str = "",
    voucher=None,
    submission_key: str = "",
    payments: list[int] | None = None,
) -> LedgerEntry:
    """Record income (by funding source) or expense (by plan item of the adopted plan).

    With a `submission_key` (the form's token, the API's Idempotency-Key), a submission repeated —
    a double tap, a retry after a lost answer, fifty at once — returns the entry the first one
    recorded: the check runs under the ledger's lock, so concurrent repeats wait and find it."""
    budget = _lock_ledger(project, actor)
    submission_key = (submission_key or "").strip()[:64]
    if (earlier := _earlier_submission(budget, submission_key)) is not None:
        return earlier
    counterparty = _checked_entry(amount=amount, counterparty=counterparty, date=date)
    category, plan_item = _category(budget, kind, source, plan_item)
    # A batch of household payments (居民自筹), or of compensation paid out: it must equal the
    # payments it names (issue 19).
    batch = []
    if payments:
        batch = check_batch(
            budget.project, amount=amount, kind=kind, source=source, plan_item=plan_item, payment_ids=payments
        )
    voucher, voucher_type = _checked_voucher(voucher)
    entry = _append(
        budget=budget,
        actor=actor,
        date=date,
        kind=kind,
        amount=amount,
        counterparty=counterparty,
        category=category,
        memo=(memo or "").strip(),
        plan_item=plan_item,
        voucher=voucher,
        voucher_type=voucher_type,
        submission_key=submission_key,
    )
    for payment in batch:
        payment.ledger_entry = entry
        payment.save(update_fields=["ledger_entry"])
    return entry


@by_actor
@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, actor: User, memo: str, date: Date | None = None) -> LedgerEntry:
    """Correct a mistake: a reversal entry cancels `entry` (same amount, same category)."""
    budget = _lock_ledger(entry.project, actor, management=entry.category in MANAGEMENT_CATEGORIES)
    target = LedgerEntry.objects.select_related("plan_item").get(pk=entry.pk)
    if target.project_id != budget.project_id:
        raise _ledger_error("other_project")
    if target.kind == LedgerEntry.Kind.REVERSAL:
        raise _ledger_error("cannot_reverse_reversal")
    if target.category == VOLUNTEER_FEE_CREDIT:
        raise _ledger_error("fee_credit_not_reversible")
    if LedgerEntry.objects.filter(reverses=target).exists():
        raise _ledger_error("already_reversed", None, seq=target.seq)
    memo = (memo or "").strip()
    if not memo:
        raise _ledger_error("memo_required", "memo")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise _ledger_error("future_date", "date")
    if date < target.date:
        raise _ledger_error("before_reversed", "date", seq=target.seq)
    return _append(
        budget=budget,
        actor=actor,
        date=date,
        kind=LedgerEntry.Kind.REVERSAL,
        amount=target.amount,
        counterparty=target.counterparty,
        category=target.category,
        memo=memo,
        plan_item=target.plan_item,
        reverses=target,
    )


@by_actor
@transaction.atomic
def management_record(
    *,
    project: Project,
    actor: User,
    date: Date,
    amount: Decimal,
    counterparty: str,
    category: str,
    memo: str = "",
    voucher=None,
    submission_key: str = "",
) -> LedgerEntry:
    """After acceptance, the estate's management ledger (issue 20 item 4): public revenue (parking,
    advertising) and fees in, maintenance-fund use and upkeep out — the category says which —
    appended to the project's chain, verified like every entry, counted apart from the renovation
    money."""
    budget = _lock_ledger(project, actor, management=True)
    submission_key = (submission_key or "").strip()[:64]
    if (earlier := _earlier_submission(budget, submission_key)) is not None:
        return earlier
    if category not in MANAGEMENT_INCOME + MANAGEMENT_EXPENSE:  # a fee credit only by an exchange of points
        raise _ledger_error("management_category", "category")
    counterparty = _checked_entry(amount=amount, counterparty=counterparty, date=date)
    voucher, voucher_type = _checked_voucher(voucher)
    return _append(
        budget=budget,
        actor=actor,
        date=date,
        kind=LedgerEntry.Kind.INCOME if category in MANAGEMENT_INCOME else LedgerEntry.Kind.EXPENSE,
        amount=amount,
        counterparty=counterparty,
        category=category,
        memo=(memo or "").strip(),
        voucher=voucher,
        voucher_type=voucher_type,
        submission_key=submission_key,
    )
