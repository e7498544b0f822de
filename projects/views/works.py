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

from .. import permissions, procurement, selectors, services
from ..forms import AwardForm
from ..models import Award


@login_required
@require_http_methods(["GET", "POST"])
def award(request, code: str):

    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_award(request.user, project):
        raise PermissionDenied(services.AWARD_ERRORS["not_allowed"])
    # The choices are the evaluated tenders' ranked bidders (the procurement record, issue 21).
    bids = {role: procurement.ranked_bids(project, role) for role in (Award.Role.CONTRACTOR, Award.Role.SUPERVISOR)}
    ranked = {b.organization_id: b for role_bids in bids.values() for b in role_bids}
    contractors = [o for o in selectors.award_candidates(Organization.Kind.CONTRACTOR) if o.pk in ranked]
    supervisors = [o for o in selectors.award_candidates(Organization.Kind.SUPERVISOR) if o.pk in ranked]

    def queryset(role_bids):
        return Organization.objects.filter(pk__in=[b.organization_id for b in role_bids])

    current = {a.role: a for a in selectors.awards_of(project) if a.ended_at is None}
    form = AwardForm(
        request.POST or None,
        contractors=queryset(bids[Award.Role.CONTRACTOR]),
        supervisors=queryset(bids[Award.Role.SUPERVISOR]),
        current_roles=set(current),
        ranked=ranked,
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
                winner_reason=data["winner_reason"],
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
            "bids": bids,
            # Why the first award must wait (the budget's notice, objections), said before the form.
            "holds": [] if current else [m for h in services.AWARD_HOLDS if (e := h(project)) for m in e.messages],
        },
        status=400 if request.method == "POST" else 200,
    )
