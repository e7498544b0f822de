"""Every write about money and works. Permissions are decided on locked, fresh rows; every change
bumps the project's public revision (projects.revision.project_touch), so the cached public pages
never show it stale."""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import DOCUMENT_TYPES, check_upload
from core.photos import process_photos, store_photo
from projects.models import Award, FundingSource, PlanItem, PlanVersion, Project
from projects.revision import project_touch
from projects.services import project_transition
from stakeholders.audit import by_actor
from stakeholders.models import Organization, User

from . import permissions, selectors
from .ledger import entry_document, entry_hash
from .models import ZERO_HASH, Budget, BudgetLine, LedgerEntry, Milestone, ProgressPhoto, ProgressUpdate

BUDGET_ERRORS = {
    "not_allowed": _("You may not change this budget."),
    "state_changed": _("The budget changed a moment ago (it is now “%(now)s”). Reload the page and check."),
    "total_positive": _("The total must be more than zero."),
    "line_positive": _("Amounts must be more than zero (leave a source empty if it pays nothing)."),
    "no_lines": _("Say where the money comes from: fill in at least one funding source."),
    "lines_mismatch": _(
        "The funding sources add up to ¥%(sum)s, but the total is ¥%(total)s (a difference of ¥%(diff)s). They "
        "must be equal."
    ),
    "notice_days": _("The public notice lasts between 5 and 60 days."),
}

