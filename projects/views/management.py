"""建管一体 (issue 20): the management section of a plan version — its own page for the drafters
(phone-sized), shown on the plan page to everyone who reads the version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import permissions, services
from ..forms import ManagementForm
from ..models import PlanManagement
from .plans import _readable_version


def _initial(version) -> dict:
    management = PlanManagement.objects.filter(version=version).first()
    if management is None:
        return {}
    return {
        "operator": management.operator,
        "organization": management.organization_id,
        "service_level": management.service_level,
        "fee_per_m2_month": management.fee_per_m2_month,
        "sources": management.sources,
        "notes": management.notes,
        "contract_years": management.contract_years,
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_management(request, code: str, number: int):
    project, version = _readable_version(request, code, number)
    if not permissions.can_edit_plan_version(request.user, version):
        raise PermissionDenied(services.PLAN_ERRORS["not_allowed"])
    form, status = ManagementForm(initial=_initial(version)), 200
    if request.method == "POST":
        form = ManagementForm(request.POST)
        if form.is_valid():
            try:
                services.plan_management_save(version=version, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Management section saved: the owners vote on it with the plan."))
                return redirect(f"{reverse('projects:plan', args=[code, number])}#management")
            except ValidationError as error:
                form_errors(form, error)
        status = 400
    return render(
        request, "projects/plan_management.html", {"project": project, "version": version, "form": form}, status=status
    )
