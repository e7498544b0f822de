"""Reads of the parallel approvals: what an adopted plan triggers, where each matter stands, the
departments' queues and their public averages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from projects import procurement
from projects.models import PlanItem, PlanVersion, Project
from stakeholders.models import Organization

from . import permissions
from .models import Matter, Review, Submission


def adopted_version(project: Project) -> PlanVersion | None:
    return PlanVersion.objects.filter(project=project, status=PlanVersion.Status.ADOPTED).order_by("-number").first()


def triggered_matters(project: Project, version: PlanVersion | None) -> list[Matter]:
    """The catalog's matters the plan triggers: its project kind, and one of its items (a matter
    with no items listed is triggered by every plan of its kinds)."""
    if version is None:
        return []
    item_ids = list(PlanItem.objects.filter(version=version).values_list("catalog_item_id", flat=True))
    matters = (
        Matter.objects.filter(is_active=True)
        .annotate(n_items=Count("items"))
        .filter(Q(n_items=0) | Q(items__in=item_ids))
        .select_related("department")
        .distinct()
        .order_by("department__name", "name")
    )
    return [m for m in matters if not m.project_kinds or project.kind in m.project_kinds]


def submission_of(project: Project) -> Submission | None:
    return Submission.objects.filter(project=project).select_related("plan_version").first()


@dataclass
class MatterState:
    matter: Matter
    latest: Review | None
    rounds: list[Review]

    @property
    def done(self) -> bool:
        return self.latest is not None and self.latest.done


def matter_states(project: Project) -> tuple[Submission | None, list[MatterState]]:
    """Each matter of the project with its rounds (the submitted ones, or what the plan triggers)."""
    submission = submission_of(project)
    if submission is None:
        if project.status != Project.Status.PLAN_ADOPTED:  # before the plan, or decided before approvals existed
            return None, []
        return None, [MatterState(m, None, []) for m in triggered_matters(project, adopted_version(project))]
    rounds = defaultdict(list)
    for review in (
        Review.objects.filter(submission=submission)
        .select_related("matter", "department")
        .order_by("matter__department__name", "matter__name", "round")
    ):
        rounds[review.matter_id].append(review)
    return submission, [MatterState(r[-1].matter, r[-1], r) for r in rounds.values()]


def blocking(project: Project) -> list[Matter]:
    """The matters not approved yet: the budget cannot be approved while there are any."""
    return [state.matter for state in matter_states(project)[1] if not state.done]


def queue(user):
    """The reviews waiting in the user's departments (the bureau: every department), soonest due first."""
    qs = Review.objects.filter(status=Review.Status.PENDING).select_related(
        "matter", "department", "submission__project__estate__community__street"
    )
    if not permissions.can_manage_catalog(user):
        qs = qs.filter(department_id__in=permissions.department_ids(user))
    return qs.order_by("due_on", "id")


def queue_counts(user) -> dict:
    """How many matters wait in the user's queues, and how many of them are past their day."""
    return queue(user).aggregate(waiting=Count("id"), late=Count("id", filter=Q(due_on__lt=timezone.localdate())))


def dashboard_blocks(user, roles) -> dict:
    """For the home page: a department's (or the bureau's) waiting matters, and the bureau's flagged
    awards to decide — a query each, for those who have them."""
    blocks = {}
    if "bureau" in roles or permissions.department_ids(user):
        blocks["approvals"] = queue_counts(user)
    if "bureau" in roles or "admin" in roles:
        blocks["flagged_waiting"] = procurement.flagged_waiting()
    return blocks


def recent_decisions(user, limit: int = 20):
    qs = Review.objects.exclude(status=Review.Status.PENDING).select_related(
        "matter", "department", "submission__project__estate"
    )
    if not permissions.can_manage_catalog(user):
        qs = qs.filter(department_id__in=permissions.department_ids(user))
    return qs.order_by("-decided_on", "-id")[:limit]


def department_averages() -> list[dict]:
    """Per department: matters decided, the average working days, how many within the limit, the
    ones waiting and those past their day now — public, from two queries."""
    today = timezone.localdate()
    rows = {
        r["department"]: r
        for r in Review.objects.values("department")
        .annotate(
            decided=Count("id", filter=~Q(status=Review.Status.PENDING)),
            average=Avg("working_days", filter=~Q(status=Review.Status.PENDING)),
            within=Count("id", filter=~Q(status=Review.Status.PENDING) & Q(working_days__lte=F("matter__time_limit"))),
            waiting=Count("id", filter=Q(status=Review.Status.PENDING)),
            late=Count("id", filter=Q(status=Review.Status.PENDING, due_on__lt=today)),
            returned=Count("id", filter=Q(status=Review.Status.RETURNED)),
        )
        .order_by()
    }
    departments = Organization.objects.filter(pk__in=list(rows)).order_by("name")
    return [{**rows[d.pk], "department": d} for d in departments]
