"""Awarding the works (the completion acceptance is in acceptance.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors
from stakeholders.models import Organization

from .. import permissions, selectors, services
from ..forms import AwardForm


@login_required
@require_http_methods(["GET", "POST"])
def award(request, code: str):

    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_award(request.user, project):
        raise PermissionDenied(services.AWARD_ERRORS["not_allowed"])
    contractors = list(selectors.award_candidates(Organization.Kind.CONTRACTOR))
    supervisors = list(selectors.award_candidates(Organization.Kind.SUPERVISOR))

    def queryset(orgs):
        return Organization.objects.filter(pk__in=[o.pk for o in orgs]).order_by("name")

    current = {a.role: a for a in selectors.awards_of(project) if a.ended_at is None}
    form = AwardForm(
        request.POST or None,
        contractors=queryset(contractors),
        supervisors=queryset(supervisors),
        current_roles=set(current),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_award(
                project=project,
                actor=request.user,
                contractor=data["contractor"],
                supervisor=data["supervisor"],
                contract_amount=data["contract_amount"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Award saved. The organizations can now work on this project."))
            return redirect(project)
    return render(
        request,
        "projects/award.html",
        {
            "project": project,
            "form": form,
            "contractors": contractors,
            "supervisors": supervisors,
            "current": current,
            "history": selectors.awards_of(project),
            # Why the first award must wait (the budget's notice, objections), said before the form.
            "holds": [] if current else [m for h in services.AWARD_HOLDS if (e := h(project)) for m in e.messages],
        },
        status=400 if request.method == "POST" else 200,
    )
