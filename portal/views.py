from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.files import private_file_response
from core.forms import form_errors
from core.middleware import InvalidCharacter
from core.replica import keep_reading, replica_ok
from feedback.open311 import error_for_path

from . import dashboards, guides, permissions, selectors, services
from .exports import copy_stream, csv_stream
from .forms import AuditFilterForm, GuideForm, ReportFilterForm
from .models import ExportJob, GuidePage
from .reports import REPORTS, Filters


@require_safe
def home(request):
    """Anonymous visitors get the landing page; everyone else their role dashboard."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    return render(request, "portal/dashboard.html", dashboards.build(request.viewer))


# --- reports (/reports/) --------------------------------------------------------------------------------


def _may_export_or_403(user):
    if not permissions.may_export(user):
        raise PermissionDenied(services.ERRORS["not_allowed"])


def _filters(request, data=None) -> tuple[ReportFilterForm, Filters]:
    """The filter form (from `data`, the query string by default) and, when valid, the filters
    within the user's scope. A street outside the scope is a 404, like any object the user may
    not see."""
    scope = permissions.export_street_ids(request.user)
    data = request.GET if data is None else data
    form = ReportFilterForm(data or None, street_ids=scope)
    if form.is_bound and not form.is_valid():
        if "street" in form.errors:
            raise Http404(_("No street of yours has this number."))
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    street = data.get("street")
    return form, Filters(
        streets=scope,
        street=street.pk if street else None,
        status=data.get("status") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@require_safe
@login_required
def reports(request):
    _may_export_or_403(request.user)
    form, filters = _filters(request)
    query = request.GET.urlencode()
    return render(
        request,
        "portal/reports.html",
        {
            "form": form,
            "valid": filters is not None,
            "reports": list(REPORTS.values()),
            "query": query,
            "jobs": selectors.export_jobs_of(request.user),
            "city_wide": permissions.export_street_ids(request.user) is None,
        },
        status=200 if filters is not None else 400,
    )


def _report_or_404(code: str):
    report = REPORTS.get(code)
    if report is None:
        raise Http404(services.ERRORS["unknown_report"])
    return report


@replica_ok
@require_safe
@login_required
def report_csv(request, code: str):
    """Stream the report as CSV, straight from the database in constant memory: PostgreSQL's COPY
    where the report's columns allow it, a server-side cursor otherwise."""
    _may_export_or_403(request.user)
    report = _report_or_404(code)
    form, filters = _filters(request)
    if filters is None:  # the reports page shows what is wrong with the filters
        return redirect(f"{reverse('reports')}?{request.GET.urlencode()}")

    header = [str(h) for _c, h in report.columns]
    copy = report.copy_sql(filters)
    content = copy_stream(header, *copy) if copy else csv_stream(header, report.rows(filters))
    response = StreamingHttpResponse(keep_reading(content), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{report.code}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_xlsx(request, code: str):
    _may_export_or_403(request.user)
    report = _report_or_404(code)
    form, filters = _filters(request, request.POST)  # the filters travel in the form
    if filters is None:
        return redirect("reports")
    job = services.export_job_start(
        actor=request.user, report=report.code, filters=filters, language=translation.get_language()
    )
    return redirect("export_job", pk=job.pk)


@require_safe
@login_required
def export_job(request, pk):
    job = selectors.export_job_for(request.user, pk)
    if job is None:
        raise Http404
    context = {"job": job, "report": REPORTS.get(job.report), "give_up_minutes": settings.EXPORT_GIVE_UP_MINUTES}
    if request.headers.get("HX-Request"):
        return render(request, "portal/_export_job.html", context)
    return render(request, "portal/export_job.html", context)


@require_safe
@login_required
def export_download(request, pk):
    job = selectors.export_job_for(request.user, pk)
    if job is None:
        raise Http404
    if job.status != ExportJob.Status.DONE or not job.file:
        return HttpResponse(_("This file is not ready, or its kept time is over."), status=410)
    name = f"{job.report}-{timezone.localtime(job.finished_at).strftime('%Y%m%d-%H%M')}.xlsx"
    response = private_file_response(
        job.file, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download_name=name
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment", 1)
    return response


# --- the audit trail --------------------------------------------------------------------------------------

AUDIT_PER_PAGE = 50


@require_safe
@login_required
def audit(request):
    if not permissions.may_view_audit(request.user):
        raise PermissionDenied(_("The audit trail is for admins and the housing bureau."))
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(project_code=data.get("project", ""), username=data.get("user", ""))
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in data.items() if v})
    return render(
        request,
        "portal/audit.html",
        {"form": form, "page": page, "entries": selectors.audit_display(page.object_list), "page_query": query},
    )


@require_safe
def robots(request):
    """Search engines may read the public disclosure; accounts, the admin and the API are not for them."""

    lines = [
        "User-agent: *",
        "Allow: /disclosure/",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /reports/",
        "Disallow: /feedback/answer/",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """For clients that ask for /favicon.ico without reading the page's <link rel="icon">."""

    return HttpResponsePermanentRedirect(static("favicon.svg"))


def bad_request(request, exception=None):
    """400 in the format of where it was asked: the API's error body, Open311's, or a page. Only
    the portal's own refusals (core.middleware.InvalidCharacter) say more than "bad request"."""
    message = str(exception.message) if isinstance(exception, InvalidCharacter) else _("The request is not valid.")
    if request.path.startswith("/open311/"):
        return error_for_path(request.path, 400, message)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "bad_request", "message": message, "fields": {}},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400.html", {"message": message}, status=400)


def not_found(request, exception=None):
    """404: the API's error body under /api/ and /open311/, the portal's page elsewhere."""

    if request.path.startswith("/open311/"):
        return error_for_path(request.path, 404, _("Not found."))
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "fields": {}},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "404.html", status=404)


@require_safe
def guide_index(request):
    """政策与权利: every topic, in plain words."""
    return render(request, "portal/guides.html", {"guides": guides.guides()})


def guide_page(request, topic: str):
    if topic not in GuidePage.Topic.values:
        raise Http404
    can_edit = request.user.is_authenticated and permissions.can_edit_guides(request.user)
    current = guides.guide(topic)
    form = GuideForm(initial={"text": "\n\n".join(current.paragraphs)}) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(guides.ERRORS["not_allowed"])
        form = GuideForm(request.POST)
        if form.is_valid():
            try:
                guides.guide_publish(actor=request.user, topic=topic, text=form.cleaned_data["text"])
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The page is published."))
                return redirect("guide", topic=topic)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    return render(
        request,
        "portal/guide.html",
        {"guide": current, "form": form, "topics": GuidePage.Topic.choices},
        status=400 if form is not None and form.errors else 200,
    )
