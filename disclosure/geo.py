"""The city on one map (issue 22 item 4): `/disclosure/estates.geojson` — RFC 7946 GeoJSON, WGS 84
[longitude, latitude] — with every estate that has coordinates, the status of its latest public
project, and each street's outline (the convex hull of its estates: an approximation the properties
say, since the portal holds no street boundaries). A fixed number of queries at any size."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from approvals.models import Review
from feedback.lifecycle import OPEN_STATUSES
from feedback.models import Complaint
from projects.lifecycle import PUBLIC_STATUSES
from projects.models import Project
from stakeholders.models import Estate

# Map colours by stage, for the page's legend and markers (the codes stay in the data).
STAGES = {
    "none": ("#9e9e9e", []),
    "preparing": ("#1565c0", ["accepted", "planning", "plan_voting"]),
    "approved": ("#6a1b9a", ["plan_adopted", "budget_approved"]),
    "building": ("#e65100", ["contracted", "under_construction"]),
    "done": ("#2e7d32", ["completed", "maintained"]),
}
STAGE_OF = {status: stage for stage, (_colour, statuses) in STAGES.items() for status in statuses}


def _latest_public(field: str):
    return Subquery(
        Project.objects.filter(estate=OuterRef("pk"), status__in=PUBLIC_STATUSES)
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def estate_rows():
    """Every estate with coordinates and its latest public project (one query)."""
    return (
        Estate.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .select_related("community__street")
        .annotate(
            project_code=_latest_public("code"),
            project_status=_latest_public("status"),
            project_created=_latest_public("created_at"),
        )
        .order_by("community__street__name", "name", "pk")
    )


def _hull(points: list[tuple[float, float]]) -> list[list[float]]:
    """The convex hull, counter-clockwise and closed (RFC 7946 §3.1.6's right-hand rule)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    if len(ring) < 3:  # all on one line
        return []
    return [list(p) for p in ring + [ring[0]]]


def estates_geojson() -> dict:
    features, by_street, streets = [], defaultdict(list), {}
    for estate in estate_rows():
        street = estate.community.street
        point = (round(float(estate.longitude), 6), round(float(estate.latitude), 6))
        by_street[street.pk].append(point)
        streets[street.pk] = street
        status = estate.project_status or ""
        features.append(
            {
                "type": "Feature",
                "id": estate.code,
                "geometry": {"type": "Point", "coordinates": list(point)},
                "properties": {
                    "kind": "estate",
                    "code": estate.code,
                    "name": estate.name,
                    "street": street.code,
                    "street_name": street.name,
                    "built_year": estate.built_year,
                    "status": status or None,
                    "stage": STAGE_OF.get(status, "none"),
                    "project": estate.project_code,
                    "year": estate.project_created.year if estate.project_created else None,
                    "url": reverse("disclosure:project", args=[estate.project_code]) if estate.project_code else None,
                },
            }
        )
    outlines = []
    for pk, points in by_street.items():
        ring = _hull(points)
        if ring:
            street = streets[pk]
            outlines.append(
                {
                    "type": "Feature",
                    "id": f"street-{street.code}",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "kind": "street",
                        "street": street.code,
                        "street_name": street.name,
                        "boundary": "convex_hull_of_estates",
                    },
                }
            )
    return {"type": "FeatureCollection", "features": outlines + features}


def workloads() -> dict[str, dict]:
    """The bureau's layer, per estate code: approval matters past their day and complaints still
    open (two queries)."""
    today = timezone.localdate()
    loads: dict[str, dict] = defaultdict(dict)
    late = Review.objects.filter(status=Review.Status.PENDING, due_on__lt=today)
    for row in late.values("submission__project__estate__code").annotate(n=Count("id")).order_by():
        loads[row["submission__project__estate__code"]]["late_matters"] = row["n"]
    open_complaints = Complaint.objects.filter(status__in=OPEN_STATUSES)
    for row in open_complaints.values("project__estate__code").annotate(n=Count("id")).order_by():
        loads[row["project__estate__code"]]["open_complaints"] = row["n"]
    return dict(loads)
