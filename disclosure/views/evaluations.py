"""第三方评估 (issue 22 item 6): the evaluation desk (the bureau engages, the evaluator sees what it
covers), a project's evaluation page (public: the published reports; for the evaluator and the
bureau: the records, the visits, the report being written), and a published report's PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import private_file_response
from core.forms import form_errors
from projects import selectors as project_selectors
from projects.models import Project

from .. import evaluations, permissions, services
from ..evaluation_forms import EngageForm, ReportForm, VisitForm
from ..models import EvaluationReport

ERRORS = services.EVALUATION_ERRORS


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_desk(request):
    if not permissions.may_use_evaluation_desk(request.user):
        raise PermissionDenied(ERRORS["not_allowed"])
    form = EngageForm(request.POST or None) if permissions.can_engage(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(ERRORS["not_allowed"])
        if form.is_valid():
            data = form.cleaned_data
            project = None
            if data["project"]:
                project = Project.objects.filter(code=data["project"].strip()).first()
                if project is None:
                    form.add_error("project", ERRORS["no_project"])
            if not form.errors:
                try:
                    services.engagement_add(
                        actor=request.user,
                        evaluator=data["evaluator"],
                        project=project,
                        year=data["year"],
                        scope=data["scope"],
                    )
                except ValidationError as error:
                    form_errors(form, error)
                else:
                    messages.success(request, _("The evaluator is engaged and told."))
                    return redirect("disclosure:evaluation_desk")
    return render(
        request,
        "disclosure/evaluation_desk.html",
        {"engagements": evaluations.desk(request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def project_evaluation(request, code: str):  # noqa: C901 - one page: the public reports and the workspace
    project = project_selectors.readable_project(request.user, code)
    if project is None:
        raise Http404
    engagements = evaluations.engagements_covering(project)
    reads = permissions.can_read_evaluation_records(request.user, project, engagements)
    mine = permissions.engagement_for(request.user, project, engagements)
    reports = evaluations.reports_of(
        project, drafts_of=permissions.evaluator_ids(request.user) if reads else frozenset()
    )
    own = next((r for r in reports if mine is not None and r.engagement_id == mine.pk), None)
    may_write = permissions.can_write_evaluation(request.user, project, engagements, own)
    action = request.POST.get("action") if request.method == "POST" else None
    visit_form = VisitForm(request.POST if action == "visit" else None, prefix="visit") if may_write else None
    initial = None
    if own is not None:
        initial = {"findings": own.findings, **{f"score_{c}": v for c, v in own.scores.items()}}
    report_form = (
        ReportForm(request.POST if action == "report" else None, request.FILES or None, initial=initial)
        if may_write
        else None
    )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(ERRORS["not_allowed"])
        try:
            if action == "visit" and visit_form.is_valid():
                services.site_visit_record(project=project, actor=request.user, **visit_form.cleaned_data)
                messages.success(request, _("The visit is recorded."))
                return redirect("disclosure:evaluation", project.code)
            if action == "report" and report_form.is_valid():
                services.report_save(
                    project=project,
                    actor=request.user,
                    scores=report_form.scores(),
                    findings=report_form.cleaned_data["findings"],
                    document=report_form.cleaned_data["document"],
                )
                messages.success(request, _("The draft report is saved. Publish it when it is final."))
                return redirect("disclosure:evaluation", project.code)
            if action == "publish" and own is not None:
                services.report_publish(report=own, actor=request.user)
                messages.success(request, _("The report is published on the project's page."))
                return redirect("disclosure:evaluation", project.code)
            if action not in ("visit", "report"):
                raise PermissionDenied(ERRORS["not_allowed"])
        except ValidationError as error:
            target = visit_form if action == "visit" else report_form
            if action in ("visit", "report"):
                form_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
    return render(
        request,
        "disclosure/evaluation.html",
        {
            "project": project,
            "reports": reports,
            "records": evaluations.records(project) if reads else None,
            "engagements": engagements if reads else [],
            "visit_form": visit_form,
            "report_form": report_form,
            "own": own,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def report_document(request, pk: int):
    report = get_object_or_404(EvaluationReport.objects.select_related("project__estate"), pk=pk)
    if not report.document:
        raise Http404
    if report.status != EvaluationReport.Status.PUBLISHED:
        engagements = evaluations.engagements_covering(report.project)
        if not permissions.can_read_evaluation_records(request.user, report.project, engagements):
            raise Http404
    return private_file_response(report.document, content_type="application/pdf", download_name=f"evaluation-{pk}")
