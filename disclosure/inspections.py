"""The reads of inspection notes (施工检查记录; the writes are in services/inspections.py): a
project's notes for its public page, a public photo, and how a contractor answers them (counted on
its public page). No names: a note says "a council representative", an answer the contractor.
Also the counts the public project is read with (inspections, objections to the budget notice)."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.lifecycle import PUBLIC_STATUSES

from .models import Inspection, InspectionPhoto, Objection


def project_inspections(project):
    return (
        Inspection.objects.filter(project=project)
        .select_related("plan_item__catalog_item", "organization")
        .prefetch_related("photos")
        .order_by("-posted_at", "-id")
    )


def public_inspection_photo(pk: int) -> InspectionPhoto | None:
    return InspectionPhoto.objects.filter(pk=pk, inspection__project__status__in=PUBLIC_STATUSES).first()


def count_annotations() -> dict:
    """The counts of inspection_counts as subqueries on a Project queryset (the public project is
    read with them, so its page spends no query of its own on them)."""
    now = timezone.now()
    late = Q(answered_at__isnull=True, answer_due__lt=now) | Q(answered_at__gt=F("answer_due"))

    def count(condition=None):
        rows = Inspection.objects.filter(condition or Q(), project=OuterRef("pk")).order_by().values("project")
        return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")[:1]), 0)

    def objections(condition=None):
        rows = Objection.objects.filter(condition or Q(), project=OuterRef("pk")).order_by().values("project")
        return Coalesce(Subquery(rows.annotate(n=Count("id")).values("n")[:1]), 0)

    return {
        "inspections_total": count(),
        "inspections_waiting": count(Q(answered_at__isnull=True)),
        "inspections_late": count(late),
        "objections_total": objections(),
        "objections_waiting": objections(Q(answered_at__isnull=True)),
    }


def inspection_counts(project) -> dict[str, int]:
    """For the project's page: notes posted, waiting for an answer, and late (waiting past the
    deadline or answered after it). Read from the project's annotations when it has them."""
    if not hasattr(project, "inspections_total"):
        project = type(project).objects.annotate(**count_annotations()).get(pk=project.pk)
    return {
        "total": project.inspections_total,
        "waiting": project.inspections_waiting,
        "late": project.inspections_late,
    }


def objection_counts(project) -> dict[str, int]:
    """Objections to the budget's notice and how many wait for an answer (from the annotations)."""
    if not hasattr(project, "objections_total"):
        project = type(project).objects.annotate(**count_annotations()).get(pk=project.pk)
    return {"total": project.objections_total, "waiting": project.objections_waiting}


def contractor_inspection_record(organization) -> dict[str, int]:
    """For a contractor's public page: notes it received on all its projects, answered in time,
    answered late, and waiting past their deadline. One query."""
    now = timezone.now()
    return Inspection.objects.filter(organization=organization).aggregate(
        total=Count("id"),
        on_time=Count("id", filter=Q(answered_at__lte=F("answer_due"))),
        late=Count("id", filter=Q(answered_at__gt=F("answer_due"))),
        overdue=Count("id", filter=Q(answered_at__isnull=True, answer_due__lt=now)),
    )
