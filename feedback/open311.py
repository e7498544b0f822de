"""Open311 GeoReport v2 for complaints (/open311/v2/): services (the complaint categories) and
service requests (complaints), in JSON and in XML (the spec's required format).

Public reads carry no personal data: no description (residents' words), no names, no photo links;
fund-use and integrity tips are not listed at all (whoever answers them). POST requests.json files a
complaint through feedback.services.complaint_file, authenticated by an API token (`api_key` field
or `Authorization: Token <key>`); the place is `address_id` (the project code), or `lat`/`long`, or
`address_string` — as the spec allows. Errors are the spec's `[{"code", "description"}]`, also for
unknown URLs under /open311/ (portal.views.not_found).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.api_tokens import user_of_key

from . import services
from .lifecycle import CONFIDENTIAL_CATEGORIES, OPEN_STATUSES, ROUTES
from .models import Complaint

MAX_WINDOW_DAYS = 90
MAX_DESCRIPTION = 4000


def _services() -> list[dict]:
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": code,
            "group": ROUTES[code],
        }
        for code, label in Complaint.Category.choices
        if code not in CONFIDENTIAL_CATEGORIES  # they go to the integrity channel (issue 21 item 3)
    ]


def _xml(root_name: str, item_name: str, items: list[dict]) -> HttpResponse:
    root = ElementTree.Element(root_name)
    for item in items:
        node = ElementTree.SubElement(root, item_name)
        for key, value in item.items():
            child = ElementTree.SubElement(node, key)
            if isinstance(value, list):
                for v in value:
                    ElementTree.SubElement(child, "attribute").text = str(v)
            else:
                child.text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _respond(fmt: str, root: str, item: str, items: list[dict], status: int = 200):
    if fmt == "xml":
        response = _xml(root, item, items)
        response.status_code = status
        return response
    return JsonResponse(items, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, code: int, description: str):
    return _respond(fmt, "errors", "error", [{"code": code, "description": str(description)}], status=code)


def error_for_path(path: str, code: int, description: str):
    """The spec's error body for any URL under /open311/ (XML when the path asks for it)."""
    return _error("xml" if path.endswith(".xml") else "json", code, description)


def discovery(request, fmt: str):
    """GeoReport v2 service discovery: where the endpoint is and what it speaks."""
    base = request.build_absolute_uri("/open311/v2/")
    document = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": str(_("The street office of your estate, through the portal's complaints page.")),
        "key_service": str(_("Sign in to the portal and create an API token (docs/api.md).")),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    if fmt == "xml":
        root = ElementTree.Element("discovery")
        for key in ("changeset", "contact", "key_service"):
            ElementTree.SubElement(root, key).text = document[key]
        endpoints = ElementTree.SubElement(root, "endpoints")
        for endpoint in document["endpoints"]:
            node = ElementTree.SubElement(endpoints, "endpoint")
            for key, value in endpoint.items():
                if key == "formats":
                    formats = ElementTree.SubElement(node, "formats")
                    for f in value:
                        ElementTree.SubElement(formats, "format").text = f
                else:
                    ElementTree.SubElement(node, key).text = value
        return HttpResponse(
            b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="utf-8"),
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def services_list(request, fmt: str):
    return _respond(fmt, "services", "service", _services())


