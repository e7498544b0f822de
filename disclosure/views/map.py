"""The city on a map (issue 22 item 4): the page, its GeoJSON, and the bureau's workloads."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.replica import replica_ok
from projects.canonical import canonical_json
from projects.models import Project
from stakeholders.models import Street

from .. import geo, permissions


@replica_ok
@require_safe
def estates_geojson(request):
    """RFC 7946 GeoJSON (media type application/geo+json), open to anyone, cacheable."""
    response = HttpResponse(canonical_json(geo.estates_geojson()), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@replica_ok
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
                "workloads": reverse("disclosure:map_workloads") if permissions.can_see_workloads(request.user) else "",
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


@replica_ok
@require_safe
def map_workloads(request):
    """The bureau's layer: per estate, approval matters past their day and complaints still open."""
    if not permissions.can_see_workloads(request.user):
        raise PermissionDenied(_("The workloads are for the housing bureau."))
    response = JsonResponse(geo.workloads())
    response["Cache-Control"] = "private, no-store"
    return response
