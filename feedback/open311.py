"""Open311 GeoReport v2 for complaints (/open311/v2/): services (the complaint categories) and
service requests (complaints), in JSON and in XML (the spec's required format).

Public reads carry no personal data: no description (residents' words), no names; complaints routed
to the street office only (fund use, integrity tips) are not listed at all. POST requests.json
files a complaint through feedback.services.complaint_file, authenticated by an API token
(`api_key` field or `Authorization: Token <key>`); `address_id` is the project code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree import ElementTree

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from projects.models import Project
from stakeholders import permissions as people

from . import services
from .lifecycle import CONFIDENTIAL_ROUTES, OPEN_STATUSES, ROUTES
from .models import Complaint

MAX_WINDOW_DAYS = 90
MAX_DESCRIPTION = 4000


def _services() -> list[dict]:
    return [
        {"service_code": code, "service_name": str(label), "description": str(label), "metadata": False, "type": "realtime",
         "keywords": code, "group": ROUTES[code]}
        for code, label in Complaint.Category.choices
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
    return _respond(fmt, "errors", "error", [{"code": code, "description": description}], status=code)


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
        return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="utf-8"), content_type="text/xml; charset=utf-8")
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
        "lat": str(estate.latitude) if estate.latitude is not None else None,
        "long": str(estate.longitude) if estate.longitude is not None else None,
        "media_url": "",
    }


def _public_queryset():
    return Complaint.objects.exclude(route__in=CONFIDENTIAL_ROUTES).select_related("project__estate", "agency")


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
    try:
        start, end = _parse(request.GET.get("start_date")), _parse(request.GET.get("end_date"))
    except ValueError:
        return _error(fmt, 400, _("Dates are ISO 8601 (e.g. 2026-11-01T00:00:00+08:00)."))
    end = end or timezone.now()
    start = start or end - timedelta(days=MAX_WINDOW_DAYS)
    if end < start or end - start > timedelta(days=MAX_WINDOW_DAYS):
        return _error(fmt, 400, _("start_date and end_date span at most 90 days."))
    qs = qs.filter(filed_at__gte=start, filed_at__lte=end)
    if request.GET.get("service_request_id"):
        ids = [i for i in request.GET["service_request_id"].split(",") if i.strip().isdigit()]
        qs = qs.filter(pk__in=ids)
    if request.GET.get("service_code"):
        qs = qs.filter(category__in=request.GET["service_code"].split(","))
    status = request.GET.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif status:
        return _error(fmt, 400, _("status is open or closed."))
    items = [_public_request(c) for c in qs.order_by("-filed_at", "-id")[:1000]]
    return _respond(fmt, "service_requests", "request", items)


def request_detail(request, pk: int, fmt: str):
    complaint = _public_queryset().filter(pk=pk).first()
    if complaint is None:
        return _error(fmt, 404, _("No public service request has this id."))
    return _respond(fmt, "service_requests", "request", [_public_request(complaint)])


def _user_from_token(request):
    key = request.POST.get("api_key") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Token "):
        key = header[6:].strip()
    token = Token.objects.select_related("user").filter(key=key).first() if key else None
    return token.user if token and token.user.is_active else None


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
    projects = Project.objects.filter(estate_id__in=people.claimed_estate_ids(user)).select_related("estate__community")
    address_id = request.POST.get("address_id", "")
    project = projects.filter(code=address_id).first() if address_id else None
    if project is None:
        return _error(fmt, 400, _("address_id is the code of a project of your estate."))
    location = (request.POST.get("address_string") or "")[:200]
    try:
        complaint = services.complaint_file(project=project, actor=user, category=code, text=description, location=location,
                                            photos=request.FILES.getlist("media"))
    except services.PermissionDenied as denied:
        return _error(fmt, 403, str(denied))
    except services.ValidationError as error:
        return _error(fmt, 400, " ".join(error.messages))
    items = [{"service_request_id": str(complaint.pk), "service_notice": "", "account_id": ""}]
    return _respond(fmt, "service_requests", "request", items, status=201)
