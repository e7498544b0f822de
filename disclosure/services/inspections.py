"""Inspection notes (施工检查记录, issue 17 item 5): a representative of the estate's council in term
inspects the works and posts what they found with photos (stripped of metadata); the project's
contractor must answer within INSPECTION_ANSWER_DAYS; an answer not given in time is shown as late
on the public page and the street office is told once. Public without names."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import errors_for
from core.photos import process_photos, store_photo
from projects.models import PlanItem, Project
from projects.revision import project_touch
from stakeholders import selectors as stakeholder_selectors
from stakeholders.audit import by_actor
from stakeholders.models import Membership, Notification, Organization, User
from stakeholders.services import notify

from .. import permissions
from ..models import Inspection, InspectionPhoto
from .budgets import adopted_plan
from .errors import INSPECTION_ERRORS
from .works import _contractor_of

_error = errors_for(INSPECTION_ERRORS)


def _contractor_staff(organization: Organization) -> set[int]:
    return set(Membership.objects.filter(organization=organization).values_list("user_id", flat=True))


@by_actor
@transaction.atomic
def inspection_post(
    *, project: Project, actor: User, findings: str, location: str = "", plan_item: PlanItem | None = None, photos=()
) -> Inspection:
    """A council representative posts an inspection note; the contractor's staff are told the deadline."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_post_inspection(actor, locked):
        raise PermissionDenied(INSPECTION_ERRORS["not_allowed"])
    findings = (findings or "").strip()
    if not findings:
        raise _error("findings_required", "findings")
    if plan_item is not None:
        plan = adopted_plan(locked)
        if plan is None or plan_item.version_id != plan.pk:
            raise _error("item_not_in_plan", "plan_item")
    photos = [p for p in photos if p]
    if len(photos) > settings.INSPECTION_PHOTOS_MAX:
        raise _error("too_many_photos", "photos", max=settings.INSPECTION_PHOTOS_MAX)
    processed = process_photos(photos)
    now = timezone.now()
    contractor = _contractor_of(locked)
    inspection = Inspection.objects.create(
        project=locked,
        plan_item=plan_item,
        findings=findings,
        location=(location or "").strip()[:200],
        posted_by=actor,
        posted_at=now,
        organization=contractor,
        answer_due=now + timedelta(days=settings.INSPECTION_ANSWER_DAYS),
    )
    for result in processed:
        store_photo(InspectionPhoto(inspection=inspection), result)
    notify(
        users=_contractor_staff(contractor),
        kind=Notification.Kind.INSPECTION_POSTED,
        url=reverse("disclosure:inspections", args=[locked.code]) + f"#inspection-{inspection.pk}",
        key=f"inspection-posted:{inspection.pk}",
        estate=locked.estate.name,
        due=timezone.localtime(inspection.answer_due).strftime("%Y-%m-%d %H:%M"),
    )
    project_touch(project=locked)
    return inspection


@by_actor
@transaction.atomic
def inspection_answer(*, inspection: Inspection, actor: User, answer: str) -> Inspection:
    """The contractor answers once: what it did or will do. The representative who posted is told."""
    locked = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("project__estate__community", "organization")
        .get(pk=inspection.pk)
    )
    if locked.answered_at is not None:
        raise _error("already_answered")
    if not permissions.can_answer_inspection(actor, locked):
        raise PermissionDenied(INSPECTION_ERRORS["not_allowed_answer"])
    answer = (answer or "").strip()
    if not answer:
        raise _error("answer_required", "answer")
    locked.answer, locked.answered_by, locked.answered_at = answer, actor, timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(
        users=[locked.posted_by_id],
        kind=Notification.Kind.INSPECTION_ANSWERED,
        url=reverse("disclosure:inspections", args=[locked.project.code]) + f"#inspection-{locked.pk}",
        key=f"inspection-answered:{locked.pk}",
        contractor=locked.organization.name,
        estate=locked.project.estate.name,
    )
    project_touch(project=locked.project)
    return locked


def inspections_overdue_notify(now=None) -> int:
    """The beat task: tell the estate's street office, once per note, of an answer not given in time.
    Returns how many notes were reported."""
    now = now or timezone.now()
    reported = 0
    due = Inspection.objects.filter(answered_at__isnull=True, overdue_notified_at__isnull=True, answer_due__lt=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            note = (
                Inspection.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("project__estate__community", "organization")
                .filter(pk=pk, answered_at__isnull=True, overdue_notified_at__isnull=True)
                .first()
            )
            if note is None:
                continue
            notify(
                users=stakeholder_selectors.street_office_user_ids(note.project.estate.community.street_id),
                kind=Notification.Kind.INSPECTION_OVERDUE,
                url=reverse("disclosure:inspections", args=[note.project.code]) + f"#inspection-{note.pk}",
                key=f"inspection-overdue:{note.pk}",
                contractor=note.organization.name,
                estate=note.project.estate.name,
                due=timezone.localtime(note.answer_due).strftime("%Y-%m-%d %H:%M"),
            )
            note.overdue_notified_at = now
            note.save(update_fields=["overdue_notified_at"])
            project_touch(project=note.project)  # the public page now says it is late
            reported += 1
    return reported
