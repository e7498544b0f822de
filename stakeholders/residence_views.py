"""居住登记 pages: the community committee's list of tenants and family who declared where they
live (confirm, or reject with a reason), the resident's "moved out", and the private lease file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.files import private_file_response

from . import permissions, residences, selectors
from .models import Residence

PER_PAGE = 30


@login_required
@require_http_methods(["GET", "POST"])
def residence_desk(request):
    if not permissions.may_review_ownerships(request.user):
        raise PermissionDenied(_("Only community committee staff check residence declarations."))
    scoped = selectors.residences_for_review(request.user)
    failed = None
    if request.method == "POST":
        residence = get_object_or_404(scoped, pk=request.POST.get("residence") or 0)
        try:
            if request.POST.get("action") == "confirm":
                residences.residence_confirm(residence=residence, actor=request.user)
                messages.success(request, _("Confirmed."))
            else:
                residences.residence_reject(residence=residence, actor=request.user, reason=request.POST.get("reason"))
                messages.success(request, _("Rejected; the resident is told why."))
        except ValidationError as error:
            failed = (residence.pk, " ".join(error.messages), request.POST.get("reason", ""))
        else:
            return redirect("stakeholders:residence_desk")
    standing = scoped.standing().order_by("status", "declared_at", "id")
    page = Paginator(standing, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (r, permissions.can_confirm_residence(request.user, r), permissions.can_reject_residence(request.user, r))
        for r in page.object_list
    ]
    context = {"rows": rows, "page": page, "failed": failed}
    return render(request, "stakeholders/residence_desk.html", context, status=400 if failed else 200)


@login_required
@require_POST
def residence_end(request, pk: int):
    residence = get_object_or_404(selectors.residences_of_user(request.user), pk=pk)
    try:
        residences.residence_end(residence=residence, actor=request.user)
    except PermissionDenied:
        messages.info(request, _("This declaration no longer stands."))
    else:
        messages.success(request, _("Noted: you no longer live there."))
    return redirect("home")


@login_required
@require_safe
def residence_proof(request, pk: int):
    residence = get_object_or_404(
        Residence.objects.select_related("household__building__estate").exclude(proof=""), pk=pk
    )
    if not permissions.can_view_residence_proof(request.user, residence):
        raise Http404
    return private_file_response(
        residence.proof, content_type=residence.proof_content_type, download_name=f"residence-{residence.pk}"
    )
