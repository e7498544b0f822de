"""The utilities' shares of a budget (issue 22 item 1): the street office names them on the
project's page of shares; each utility answers on its desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_errors
from projects import selectors as project_selectors

from .. import permissions, services
from .. import selectors as pub
from .. import utilities as reads
from ..forms import UtilityDecisionForm, UtilityShareForm
from ..models import UtilityShare


@login_required
@require_http_methods(["GET", "POST"])
def budget_utilities(request, code: str):
    project = get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)
    budget = pub.budget_of(project)
    if budget is None:
        raise Http404
    may_name = permissions.can_name_utility_shares(request.user, budget)
    form = UtilityShareForm(request.POST if request.POST.get("action") == "set" else None) if may_name else None
    if request.method == "POST":
        if not may_name:
            raise PermissionDenied(services.UTILITY_ERRORS["not_allowed"])
        try:
            if request.POST.get("action") == "remove":
                share = get_object_or_404(UtilityShare, budget=budget, pk=request.POST.get("share") or 0)
                services.utility_share_remove(share=share, actor=request.user)
                messages.success(request, _("The share is removed."))
                return redirect("disclosure:budget_utilities", code)
            if form.is_valid():
                services.utility_share_set(budget=budget, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The share is saved: the utility is asked to confirm it."))
                return redirect("disclosure:budget_utilities", code)
        except ValidationError as error:
            form_errors(form, error)
    return render(
        request,
        "disclosure/budget_utilities.html",
        {
            "project": project,
            "budget": budget,
            "line": services.utility_line(budget),
            "shares": reads.shares_of(budget),
            "problems": services.utility_problems(budget),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _desk(request, failed: UtilityShare | None = None, failed_form=None, status=200):
    waiting = reads.waiting_for(request.user)
    for share in waiting:  # a form for each share the user's utility answers (admins read)
        share.form = None
        if permissions.can_decide_utility_share(request.user, share):
            mine = failed is not None and share.pk == failed.pk
            share.form = failed_form if mine else UtilityDecisionForm(prefix=f"s{share.pk}")
    if failed is not None and all(s.pk != failed.pk for s in waiting):  # answered meanwhile: say so
        messages.error(request, " ".join(failed_form.non_field_errors()))
    return render(
        request,
        "disclosure/utility_desk.html",
        {"waiting": waiting, "answered": reads.answered_by(request.user)},
        status=status,
    )


@login_required
def utility_desk(request):
    if not permissions.may_use_utility_desk(request.user):
        raise PermissionDenied(services.UTILITY_ERRORS["decide_not_allowed"])
    return _desk(request)


@login_required
@require_POST
def utility_decide(request, pk: int):
    share = get_object_or_404(UtilityShare.objects.select_related("budget__project__estate", "organization"), pk=pk)
    if not permissions.can_see_utility_share(request.user, share):
        raise Http404
    form = UtilityDecisionForm(request.POST, prefix=f"s{share.pk}")
    if form.is_valid():
        try:
            services.utility_share_decide(share=share, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Your answer is recorded. The street office is told."))
            return redirect("disclosure:utility_desk")
    return _desk(request, share, form, status=400)
