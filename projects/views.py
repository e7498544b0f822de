from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import permissions, selectors, services
from .forms import BallotForm, InviteForm, PetitionForm, TransitionForm
from .models import Project, Sponsorship

PROJECTS_PER_PAGE = 50


@login_required
def project_list(request):
    projects = selectors.projects_visible_to(request.user).order_by("-status_changed_at", "-id")
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/list.html", {"projects": page.object_list, "page": page, "page_query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    failed = None
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid():
            to = form.cleaned_data["to"]
            if to not in Project.Status.values or not permissions.can_transition(request.user, project, to):
                raise PermissionDenied(services.ERRORS["not_allowed"])
            try:
                services.project_transition(
                    project=project, to=to, actor=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field, errors)
                else:
                    form.add_error(None, error)
                failed = (to, form)
            else:
                messages.success(request, _("Status changed to “%(status)s”.") % {"status": Project.Status(to).label})
                return redirect(project)
    transitions = []
    for to in permissions.available_transitions(request.user, project):
        form = failed[1] if failed and failed[0] == to else TransitionForm(initial={"to": to})
        form.auto_id = f"id_{to}_%s"  # one form per transition on the page: distinct field ids
        transitions.append((Project.Status(to), form))
    context = {
        "project": project,
        "events": selectors.project_events(project),
        "transitions": transitions,
        "failed": failed,
        "votes": selectors.votes_of_project(project),
        **_petition_context(request.user, project),
    }
    return render(request, "projects/detail.html", context, status=400 if failed else 200)


def _petition_context(user, project, invite_form=None) -> dict:
    petition = selectors.petition_of(project)
    if petition is None:
        return {"petition": None}
    shortfalls = selectors.petition_shortfalls(petition)
    mine = next((s for s in petition.sponsorships.all() if s.resident.user_id == user.pk), None)
    return {
        "petition": petition,
        "sponsorships": [s for s in petition.sponsorships.all() if s.status != Sponsorship.Status.DECLINED],
        "checklist": [
            (code, services.PETITION_ERRORS[code], code not in shortfalls) for code in ("sponsors", "households", "party_member")
        ],
        "petition_complete": not shortfalls,
        "can_invite": permissions.can_invite_sponsors(user, petition),
        "invite_form": invite_form or InviteForm(),
        "my_sponsorship": mine,
        "can_withdraw": mine is not None and permissions.can_withdraw_sponsorship(user, mine),
        "can_answer": mine is not None and permissions.can_answer_invitation(user, mine),
    }


@login_required
@require_http_methods(["GET", "POST"])
def petition_start(request):
    estates = selectors.petitionable_estates(request.user)
    if not estates:
        raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
    form = PetitionForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        estate = next(e for e in estates if e.pk == form.cleaned_data["estate"])
        try:
            petition = services.petition_start(
                resident=request.user.resident, estate=estate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Petition started. Invite at least two neighbours from other households to sign."))
            return redirect(petition.project)
    return render(request, "projects/petition_form.html", {"form": form}, status=400 if form.errors else 200)


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
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Invitation sent. It counts once your neighbour confirms."))
            return redirect(project)
    context = {
        "project": project,
        "events": selectors.project_events(project),
        "transitions": [],
        **_petition_context(request.user, project, invite_form=form),
    }
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
@require_http_methods(["GET", "POST"])
def vote_detail(request, code: str):
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    voter = selectors.voter_of(request.user, vote)
    form, receipt, status = BallotForm(), None, 200
    if request.method == "POST":
        form = BallotForm(request.POST)
        if form.is_valid():
            try:
                _ballot, receipt = services.ballot_cast(vote=vote, actor=request.user, choice=form.cleaned_data["choice"])
            except ValidationError as error:
                form.add_error(None, error)
                status = 409 if error.code == "already_voted" else 400
            else:
                status = 201
                voter = selectors.voter_of(request.user, vote)
        else:
            status = 400
    context = {
        "vote": vote,
        "voter": voter,
        "form": form,
        "receipt": receipt,  # shown once, in this response only
        "can_cast": permissions.can_cast_ballot_now(request.user, vote, voter, timezone.now()),
        "turnout": selectors.turnout(vote),
    }
    return render(request, "projects/vote.html", context, status=status)
