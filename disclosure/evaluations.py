"""Reads of the third-party evaluation (issue 22 item 6): the engagements covering a project, an
evaluator's desk, and the records an evaluation reads — figures and states, never a resident's
name, phone, unit or words."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from approvals import selectors as approval_selectors
from feedback.models import Complaint, Response
from projects.models import Project

from . import permissions
from .models import Budget, Engagement, EvaluationReport, Milestone, SiteVisit
from .selectors import budget_of, sources_of


def engagements_covering(project: Project) -> list[Engagement]:
    qs = Engagement.objects.select_related("evaluator").filter(Q(project=project) | Q(year=project.plan_year or -1))
    return list(qs.order_by("engaged_at", "id"))


def desk(user) -> list[Engagement]:
    """The engagements of the user's evaluators (the bureau: every one), with the projects they cover."""
    qs = Engagement.objects.select_related("evaluator", "project__estate__community__street")
    if not permissions.can_engage(user):
        qs = qs.filter(evaluator_id__in=permissions.evaluator_ids(user))
    engagements = list(qs.order_by("-engaged_at", "-id"))
    years = {e.year for e in engagements if e.year is not None}
    by_year: dict[int, list[Project]] = {}
    for project in Project.objects.filter(plan_year__in=years).select_related("estate__community__street"):
        by_year.setdefault(project.plan_year, []).append(project)
    for e in engagements:
        e.covered = [e.project] if e.project_id else sorted(by_year.get(e.year, []), key=lambda p: p.estate.name)
    return engagements


@dataclass
class Records:
    budget: Budget | None
    sources: list
    milestones: list
    complaints: dict
    satisfaction: dict
    matters: list
    visits: list = field(default_factory=list)


def records(project: Project) -> Records:
    """What an evaluator reads about the project (about ten queries)."""
    budget = budget_of(project)
    wait = ExpressionWrapper(F("acknowledged_at") - F("filed_at"), output_field=DurationField())
    complaints = Complaint.objects.filter(project=project).aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        on_time=Count("id", filter=Q(acknowledged_at__lte=F("acknowledge_due"))),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        escalated=Count("id", filter=Q(escalated_at__isnull=False)),
        wait=Avg(wait),
    )
    complaints["hours"] = round(complaints.pop("wait").total_seconds() / 3600, 1) if complaints["wait"] else None
    satisfaction = Response.objects.filter(survey__project=project).aggregate(
        answers=Count("id"), **{q: Avg(q) for q in Response.QUESTIONS}
    )
    return Records(
        budget=budget,
        sources=sources_of(budget),
        milestones=list(Milestone.objects.filter(project=project).order_by("due_date", "id")),
        complaints=complaints,
        satisfaction={k: (round(v, 2) if isinstance(v, float) else v) for k, v in satisfaction.items()},
        matters=approval_selectors.matter_states(project)[1],
        visits=list(SiteVisit.objects.filter(project=project).select_related("engagement__evaluator")),
    )


def reports_of(project: Project, *, drafts_of: frozenset[int] = frozenset()) -> list[EvaluationReport]:
    """The published reports (and the drafts of the evaluators in `drafts_of`)."""
    visible = Q(status=EvaluationReport.Status.PUBLISHED) | Q(engagement__evaluator_id__in=drafts_of)
    return list(
        EvaluationReport.objects.filter(visible, project=project)
        .select_related("engagement__evaluator")
        .order_by("-published_at", "-id")
    )
