"""The city on a map (issue 22 item 4): the page, its GeoJSON, and the bureau's workloads."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from approvals.models import Review
from feedback.lifecycle import OPEN_STATUSES
from feedback.models import Complaint
from projects.canonical import canonical_json
from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Street

from .. import geo


@require_safe
def estates_geojson(request):
    """RFC 7946 GeoJSON (media type application/geo+json), open to anyone, cacheable."""
    response = HttpResponse(canonical_json(geo.estates_geojson()), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _may_see_workloads(user) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


@require_safe
def city_map(request):
    stages = [(code, colour, _label(code)) for code, (colour, _statuses) in geo.STAGES.items()]
    return _render_map(request, stages)


def _label(stage: str) -> str:
    return {
        "none": _("No public project"),
        "preparing": _("Accepted, planning or voting"),
        "approved": _("Plan adopted or budget approved"),
        "building": _("Contracted or under construction"),
        "done": _("Completed or maintained"),
    }[stage]


def _render_map(request, stages):
    response = render(
        request,
        "disclosure/map.html",
        {
            "stages": stages,
            "streets": Street.objects.order_by("district", "name"),
            "statuses": [(s.value, s.label) for s in Project.Status],
            "map_config": {
                "geojson": reverse("disclosure:estates_geojson"),
                "tiles": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
                "workloads": reverse("disclosure:map_workloads") if _may_see_workloads(request.user) else "",
                "colours": {code: colour for code, colour, _l in stages},
                "labels": {
                    "open": _("Open the project's page"),
                    "no_project": _("No public project yet"),
                    "late_matters": _("approval matters late"),
                    "open_complaints": _("open complaints"),
                    "shown": _("%(n)s estates shown"),
                    "statuses": {s.value: str(s.label) for s in Project.Status},
                },
            },
        },
    )
    if settings.MAP_TILE_URL:  # the tile server's images, on this page only
        response._csp_update = {"img-src": ["{0.scheme}://{0.netloc}".format(urlsplit(settings.MAP_TILE_URL))]}
    return response


@require_safe
def map_workloads(request):
    """The bureau's layer: per estate, approval matters past their day and complaints still open."""
    if not _may_see_workloads(request.user):
        raise PermissionDenied(_("The workloads are for the housing bureau."))
    today = timezone.localdate()
    loads: dict[str, dict] = {}
    for row in (
        Review.objects.filter(status=Review.Status.PENDING, due_on__lt=today)
        .values("submission__project__estate__code")
        .annotate(n=Count("id"))
        .order_by()
    ):
        loads.setdefault(row["submission__project__estate__code"], {})["late_matters"] = row["n"]
    for row in (
        Complaint.objects.filter(status__in=OPEN_STATUSES)
        .values("project__estate__code")
        .annotate(n=Count("id"))
        .order_by()
    ):
        loads.setdefault(row["project__estate__code"], {})["open_complaints"] = row["n"]
    response = JsonResponse(loads)
    response["Cache-Control"] = "private, no-store"
    return response
