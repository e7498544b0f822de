"""The Party branch's desk: claims of Party membership from its community, confirmed or not."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import party, permissions
from .text import mask_phone


@login_required
@require_safe
def claims(request):
    if not permissions.may_review_party_claims(request.user):
        raise PermissionDenied(_("Party membership is confirmed by the community's Party branch."))
    waiting = list(party.claims_for(request.user)[:200])
    rows = [(r, mask_phone(r.phone or "")) for r in waiting]
    return render(request, "stakeholders/party_claims.html", {"rows": rows})


@login_required
@require_POST
def decide(request, pk: int):
    resident = party.claims_for(request.user).filter(pk=pk).first()
    if resident is None:
        if not permissions.may_review_party_claims(request.user):
            raise PermissionDenied(_("Party membership is confirmed by the community's Party branch."))
        raise Http404  # not a claim of this branch's community (or already decided)
    confirm = request.POST.get("decision") == "confirm"
    try:
        party.party_claim_decide(
            resident=resident, actor=request.user, confirm=confirm, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Confirmed.") if confirm else _("Not confirmed; the reason is recorded."))
    return redirect("stakeholders:party_claims")
