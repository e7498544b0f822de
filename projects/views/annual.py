"""The year's plan (年度项目库) and the negative list (负面清单): the years, one year's entries with
the street office's proposals and the bureau's answers, and the list the bureau keeps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import annual, permissions
from .. import services as project_services
from ..annual_forms import EntryDecisionForm, ExclusionForm, OpenYearForm, ProposeForm
from ..models import AnnualPlan, ExcludedSpending, PlanEntry

ERRORS = project_services.ANNUAL_ERRORS


@require_http_methods(["GET", "POST"])
def years(request):
    may_open = permissions.can_open_year(request.user)
    form = OpenYearForm(request.POST or None) if may_open else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(ERRORS["not_allowed"])
        if form.is_valid():
            try:
                plan = project_services.annual_plan_open(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The plan is open: street offices may propose their estates."))
                return redirect("projects:annual_plan", plan.year)
    return render(
        request,
        "projects/annual_years.html",
        {"years": annual.years(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _decide_forms(request, entries, failed=None, failed_form=None):
    for entry in entries:
        entry.form = None
        if permissions.can_decide_entry(request.user, entry):
            mine = failed is not None and entry.pk == failed.pk
            entry.form = failed_form if mine else EntryDecisionForm(prefix=f"e{entry.pk}")
        entry.may_withdraw = permissions.can_withdraw_entry(request.user, entry)


@require_http_methods(["GET", "POST"])
def year(request, year: int):  # noqa: C901 - one page: the entries, a proposal, the bureau's answers
    plan = get_object_or_404(AnnualPlan, year=year)
    action = request.POST.get("action") if request.method == "POST" else None
    propose_form = None
    if plan.status == AnnualPlan.Status.OPEN and permissions.may_propose(request.user):
        propose_form = ProposeForm(
            request.POST if action == "propose" else None, projects=annual.proposable(request.user, plan)
        )
    failed = failed_form = None
    if request.method == "POST":
        try:
            if action == "propose":
                if propose_form is None:
                    raise PermissionDenied(ERRORS["not_allowed"])
                if propose_form.is_valid():
                    project_services.plan_entry_propose(plan=plan, actor=request.user, **propose_form.cleaned_data)
                    messages.success(request, _("Proposed: the housing bureau confirms or declines it."))
                    return redirect("projects:annual_plan", plan.year)
            elif action in ("decide", "withdraw"):
                failed = get_object_or_404(
                    PlanEntry.objects.select_related("project__estate__community"),
                    plan=plan,
                    pk=request.POST.get("entry") if str(request.POST.get("entry", "")).isdigit() else 0,
                )
                if action == "withdraw":
                    project_services.plan_entry_withdraw(entry=failed, actor=request.user)
                    messages.success(request, _("The proposal is withdrawn."))
                    return redirect("projects:annual_plan", plan.year)
                failed_form = EntryDecisionForm(request.POST, prefix=f"e{failed.pk}")
                if not permissions.keeps_the_plan(request.user):
                    raise PermissionDenied(ERRORS["not_allowed"])
                if failed_form.is_valid():
                    confirm = failed_form.cleaned_data["decision"] == "confirm"
                    project_services.plan_entry_decide(
                        entry=failed, actor=request.user, confirm=confirm, answer=failed_form.cleaned_data["answer"]
                    )
                    messages.success(request, _("The decision is recorded. The street office is told."))
                    return redirect("projects:annual_plan", plan.year)
            elif action == "close":
                project_services.annual_plan_close(plan=plan, actor=request.user)
                messages.success(request, _("The plan is closed to new proposals."))
                return redirect("projects:annual_plan", plan.year)
            else:
                raise PermissionDenied(ERRORS["not_allowed"])
        except ValidationError as error:
            target = propose_form if action == "propose" else failed_form
            if target is not None:
                form_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
    entries = annual.entries_of(plan, request.user)
    _decide_forms(request, entries, failed, failed_form)
    if failed_form is not None and failed_form.errors and all(e.pk != failed.pk or e.form is None for e in entries):
        messages.error(request, " ".join(failed_form.non_field_errors()))
    return render(
        request,
        "projects/annual_year.html",
        {
            "plan": plan,
            "entries": entries,
            "propose_form": propose_form,
            "may_close": permissions.can_close_year(request.user, plan),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def negative_list(request):
    may_keep = permissions.can_keep_negative_list(request.user)
    editing = None
    if may_keep and request.GET.get("edit", "").isdigit():
        editing = get_object_or_404(ExcludedSpending, pk=int(request.GET["edit"]))
    initial = None
    if editing is not None:
        initial = {
            "name": editing.name,
            "reason": editing.reason,
            "keywords": editing.keywords,
            "items": list(editing.items.values_list("pk", flat=True)),
        }
    form = ExclusionForm(request.POST or None, initial=initial) if may_keep else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(ERRORS["not_allowed"])
        if form.is_valid():
            try:
                project_services.exclusion_save(actor=request.user, exclusion=editing, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The negative list is saved."))
                return redirect("projects:negative_list")
    return render(
        request,
        "projects/negative_list.html",
        {"rules": annual.negative_list(), "form": form, "editing": editing},
        status=400 if request.method == "POST" else 200,
    )