LEDGER_ERRORS = {
    "not_allowed": _("Ledger entries are recorded by the street office once the budget is published."),
    "amount_positive": _("The amount must be more than zero."),
    "counterparty_required": _("Say who paid or who was paid."),
    "source_required": _("Choose the funding source this income comes from."),
    "item_required": _("Choose the plan item this expense pays for."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "bad_kind": _("Choose income or expense; corrections are made with “Reverse”."),
    "future_date": _("The date cannot be in the future."),
    "already_reversed": _("Entry %(seq)s has already been reversed."),
    "cannot_reverse_reversal": _("A reversal cannot itself be reversed; record a new entry instead."),
    "memo_required": _("Say why the entry is reversed: it is published with the correction."),
    "before_reversed": _("A reversal cannot be dated before entry %(seq)s, which it reverses."),
    "other_project": _("That entry belongs to another project."),
}

PROGRESS_ERRORS = {
    "not_allowed": _("Only the contractor awarded this project posts its progress."),
    "percent_range": _("The percent complete is a whole number from 0 to 100."),
    "backwards_needs_note": _("Progress was %(before)s%% before; going back to %(now)s%% needs a note saying why."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "too_many_photos": _("At most %(max)s photos per post."),
    "nothing_to_post": _("Write what was done or add a photo."),
    "date_met_required": _("Give the date the milestone was met."),
    "title_required": _("Give the milestone a title."),
    "date_met_future": _("The date met cannot be in the future."),
}


_budget_error = errors_for(BUDGET_ERRORS)


# --- budget ------------------------------------------------------------------------------------


def adopted_plan(project: Project) -> PlanVersion | None:
    return PlanVersion.objects.filter(project=project, status=PlanVersion.Status.ADOPTED).order_by("-number").first()


def _clean_lines(total: Decimal, lines: dict[str, Decimal | None]) -> dict[str, Decimal]:
    if total is None or total <= 0:
        raise _budget_error("total_positive", "total")
    clean = {}
    for source, amount in lines.items():
        if amount in (None, ""):
            continue
        if source not in FundingSource.values:
            raise ValueError(f"unknown funding source {source!r}")
        if amount <= 0:
            raise _budget_error("line_positive", f"fund_{source}")
        clean[source] = Decimal(amount)
    if not clean:
        raise _budget_error("no_lines")
    line_sum = sum(clean.values(), Decimal("0"))
    if line_sum != total:
        raise _budget_error(
            "lines_mismatch", None, sum=f"{line_sum:,.2f}", total=f"{total:,.2f}", diff=f"{abs(total - line_sum):,.2f}"
        )
    return clean


@by_actor
@transaction.atomic
def budget_save_draft(*, project: Project, actor: User, total: Decimal, lines: dict[str, Decimal | None]) -> Budget:
    """Create or correct the draft budget: a total and its funding lines, which must add up."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    budget = Budget.objects.select_for_update().filter(project=locked).first()
    if not permissions.can_draft_budget(actor, locked, budget):
        if (
            budget is not None
            and budget.status != Budget.Status.DRAFT
            and permissions.can_draft_budget(actor, locked, None)
        ):
            raise _budget_error("state_changed", now=budget.get_status_display())
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    clean = _clean_lines(total, lines)
    if budget is None:
        budget = Budget.objects.create(project=locked, total=total, drafted_by=actor)
    else:
        budget.total = total
        budget.save(update_fields=["total"])
        budget.lines.all().delete()
    BudgetLine.objects.bulk_create([BudgetLine(budget=budget, source=s, amount=a) for s, a in sorted(clean.items())])
    return budget


def _lock_budget(budget: Budget, expected: str, actor: User, may) -> Budget:
    """The budget as it is now, locked. Whoever holds the approver's role but finds it moved on (a
    double click, a second tab) is told so; anyone else is refused."""
    locked = (
        Budget.objects.select_for_update(of=("self",)).select_related("project__estate__community").get(pk=budget.pk)
    )
    if locked.status != expected:
        if permissions.is_budget_approver(actor, locked.project):
            raise _budget_error("state_changed", now=locked.get_status_display())
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    if not may(actor, locked):
        raise PermissionDenied(BUDGET_ERRORS["not_allowed"])
    return locked


@by_actor
@transaction.atomic
def budget_approve(*, budget: Budget, actor: User) -> Budget:
    locked = _lock_budget(budget, Budget.Status.DRAFT, actor, permissions.can_approve_budget)
    locked.status, locked.approved_by, locked.approved_at = Budget.Status.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    return locked


@by_actor
@transaction.atomic
def budget_publish(*, budget: Budget, actor: User, notice_days: int | None = None) -> Budget:
    """公示: the approved budget goes public with a notice period; the project is `budget_approved`."""
    notice_days = settings.BUDGET_NOTICE_DAYS if notice_days is None else notice_days
    if not 5 <= notice_days <= 60:
        raise _budget_error("notice_days", "notice_days")
    locked = _lock_budget(budget, Budget.Status.APPROVED, actor, permissions.can_publish_budget)
    now = timezone.now()
    locked.status, locked.published_at = Budget.Status.PUBLISHED, now
    locked.notice_ends_on = timezone.localdate(now) + timedelta(days=notice_days)
    locked.save(update_fields=["status", "published_at", "notice_ends_on"])
    project_transition(project=locked.project, to=Project.Status.BUDGET_APPROVED, actor=actor, by_service=True)
    return locked


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
    )
    if voucher:
        entry.voucher.save("voucher", voucher, save=False)
    entry.save()
    side, delta = (reverses.kind, -amount) if reverses is not None else (kind, amount)
    total = "ledger_income" if side == LedgerEntry.Kind.INCOME else "ledger_spent"
    Budget.objects.filter(pk=budget.pk).update(**{total: F(total) + delta})
    project_touch(project=project)
    return entry


def ledger_totals_refresh(*, project_ids=None) -> int:
    """Recompute the budgets' ledger totals from the entries (after a bulk load; migration 0003
    did the same for the rows it found). Returns the number of budgets written."""
    entries = LedgerEntry.objects.order_by()
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


def _lock_ledger(project: Project, actor: User) -> Budget:
    budget = (
        Budget.objects.select_for_update(of=("self",))
        .select_related("project__estate__community")
        .filter(project_id=project.pk)
        .first()
    )
    if not permissions.can_record_ledger(actor, budget.project if budget else project, budget):
        raise PermissionDenied(LEDGER_ERRORS["not_allowed"])
    return budget


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
) -> LedgerEntry:
    """Record income (by funding source) or expense (by plan item of the adopted plan)."""
    budget = _lock_ledger(project, actor)
    if amount is None or amount <= 0:
        raise _ledger_error("amount_positive", "amount")
    counterparty = (counterparty or "").strip()
    if not counterparty:
        raise _ledger_error("counterparty_required", "counterparty")
    if date > timezone.localdate():
        raise _ledger_error("future_date", "date")
    if kind == LedgerEntry.Kind.INCOME:
        if source not in FundingSource.values:
            raise _ledger_error("source_required", "source")
        category, plan_item = source, None
    elif kind == LedgerEntry.Kind.EXPENSE:
        if plan_item is None:
            raise _ledger_error("item_required", "plan_item")
        plan = adopted_plan(budget.project)
        if plan is None or plan_item.version_id != plan.pk:
            raise _ledger_error("item_not_in_plan", "plan_item")
        category = plan_item.catalog_item.code
    else:
        raise _ledger_error("bad_kind", "kind")
    voucher_type = ""
    if voucher:
        try:
            voucher_type = check_upload(voucher, allowed=DOCUMENT_TYPES).content_type
        except ValidationError as error:
            raise ValidationError({"voucher": error}) from None
    return _append(
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
    )


@by_actor
@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, actor: User, memo: str, date: Date | None = None) -> LedgerEntry:
    """Correct a mistake: a reversal entry cancels `entry` (same amount, same category)."""
    budget = _lock_ledger(entry.project, actor)
    target = LedgerEntry.objects.select_related("plan_item").get(pk=entry.pk)
    if target.project_id != budget.project_id:
        raise _ledger_error("other_project")
    if target.kind == LedgerEntry.Kind.REVERSAL:
        raise _ledger_error("cannot_reverse_reversal")
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


# --- progress and milestones ------------------------------------------------------------------------


_progress_error = errors_for(PROGRESS_ERRORS)


def _contractor_of(project: Project) -> Organization:

    award = Award.objects.select_related("organization").get(
        project=project, role=Award.Role.CONTRACTOR, ended_at__isnull=True
    )
    return award.organization


def _lock_works(project: Project, actor: User) -> Project:
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_post_progress(actor, locked):
        raise PermissionDenied(PROGRESS_ERRORS["not_allowed"])
    return locked


def _project_percent(project: Project, plan_item: PlanItem | None, percent: int) -> int:
    """The whole project's progress once this post counts: an overall figure as given; after an
    item's report, the latest percent of every item of the adopted plan weighted by its estimated
    cost (items with no report yet count as 0) — but never below the latest overall figure the
    contractor stated, which stands until the item reports overtake it."""
    if plan_item is None:
        return percent
    stated = (
        ProgressUpdate.objects.filter(project=project, plan_item__isnull=True)
        .order_by("-posted_at", "-id")
        .values_list("percent", flat=True)
        .first()
    ) or 0
    plan = adopted_plan(project)
    items = list(plan.items.values_list("pk", "estimated_cost")) if plan else []
    latest = {}
    for item_id, value in (
        ProgressUpdate.objects.filter(project=project, plan_item__isnull=False)
        .order_by("plan_item_id", "-posted_at", "-id")
        .values_list("plan_item_id", "percent")
    ):
        latest.setdefault(item_id, value)
    latest[plan_item.pk] = percent
    total = sum((cost for _pk, cost in items), Decimal("0"))
    if not total:
        by_items = round(sum(latest.get(pk, 0) for pk, _cost in items) / len(items)) if items else percent
    else:
        by_items = int(
            (sum((cost * latest.get(pk, 0) for pk, cost in items), Decimal("0")) / total).quantize(Decimal("1"))
        )
    return max(by_items, stated)


@by_actor
@transaction.atomic
def progress_post(
    *,
    project: Project,
    actor: User,
    percent: int,
    text: str = "",
    plan_item: PlanItem | None = None,
    photos=(),
) -> ProgressUpdate:
    """The contractor reports progress (overall or for one plan item) with photos. Photos are
    checked and stripped of their metadata before anything is saved. The first post starts the
    works (`under_construction`)."""
    locked = _lock_works(project, actor)
    if percent is None or not 0 <= percent <= 100:
        raise _progress_error("percent_range", "percent")
    text = (text or "").strip()
    if plan_item is not None:
        plan = adopted_plan(locked)
        if plan is None or plan_item.version_id != plan.pk:
            raise _progress_error("item_not_in_plan", "plan_item")
    photos = [p for p in photos if p]
    if len(photos) > settings.PROGRESS_PHOTOS_MAX:
        raise _progress_error("too_many_photos", "photos", max=settings.PROGRESS_PHOTOS_MAX)
    previous = (
        ProgressUpdate.objects.filter(project=locked, plan_item=plan_item)
        .order_by("-posted_at", "-id")
        .values_list("percent", flat=True)
        .first()
    )
    if previous is not None and percent < previous and not text:
        raise _progress_error("backwards_needs_note", "text", before=previous, now=percent)
    if previous is not None and percent == previous and not text and not photos:
        raise _progress_error("nothing_to_post", "text")
    processed = process_photos(photos)
    update = ProgressUpdate.objects.create(
        project=locked,
        plan_item=plan_item,
        percent=percent,
        text=text,
        posted_by=actor,
        organization=_contractor_of(locked),
        project_percent=_project_percent(locked, plan_item, percent),
    )
    for result in processed:
        store_photo(ProgressPhoto(update=update), result)
    if locked.status == Project.Status.CONTRACTED:
        project_transition(project=locked, to=Project.Status.UNDER_CONSTRUCTION, actor=actor, by_service=True)
    project_touch(project=locked)
    return update


@by_actor
@transaction.atomic
def milestone_add(
    *,
    project: Project,
    actor: User,
    title: str,
    due_date: Date,
    type: str = Milestone.Type.DELIVERY,
    description: str = "",
) -> Milestone:
    locked = _lock_works(project, actor)
    title = (title or "").strip()
    if not title:
        raise _progress_error("title_required", "title")
    milestone = Milestone(
        project=locked,
        title=title,
        type=type,
        due_date=due_date,
        description=(description or "").strip(),
        created_by=actor,
    )
    milestone.full_clean()
    milestone.save()
    project_touch(project=locked)
    return milestone


@by_actor
@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: User, status: str, date_met: Date | None = None) -> Milestone:
    """Mark a milestone met (with its date), partially met, not met, or scheduled again."""
    locked = _lock_works(milestone.project, actor)
    target = Milestone.objects.select_for_update().get(pk=milestone.pk, project=locked)
    if status in (Milestone.Status.MET, Milestone.Status.PARTIALLY_MET):
        if date_met is None:
            raise _progress_error("date_met_required", "date_met")
        if date_met > timezone.localdate():
            raise _progress_error("date_met_future", "date_met")
    else:
        date_met = None
    target.status, target.date_met = status, date_met
    target.full_clean()
    target.save(update_fields=["status", "date_met", "updated_at"])
    project_touch(project=locked)
    return target