def service_definition(request, code: str, fmt: str):
    if code not in Complaint.Category.values:
        return _error(fmt, 404, _("No service has this code."))
    document = {"service_code": code, "attributes": []}
    if fmt == "xml":
        root = ElementTree.Element("service_definition")
        ElementTree.SubElement(root, "service_code").text = code
        ElementTree.SubElement(root, "attributes")
        return HttpResponse(
            b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="utf-8"),
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def _iso(dt) -> str | None:
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def _public_request(c: Complaint) -> dict:
    estate = c.project.estate
    updated = max(d for d in (c.filed_at, c.acknowledged_at, c.resolved_at, c.closed_at, c.escalated_at) if d)
    return {
        "service_request_id": str(c.pk),
        "status": "open" if c.status in OPEN_STATUSES else "closed",
        "status_notes": str(c.get_status_display()),
        "service_name": str(c.get_category_display()),
        "service_code": c.category,
        "agency_responsible": c.agency.name,
        "service_notice": "",
        "requested_datetime": _iso(c.filed_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(c.resolve_due if c.status in OPEN_STATUSES else None),
        "address": estate.address,
        "address_id": c.project.code,
        "zipcode": "",
        # Numbers, as the spec's examples have them: the estate's point (the filer's own is not published).
        "lat": float(estate.latitude) if estate.latitude is not None else None,
        "long": float(estate.longitude) if estate.longitude is not None else None,
        "media_url": "",
    }


def _public_queryset():
    return Complaint.objects.exclude(category__in=CONFIDENTIAL_CATEGORIES).select_related("project__estate", "agency")


def _parse(value: str | None):
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@csrf_exempt
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return _error(fmt, 405, _("Use GET or POST."))
    qs = _public_queryset()
    if request.GET.get("service_request_id"):
        # The spec: given ids, every other filter is ignored.
        ids = [
            i.strip()
            for i in request.GET["service_request_id"].split(",")
            if i.strip().isdigit() and len(i.strip()) < 12
        ]
        items = [_public_request(c) for c in qs.filter(pk__in=ids).order_by("-filed_at", "-id")]
        return _respond(fmt, "service_requests", "request", items)
    try:
        start, end = _parse(request.GET.get("start_date")), _parse(request.GET.get("end_date"))
    except (ValueError, OverflowError):
        return _error(fmt, 400, _("Dates are ISO 8601 (e.g. 2026-11-01T00:00:00+08:00)."))
    end = end or timezone.now()
    start = start or end - timedelta(days=MAX_WINDOW_DAYS)
    if end < start or end - start > timedelta(days=MAX_WINDOW_DAYS):
        return _error(fmt, 400, _("start_date and end_date span at most 90 days."))
    qs = qs.filter(filed_at__gte=start, filed_at__lte=end)
    if request.GET.get("service_code"):
        qs = qs.filter(category__in=request.GET["service_code"].split(","))
    statuses = {s.strip() for s in (request.GET.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        return _error(fmt, 400, _("status is open, closed, or both (open,closed)."))
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    items = [_public_request(c) for c in qs.order_by("-filed_at", "-id")[:1000]]
    return _respond(fmt, "service_requests", "request", items)


def request_detail(request, pk: int, fmt: str):
    complaint = _public_queryset().filter(pk=pk).first() if len(str(pk)) < 12 else None
    if complaint is None:
        return _error(fmt, 404, _("No public service request has this id."))
    return _respond(fmt, "service_requests", "request", [_public_request(complaint)])


def _user_from_token(request):
    key = request.POST.get("api_key") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Token "):
        key = header[6:].strip()
    return user_of_key(key)


def _create(request, fmt: str):
    user = _user_from_token(request)
    if user is None:
        return _error(fmt, 403, _("A valid api_key (your API token) is required to file a request."))
    code = request.POST.get("service_code", "")
    if code not in Complaint.Category.values:
        return _error(fmt, 400, _("service_code is one of the codes of services.json."))
    description = (request.POST.get("description") or "").strip()
    if not description or len(description) > MAX_DESCRIPTION:
        return _error(fmt, 400, _("description is required, at most 4,000 characters."))
    try:
        point = _point(request.POST.get("lat"), request.POST.get("long"))
    except ValueError:
        return _error(fmt, 400, _("lat and long are WGS 84 degrees, e.g. lat=22.817 long=108.336."))
    address = (request.POST.get("address_string") or "").strip()[:200]
    project = _project_for(user, request.POST.get("address_id", ""), point, address)
    if project is None:
        return _error(
            fmt,
            400,
            _(
                "Say where: address_id (the code of a project of your estate), lat and long inside your estate, "
                "or address_string naming it."
            ),
        )
    media_url = (request.POST.get("media_url") or "").strip()
    try:
        complaint = services.complaint_file(
            project=project,
            actor=user,
            category=code,
            text=description,
            location=address,
            photos=request.FILES.getlist("media"),
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            media_url=media_url,
        )
    except PermissionDenied as denied:
        return _error(fmt, 403, str(denied))
    except ValidationError as error:
        return _error(fmt, 400, " ".join(error.messages))
    items = [{"service_request_id": str(complaint.pk), "service_notice": "", "account_id": ""}]
    return _respond(fmt, "service_requests", "request", items, status=201)


def _point(lat: str | None, lng: str | None) -> tuple[Decimal, Decimal] | None:
    if not lat and not lng:
        return None
    try:
        point = (Decimal(lat).quantize(Decimal("0.000001")), Decimal(lng).quantize(Decimal("0.000001")))
    except (InvalidOperation, TypeError):
        raise ValueError from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ValueError
    return point


# How far from an estate's point a request may be and still be taken as about that estate (degrees;
# about 1 km at Nanning's latitude: old estates are small and close together).
NEAR_DEGREES = Decimal("0.01")


def _project_for(user, address_id: str, point, address: str) -> Project | None:
    """The project of one of the user's estates the request is about: by its code, else by the point
    (the nearest of their estates within NEAR_DEGREES), else by the estate's name or address in
    address_string, else their only one."""
    projects = list(
        Project.objects.filter(estate_id__in=stakeholder_permissions.claimed_estate_ids(user))
        .select_related("estate__community")
        .order_by("estate_id", "-created_at")
    )
    latest = {}
    for project in projects:
        latest.setdefault(project.estate_id, project)
    if address_id:
        return next((p for p in projects if p.code == address_id), None)
    candidates = list(latest.values())
    if point is not None:
        near = [
            (abs(p.estate.latitude - point[0]) + abs(p.estate.longitude - point[1]), p)
            for p in candidates
            if p.estate.latitude is not None
            and p.estate.longitude is not None
            and abs(p.estate.latitude - point[0]) <= NEAR_DEGREES
            and abs(p.estate.longitude - point[1]) <= NEAR_DEGREES
        ]
        return min(near, key=lambda pair: pair[0])[1] if near else None
    if address:
        named = [
            p for p in candidates if p.estate.name in address or (p.estate.address and p.estate.address in address)
        ]
        if len(named) == 1:
            return named[0]
    return candidates[0] if len(candidates) == 1 else None
