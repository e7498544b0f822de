"""The project list and a project's page (status, timeline, the actions the viewer may take)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors

from .. import permissions, selectors, services
from ..forms import (
    InviteForm,
    TransitionForm,
)
from ..lifecycle import BUDGET_PUBLISHED_STATUSES, NEEDS_OPEN_STATUSES, PLAN_ADOPTED_STATUSES
from ..models import Project, Sponsorship

PROJECTS_PER_PAGE = 50


@require_safe
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
            if to not in Project.Status.values:
                raise PermissionDenied(services.ERRORS["not_allowed"])
            try:
                services.project_transition(project=project, to=to, actor=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form_errors(form, error)
                failed = (to, form)
            else:
                messages.success(request, _("Status changed to “%(status)s”.") % {"status": Project.Status(to).label})
                return redirect(project)
    transitions = []
    for to in permissions.available_transitions(request.user, project):
        form = failed[1] if failed and failed[0] == to else TransitionForm(initial={"to": to})
        form.auto_id = f"id_{to}_%s"  # one form per transition on the page: distinct field ids
        transitions.append((Project.Status(to), form))
    context = _detail_context(request.user, project, transitions=transitions, failed=failed)
    return render(request, "projects/detail.html", context, status=400 if failed else 200)


NEEDS_ON_PROJECT_PAGE = 5


def _detail_context(user, project, **extra) -> dict:
    versions = list(selectors.plan_versions(project))
    live = selectors.live_plan_version(versions)
    needs = selectors.needs_ranked(project, user)
    return {
        "project": project,
        "events": selectors.project_events(project),
        "transitions": [],
        "votes": selectors.votes_of_project(project),
        "top_needs": needs[:NEEDS_ON_PROJECT_PAGE],
        "needs_open": project.status in NEEDS_OPEN_STATUSES,
        "can_file_need": permissions.can_file_need(user, project),
        "plan_versions": versions,
        "can_start_plan_version": permissions.can_start_plan_version(user, project, live),
        "live_plan": live,
        "can_manage_votes": permissions.can_manage_votes(user, project),
        **_works_context(user, project),
        **_petition_context(user, project),
        **extra,
    }


def _works_context(user, project) -> dict:
    """Award, acceptance and links to the money and works pages (disclosure)."""

    report = selectors.latest_completion_report(project)
    return {
        "can_award": permissions.can_award(user, project),
        "current_awards": [a for a in selectors.awards_of(project) if a.ended_at is None],
        "completion_report": report,
        "acceptance_signed": report.signatures.count() if report is not None else 0,
        "acceptance_required": len(permissions.required_acceptance_roles(project)) if report is not None else 0,
        "acceptance_to_sign": permissions.acceptance_roles(user, project),
        "can_file_completion": permissions.can_file_completion_report(user, project),
        "money_stage": project.status in PLAN_ADOPTED_STATUSES,
        "works_pages": project.status in BUDGET_PUBLISHED_STATUSES,
    }


def _petition_context(user, project, invite_form=None) -> dict:
    petition = selectors.petition_of(project)
    if petition is None:
        return {"petition": None}
    shortfalls = selectors.petition_shortfalls(petition)
    mine = next((s for s in petition.sponsorships.all() if s.resident.user_id == user.pk), None)
    return {
        "petition": petition,
        "can_submit": permissions.can_submit_petition(user, petition, complete=not shortfalls),
        "settings_vote_days": settings.WILLINGNESS_VOTE_DAYS,
        "sponsorships": [s for s in petition.sponsorships.all() if s.status != Sponsorship.Status.DECLINED],
        "checklist": [
            (code, services.PETITION_ERRORS[code], code not in shortfalls)
            for code in (
                "sponsors",
                "households",
                "party_member",
                *(("council",) if settings.PETITION_REQUIRES_COUNCIL else ()),
            )
        ],
        "petition_complete": not shortfalls,
        "can_invite": permissions.can_invite_sponsors(user, petition),
        "invite_form": invite_form or InviteForm(),
        "my_sponsorship": mine,
        "can_withdraw": mine is not None and permissions.can_withdraw_sponsorship(user, mine),
        "can_answer": mine is not None and permissions.can_answer_invitation(user, mine),
    }
