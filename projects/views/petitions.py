"""Petition pages: starting one, inviting sponsors, answering an invitation, opening the willingness
vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import permissions, selectors, services
from ..forms import (
    InviteForm,
    PetitionForm,
)
from ..models import Sponsorship
from .projects import _detail_context, _petition_context


@login_required
@require_http_methods(["GET", "POST"])
def petition_start(request):
    estates = selectors.petitionable_estates(request.user)
    entrances = selectors.elevator_entrances(request.user) if permissions.may_list_projects(request.user) else []
    if not estates and not entrances:
        raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
    kind = "elevator" if request.GET.get("kind") == "elevator" or not estates else "renovation"
    form = PetitionForm(
        request.POST or None,
        estates=estates,
        entrances=entrances,
        initial={"estate": request.GET.get("estate"), "kind": kind},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        if "estate_id" in chosen:
            estate = next((e for e in estates if e.pk == chosen.pop("estate_id")), None)
            if estate is None:
                raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
            chosen["estate"] = estate
        try:
            petition = services.petition_start(
                resident=request.user.resident, reason=form.cleaned_data["reason"], **chosen
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Petition started. Invite at least two neighbours from other households to sign.")
            )
            return redirect(petition.project)
    return render(
        request,
        "projects/petition_form.html",
        {"form": form, "estates": estates[:3]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def petition_invite(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    petition = selectors.petition_of(project)
    if petition is None or not permissions.can_invite_sponsors(request.user, petition):
        raise PermissionDenied(services.PETITION_ERRORS["cannot_invite"])
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.sponsor_invite(petition=petition, actor=request.user, phone=form.cleaned_data["phone"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Invitation sent. It counts once your neighbour confirms."))
            return redirect(project)
    context = _detail_context(request.user, project)
    context.update(_petition_context(request.user, project, invite_form=form))
    return render(request, "projects/detail.html", context, status=400)


@login_required
@require_http_methods(["POST"])
def sponsorship_answer(request, pk: int):
    sponsorship = get_object_or_404(
        Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk
    )
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            services.sponsor_withdraw(sponsorship=sponsorship, actor=request.user)
            messages.success(request, _("Your signature was withdrawn."))
        else:
            confirm = action == "confirm"
            services.sponsor_answer(sponsorship=sponsorship, actor=request.user, confirm=confirm)
            messages.success(request, _("You signed the petition.") if confirm else _("You declined the invitation."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(sponsorship.petition.project)


@login_required
@require_http_methods(["POST"])
def petition_submit(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    petition = selectors.petition_of(project)
    if petition is None:
        raise Http404
    try:
        vote = services.petition_submit(petition=petition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    messages.success(request, _("The willingness vote is open. Every owner of the estate can now vote."))
    return redirect("projects:vote", vote.code)
