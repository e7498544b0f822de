"""Voting by proxy (委托投票): the community committee's desk (record, revoke), the owner's revoke,
and the proxy's ballot for an owner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_errors
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Estate

from .. import permissions, proxies, selectors, services
from ..forms import BallotForm, ProxyForm
from ..models import ProxyAuthorization, Vote


@login_required
@require_http_methods(["GET", "POST"])
def proxy_desk(request, estate_code: str):
    estate = get_object_or_404(Estate.objects.select_related("community"), code=estate_code)
    if not permissions.can_record_proxy(request.user, estate):
        if stakeholder_permissions.is_any_community_staff(request.user):
            raise Http404
        raise PermissionDenied(services.PROXY_ERRORS["not_allowed"])
    open_votes = Vote.objects.filter(project__estate=estate, status__in=[Vote.Status.DRAFT, Vote.Status.OPEN])
    owners = selectors.estate_owners(estate)
    form = ProxyForm(request.POST or None, request.FILES or None, owners=owners, votes=open_votes)
    if request.method == "POST" and form.is_valid():
        try:
            services.proxy_record(estate=estate, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Authorisation recorded; the owner and the proxy are told."))
            return redirect("projects:proxy_desk", estate_code=estate.code)
    return render(
        request,
        "projects/proxies.html",
        {"estate": estate, "form": form, "authorizations": proxies.estate_desk(estate)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def proxy_revoke(request, pk: int):
    authorization = get_object_or_404(ProxyAuthorization.objects.select_related("estate"), pk=pk)
    services.proxy_revoke(authorization=authorization, actor=request.user)  # PermissionDenied → 403
    messages.success(request, _("The authorisation is revoked."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "home")


@login_required
@require_POST
def proxy_ballot(request, code: str):
    vote = selectors.vote_visible_to(request.user, code, related=("project__estate",))
    if vote is None:
        raise Http404
    authorization = get_object_or_404(
        ProxyAuthorization.objects.select_related("proxy", "owner"), pk=request.POST.get("authorization")
    )
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or abstain."))
        return redirect(reverse("projects:vote", args=[vote.code]) + "#proxy")
    try:
        _ballot, receipt = services.ballot_cast_by_proxy(
            vote=vote, actor=request.user, authorization=authorization, choice=form.cleaned_data["choice"]
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        request.session[f"proxy-receipt:{vote.code}"] = receipt
    return redirect(reverse("projects:vote", args=[vote.code]) + "#proxy")
