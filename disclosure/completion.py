"""What is unfinished when the contractor files the completion report (issue 20 item 2): the
adopted plan's items below 100 % by their latest progress post, and the milestones not met —
except the acceptance's own (type `assessment`), which the acceptance itself meets. Registered
in projects.services.acceptance.COMPLETION_GAPS by this app's AppConfig."""

from __future__ import annotations

from projects.models import PlanItem, PlanVersion, Project
from projects.services import Gap

from .models import Milestone, ProgressUpdate


def completion_gaps(project: Project) -> list[Gap]:
    items = list(
        PlanItem.objects.filter(version__project=project, version__status=PlanVersion.Status.ADOPTED)
        .order_by("catalog_item__position", "id")
        .values_list("pk", "description")
    )
    latest: dict[int, int] = {}
    for item_id, percent in (
        ProgressUpdate.objects.filter(project=project, plan_item__isnull=False)
        .order_by("plan_item_id", "-posted_at", "-id")
        .values_list("plan_item_id", "percent")
    ):
        latest.setdefault(item_id, percent)
    gaps = [Gap("item", pk, title, str(latest.get(pk, 0))) for pk, title in items if latest.get(pk, 0) < 100]
    gaps += [
        Gap("milestone", m.pk, m.title, m.status, m.due_date.isoformat())
        for m in Milestone.objects.filter(project=project)
        .exclude(status=Milestone.Status.MET)
        .exclude(type=Milestone.Type.ASSESSMENT)
        .order_by("due_date", "id")
    ]
    return gaps
