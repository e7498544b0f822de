"""Ratings of contractors, supervisors and estate managers, computed from the closed surveys and
written onto each organization."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from projects.models import Award
from stakeholders.models import Organization
from stakeholders.services import organization_set_rating

from ..models import Response, Survey


def _average(total, n) -> Decimal | None:
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.01")) if n else None


def _works_ratings(role: str, kind: str) -> dict[int, Decimal | None]:
    """Each organization's rating for the projects it held in `role` (the builder, the supervisor):
    all closed surveys with at least SURVEY_MIN_RESPONSES answers (the privacy threshold), weighted
    by answers, written onto its Organization (stakeholders), where the award picker reads it. Its
    details also count the projects whose own average is below RATING_FLAG_BELOW (issue 21 item 2)."""
    eligible = (
        Survey.objects.filter(status=Survey.Status.CLOSED)
        .annotate(n=Count("responses"))
        .filter(n__gte=settings.SURVEY_MIN_RESPONSES)
        .values("pk")
    )
    holder_of = dict(
        Award.objects.filter(role=role, ended_at__isnull=True).values_list("project_id", "organization_id")
    )
    figures: dict[int, dict] = {}
    rows = (
        Response.objects.filter(survey__in=eligible)
        .values("survey__project_id")
        .annotate(n=Count("id"), **{q: Sum(q) for q in Response.QUESTIONS})
    )
    for row in rows:
        org = holder_of.get(row["survey__project_id"])
        if org is None:
            continue
        f = figures.setdefault(org, {"n": 0, "projects": set(), "low": 0, **{q: 0 for q in Response.QUESTIONS}})
        f["n"] += row["n"]
        f["projects"].add(row["survey__project_id"])
        f["low"] += int(_average(row["overall"], row["n"]) < settings.RATING_FLAG_BELOW)
        for q in Response.QUESTIONS:
            f[q] += row[q]
    result = {}
    for org in Organization.objects.filter(kind=kind).values_list("pk", flat=True):
        f = figures.get(org)
        if f is None:
            organization_set_rating(organization_id=org, overall=None, responses=0, projects=0, details={})
            result[org] = None
            continue
        details = {q: str(_average(f[q], f["n"])) for q in Response.QUESTIONS} | {"low_projects": f["low"]}
        overall = _average(f["overall"], f["n"])
        organization_set_rating(
            organization_id=org, overall=overall, responses=f["n"], projects=len(f["projects"]), details=details
        )
        result[org] = overall
    return result


def contractor_ratings_recompute() -> dict[int, Decimal | None]:
    """Each contractor's rating over the closed surveys of the projects it built."""
    return _works_ratings(Award.Role.CONTRACTOR, Organization.Kind.CONTRACTOR)


def supervisor_ratings_recompute() -> dict[int, Decimal | None]:
    """Each supervisor's (监理) rating over the closed surveys of the projects it supervised."""
    return _works_ratings(Award.Role.SUPERVISOR, Organization.Kind.SUPERVISOR)


def manager_ratings_recompute() -> dict[int, Decimal | None]:
    """Each manager's rating — a property-management firm, or a community committee keeping an
    estate as interim management: the management answers of the closed follow-up surveys that rated
    it (with at least SURVEY_MIN_RESPONSES answers), weighted by answers, written onto its
    Organization like a contractor's (issue 20 item 5)."""
    eligible = (
        Survey.objects.filter(status=Survey.Status.CLOSED, manager__isnull=False)
        .annotate(n=Count("responses"))
        .filter(n__gte=settings.SURVEY_MIN_RESPONSES)
        .values("pk")
    )
    rows = (
        Response.objects.filter(survey__in=eligible, management__isnull=False)
        .values("survey__manager_id")
        .annotate(n=Count("id"), total=Sum("management"), projects=Count("survey__project_id", distinct=True))
    )
    figures = {row["survey__manager_id"]: row for row in rows}
    result = {}
    managers = Organization.objects.filter(
        Q(kind=Organization.Kind.PROPERTY_MANAGER)
        | Q(kind=Organization.Kind.COMMUNITY_COMMITTEE, pk__in=list(figures))
        | Q(kind=Organization.Kind.COMMUNITY_COMMITTEE, rating_responses__gt=0)
    )
    for org in managers.values_list("pk", flat=True):
        row = figures.get(org)
        overall = _average(row["total"], row["n"]) if row else None
        organization_set_rating(
            organization_id=org,
            overall=overall,
            responses=row["n"] if row else 0,
            projects=row["projects"] if row else 0,
            details={"management": str(overall)} if row else {},
        )
        result[org] = overall
    return result
