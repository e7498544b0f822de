"""The integrity channel's pages (issue 21 item 3): the report form and the tracking page need no
sign-in; the inspection desk is for the discipline-inspection office (which answers) and the
housing bureau (which reads); the street office has no page here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_errors
from core.throttle import page_throttle
from projects import selectors as project_selectors
from projects.models import Project
from stakeholders import permissions as stakeholder_permissions

from . import permissions, services
from .integrity_forms import IntegrityAnswerForm, IntegrityMessageForm, IntegrityReportForm, TrackingCodeForm
from .models import IntegrityReport


def _private(response):
    patch_cache_control(response, private=True, no_store=True)  # a code or a report: never cached
    return response


def _project_from(request) -> Project | None:
    code = (request.GET.get("project") or request.POST.get("project") or "")[:60]
    if not code:
        return None
    return project_selectors.public_projects().filter(code=code).first()


@require_http_methods(["GET", "HEAD", "POST"])
@page_throttle("integrity_file", when=lambda request: request.method == "POST")
def integrity_new(request):
    signed_in = stakeholder_permissions.is_resident(request.user)
    project = _project_from(request)
    initial = {"street": project.estate.community.street_id} if project else {}
    form = IntegrityReportForm(request.POST or None, signed_in=signed_in, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, code = services.integrity_file(
                kind=data["kind"],
                street=data["street"],
                text=data["text"],
                project=project,
                contact=data["contact"],
                actor=request.user,
                link_account=data.get("link_account", False),
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            return _private(render(request, "feedback/integrity_filed.html", {"report": report, "code": code}))
    status = 400 if form.is_bound and form.errors else 200
    return _private(render(request, "feedback/integrity_new.html", {"form": form, "project": project}, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
@page_throttle("integrity_track", when=lambda request: request.method == "POST")
def integrity_track(request):
    """The reporter types the tracking code (sent by POST, never in an address) and reads the state,
    the office's answer and the messages; they may add to the report until it is closed."""
    form = TrackingCodeForm(request.POST or None)
    report, message_form, status = None, None, 200
    if request.method == "POST" and form.is_valid():
        report = services.integrity_by_code(form.cleaned_data["code"])
        if report is None:
            form.add_error(
                "code", _("No report has this tracking code. Check it (16 letters and digits, in groups of four).")
            )
            status = 404
        elif "text" in request.POST:
            message_form = IntegrityMessageForm(request.POST)
            if message_form.is_valid():
                try:
                    services.integrity_write_by_code(report=report, text=message_form.cleaned_data["text"])
                except ValidationError as error:
                    form_errors(message_form, error)
                    status = 400
                else:
                    messages.success(request, _("Added to your report. The office is told."))
                    message_form = IntegrityMessageForm()
            else:
                status = 400
    if report is not None:
        message_form = message_form or (IntegrityMessageForm() if permissions.can_write_by_code(report) else None)
        report.thread = list(report.messages.order_by("written_at", "id"))
    context = {"form": form, "report": report, "message_form": message_form}
    return _private(render(request, "feedback/integrity_track.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD"])
def integrity_desk(request):
    if not permissions.may_read_integrity_reports(request.user):
        raise PermissionDenied(_("The discipline-inspection office and the housing bureau read integrity reports."))
    reports = IntegrityReport.objects.select_related("street", "project__estate").order_by("-filed_at", "-id")
    wanted = request.GET.get("status", "")
    if wanted in IntegrityReport.Status.values:
        reports = reports.filter(status=wanted)
    return render(
        request,
        "feedback/integrity_desk.html",
        {"reports": reports[:200], "statuses": IntegrityReport.Status.choices, "wanted": wanted},
    )


def _readable(request, pk: int) -> IntegrityReport:
    if not permissions.may_read_integrity_reports(request.user):
        raise Http404  # nobody else learns that the report exists
    return get_object_or_404(
        IntegrityReport.objects.select_related("street", "project__estate", "reporter", "agency"), pk=pk
    )


def _report_page(request, report, *, answer_form=None, status=200):
    user = request.user
    context = {
        "report": report,
        "thread": list(report.messages.order_by("written_at", "id")),
        "sees_reporter": permissions.can_see_integrity_reporter(user, report),
        "can_acknowledge": permissions.can_acknowledge_integrity(user, report),
        "can_close": permissions.can_close_integrity(user, report),
        "answer_form": (answer_form or IntegrityAnswerForm())
        if permissions.can_answer_integrity(user, report)
        else None,
    }
    return _private(render(request, "feedback/integrity_report.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD"])
def integrity_report(request, pk: int):
    return _report_page(request, _readable(request, pk))


@login_required
@require_POST
def integrity_act(request, pk: int):
    report = _readable(request, pk)
    action = request.POST.get("action")
    if action == "acknowledge":
        services.integrity_acknowledge(report=report, actor=request.user)
        messages.success(request, _("Taken on. The reporter sees it through the tracking code."))
    elif action == "close":
        services.integrity_close(report=report, actor=request.user)
        messages.success(request, _("Closed."))
    elif action == "answer":
        form = IntegrityAnswerForm(request.POST)
        if not form.is_valid():
            return _report_page(request, report, answer_form=form, status=400)
        try:
            services.integrity_answer(report=report, actor=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form_errors(form, error)
            return _report_page(request, report, answer_form=form, status=400)
        messages.success(request, _("Answered. The reporter reads it through the tracking code."))
    else:
        raise PermissionDenied(services.INTEGRITY_ERRORS["not_allowed"])
    return redirect("feedback:integrity_report", pk=report.pk)
