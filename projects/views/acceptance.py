"""竣工验收 as art. 16 has it (issue 20 item 2): the acceptance page (the reports, who signed, the
punch list), the contractor's completion report, each signer's decision and the contractor's fixes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.files import private_file_response
from core.forms import form_errors

from .. import after_build, permissions, selectors, services
from ..acceptance_forms import AcceptanceForm, CompletionReportForm, DefectFixForm
from ..models import AcceptanceSignature, CompletionReport, Defect, PlanItem


def _items(project) -> list[PlanItem]:
    return list(after_build.adopted_items(project))


def _sign_forms(user, project, items, bound=None) -> list:
    """(role, form) for each role the user may still sign in; `bound` is the form just posted."""
    forms = []
    for role in permissions.acceptance_roles(user, project):
        if bound is not None and bound.data.get("role") == role:
            forms.append((AcceptanceSignature.Role(role), bound))
            continue
        forms.append(
            (
                AcceptanceSignature.Role(role),
                AcceptanceForm(
                    initial={"role": role},
                    items=items,
                    refuse=permissions.can_refuse_acceptance(role),
                    auto_id=f"id_accept_{role}_%s",
                ),
            )
        )
    return forms


def _page(request, project, *, bound=None, fix_forms=None, status=200):
    user = request.user
    items = _items(project)
    reports = after_build.acceptance_record(project)
    current = reports[0] if reports else None
    after_build.with_ledger_spending(project, current)
    required = permissions.required_acceptance_roles(project)
    signed = {s.role: s for s in current.signatures.all()} if current is not None else {}
    fix_forms = fix_forms or {}
    open_defects = [d for report in reports for d in report.defects.all() if d.fixed_at is None]
    if permissions.can_fix_defects(user, project):  # decided once for the list: the open ones are fixable
        for defect in open_defects:
            defect.fix_form = fix_forms.get(defect.pk) or DefectFixForm(auto_id=f"id_fix_{defect.pk}_%s")
    return render(
        request,
        "projects/acceptance.html",
        {
            "project": project,
            "reports": reports,
            "current": current,
            "signers": [(AcceptanceSignature.Role(role), signed.get(role)) for role in required],
            "sign_forms": _sign_forms(user, project, items, bound),
            "can_file": permissions.can_file_completion_report(user, project),
            "open_defects": open_defects,
            "today": timezone.localdate(),
            "sees_document": permissions.can_view_project(user, project),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def acceptance(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    return _page(request, project)


@login_required
@require_http_methods(["POST"])
def acceptance_sign(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    role = request.POST.get("role", "")
    latest = selectors.latest_completion_report(project)
    if latest is not None and latest.signatures.filter(role=role, signed_by=request.user).exists():
        # A second tap, or a tap on a page opened before the first went through: one signature.
        messages.info(request, _("Your decision on this report was already recorded."))
        return redirect("projects:acceptance", code=project.code)
    if role not in AcceptanceSignature.Role.values or not permissions.can_sign_acceptance(request.user, project, role):
        raise PermissionDenied(services.ACCEPTANCE_ERRORS["not_allowed"])
    refuse = permissions.can_refuse_acceptance(role)
    form = AcceptanceForm(request.POST, items=_items(project), refuse=refuse, auto_id=f"id_accept_{role}_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.acceptance_sign(
                project=project,
                role=role,
                actor=request.user,
                opinion=data["opinion"],
                decision=data["decision"],
                defects=form.defects() if refuse else (),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            project.refresh_from_db()
            if data["decision"] == AcceptanceSignature.Decision.REFUSE:
                messages.success(request, _("Refusal recorded: the defects went to the contractor as a punch list."))
            elif project.status == project.Status.COMPLETED:
                messages.success(
                    request, _("Every signer agreed: the works are accepted and the project is completed.")
                )
            else:
                messages.success(request, _("Your signature on the completion acceptance is recorded."))
            return redirect("projects:acceptance", code=project.code)
    return _page(request, project, bound=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def completion_report(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_file_completion_report(request.user, project):
        if permissions.is_project_contractor(request.user, project) and permissions.filed_report(project):
            messages.info(request, _("A completion report already waits for the signatures."))
            return redirect("projects:acceptance", code=project.code)
        raise PermissionDenied(services.ACCEPTANCE_ERRORS["report_not_allowed"])
    items = _items(project)
    previous = CompletionReport.objects.filter(project=project).prefetch_related("lines").order_by("-number").first()
    form = CompletionReportForm(request.POST or None, request.FILES or None, items=items, previous=previous)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.completion_report_file(
                    project=project,
                    actor=request.user,
                    scope_done=data["scope_done"],
                    lines=form.lines(items),
                    exception=data["exception"],
                    document=data["document"],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Completion report no. %(number)s filed: the signers have been told.")
                    % {"number": report.number},
                )
                return redirect("projects:acceptance", code=project.code)
    gaps = services.completion_gaps(project)
    return render(
        request,
        "projects/completion_report.html",
        {
            "project": project,
            "form": form,
            "gaps": gaps,
            "gap_words": services.gap_words(gaps),
            "previous": previous,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["POST"])
def defect_fix(request, pk: int):
    defect = get_object_or_404(Defect.objects.select_related("report__project__estate__community"), pk=pk)
    project = defect.report.project
    if not permissions.can_view_project(request.user, project):
        raise Http404
    if defect.fixed_at is not None and permissions.is_project_contractor(request.user, project):
        messages.info(request, _("This defect is already marked fixed."))
        return redirect(reverse("projects:acceptance", args=[project.code]) + "#punch-list")
    if not permissions.can_fix_defect(request.user, defect):
        raise PermissionDenied(services.ACCEPTANCE_ERRORS["fix_not_allowed"])
    form = DefectFixForm(request.POST, auto_id=f"id_fix_{defect.pk}_%s")
    if form.is_valid():
        try:
            services.defect_fix(defect=defect, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Marked fixed. The signers will check it at the next acceptance."))
            return redirect(reverse("projects:acceptance", args=[project.code]) + "#punch-list")
    return _page(request, project, fix_forms={defect.pk: form}, status=400)


@login_required
@require_http_methods(["GET"])
def completion_document(request, pk: int):
    report = get_object_or_404(CompletionReport.objects.select_related("project__estate"), pk=pk)
    if not permissions.can_view_completion_document(request.user, report):
        raise Http404
    return private_file_response(
        report.document, content_type=report.document_content_type, download_name=f"completion-{report.pk}"
    )
