"""The works: progress posts with photos (stripped of metadata) and milestones."""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import errors_for
from core.photos import process_photos, store_photo
from projects.models import Award, PlanItem, Project
from projects.revision import project_touch
from projects.services import project_transition
from stakeholders.audit import by_actor
from stakeholders.models import Organization, User

from .. import permissions
from ..ledger import MAINTENANCE_PAID
from ..models import LedgerEntry, MaintenancePhoto, MaintenanceRecord, Milestone, ProgressPhoto, ProgressUpdate
from .budgets import adopted_plan
from .errors import MAINTENANCE_ERRORS, PROGRESS_ERRORS

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


# --- maintenance after acceptance (issue 20 item 4) --------------------------------------------------

_maintenance_error = errors_for(MAINTENANCE_ERRORS)


@by_actor
@transaction.atomic
def maintenance_post(
    *,
    project: Project,
    actor: User,
    done_on: Date,
    work: str,
    plan_item: PlanItem | None = None,
    photos=(),
    ledger_entry: LedgerEntry | None = None,
) -> MaintenanceRecord:
    """The estate's manager records a repair or upkeep done, with photos (stripped of metadata) and,
    if it cost money, the management-ledger entry that paid for it."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_post_maintenance(actor, locked):
        raise PermissionDenied(MAINTENANCE_ERRORS["not_allowed"])
    work = (work or "").strip()
    if not work:
        raise _maintenance_error("work_required", "work")
    if done_on is None or done_on > timezone.localdate():
        raise _maintenance_error("future_date", "done_on")
    if locked.completed_on and done_on < locked.completed_on:
        raise _maintenance_error("before_acceptance", "done_on", date=locked.completed_on.isoformat())
    if plan_item is not None:
        plan = adopted_plan(locked)
        if plan is None or plan_item.version_id != plan.pk:
            raise _maintenance_error("item_not_in_plan", "plan_item")
    if ledger_entry is not None and not (
        ledger_entry.project_id == locked.pk
        and ledger_entry.kind == LedgerEntry.Kind.EXPENSE
        and ledger_entry.category in MAINTENANCE_PAID
    ):
        raise _maintenance_error("entry_not_maintenance", "ledger_entry")
    photos = [p for p in photos if p]
    if len(photos) > settings.PROGRESS_PHOTOS_MAX:
        raise _maintenance_error("too_many_photos", "photos", max=settings.PROGRESS_PHOTOS_MAX)
    processed = process_photos(photos)
    membership = actor.memberships.select_related("organization").filter(organization__in=_keepers(locked)).first()
    record = MaintenanceRecord.objects.create(
        project=locked,
        plan_item=plan_item,
        done_on=done_on,
        work=work[:2000],
        organization=membership.organization,
        posted_by=actor,
        ledger_entry=ledger_entry,
    )
    for result in processed:
        store_photo(MaintenancePhoto(record=record), result)
    project_touch(project=locked)
    return record


def _keepers(project: Project):
    """The organizations that keep the estate after acceptance: its manager, else its community committee."""
    manager = Award.objects.filter(project=project, role=Award.Role.MANAGER, ended_at__isnull=True)
    if manager.exists():
        return Organization.objects.filter(pk__in=manager.values("organization_id"))
    return Organization.objects.filter(
        kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id=project.estate.community_id
    )
