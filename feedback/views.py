"""Complaints and surveys in the browser. Views are thin: look the object up through a scoped
selector (outside the user's scope: 404), ask permissions.py (wrong role: 403), call one service."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors
from core.throttle import page_throttle
from projects import after_build
from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.notifications import absolute

from . import permissions, selectors, services
from .forms import ComplaintActionForm, ComplaintForm, ComplaintMessageForm, PaperResponseForm, SurveyAnswerForm
from .lifecycle import SITE_CATEGORIES, route_note
from .models import Complaint, Survey

COMPLAINTS_PER_PAGE = 30
LETTERS_PER_PAGE = 40


# --- complaints ------------------------------------------------------------------------------------


@require_safe
@login_required
def complaint_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    project_code = request.GET.get("project", "")[:40]
    complaints = selectors.complaint_list(
        request.user, status=status, project_code=project_code, overdue=overdue, mine=mine
    )
    page = Paginator(complaints, COMPLAINTS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode(
        {
            k: v
            for k, v in {
                "status": status,
                "overdue": "1" if overdue else "",
                "mine": "1" if mine else "",
                "project": project_code,
            }.items()
            if v
        }
    )
    return render(
        request,
        "feedback/complaint_list.html",
        {
            "page": page,
            "complaints": page.object_list,
            "page_query": query,
            "status": status,
            "overdue": overdue,
            "mine": mine,
            "statuses": Complaint.Status.choices,
            "can_file": stakeholder_permissions.is_resident(request.user)
            and bool(selectors.projects_open_for_complaints(request.user)),
        },
    )


@require_safe
@login_required
def complaint_new(request):
    """Which project the complaint is about (residents of several estates choose)."""
    if not permissions.may_file_complaints(request.user):
        raise PermissionDenied(services.ERRORS["cannot_file"])
    projects = selectors.projects_open_for_complaints(request.user)
    if len(projects) == 1:
        return redirect("feedback:complaint_file", code=projects[0].code)
    return render(
        request,
        "feedback/complaint_choose.html",
        {"projects": projects, "has_home": bool(stakeholder_permissions.claimed_estate_ids(request.user))},
    )


def _filing_project(user, code: str) -> Project:
    project = Project.objects.filter(code=code).select_related("estate__community").first()
    if project is None or not (
        permissions.is_estate_resident(user, project.estate) or permissions.is_site_neighbour(user, project)
    ):
        raise Http404(_("No project of your estate has this code."))
    if not permissions.can_file_complaint(user, project):
        raise PermissionDenied(services.ERRORS["cannot_file"])
    return project


@login_required
@require_http_methods(["GET", "POST"])
def complaint_file(request, code: str):
    project = _filing_project(request.user, code)
    categories = permissions.complaint_categories_for(request.user, project)
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        estate=project.estate,
        categories=categories,
        routes=selectors.effective_routes(project),
        items=after_build.items_with_warranty(project) if project.completed_on else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_file(
                project=project,
                actor=request.user,
                category=data["category"],
                text=data["text"],
                location=data["location"],
                building=data["building"],
                photos=data["photos"],
                plan_item=data.get("plan_item"),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                " ".join(
                    filter(
                        None,
                        [
                            _("Complaint no. %(n)s filed. You will be told of every answer.") % {"n": complaint.pk},
                            _("It went to %(agency)s.") % {"agency": complaint.agency.name},
                            route_note(complaint),
                        ],
                    )
                ),
            )
            return redirect(complaint)
    return render(
        request,
        "feedback/complaint_form.html",
        {
            "project": project,
            "form": form,
            "neighbour": categories == SITE_CATEGORIES,
            "ack_hours": settings.COMPLAINT_ACK_HOURS,
            "resolve_days": settings.COMPLAINT_RESOLVE_DAYS,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request, pk: int):
    complaint = get_object_or_404(selectors.complaints_visible_to(request.user), pk=pk)
    failed_action, message_form = None, ComplaintMessageForm()
    if request.method == "POST":
        if request.POST.get("action") == "message":
            if not permissions.can_message_complaint(request.user, complaint):
                raise PermissionDenied(services.ERRORS["not_allowed"])
            message_form = ComplaintMessageForm(request.POST)
            if message_form.is_valid():
                try:
                    services.complaint_message(
                        complaint=complaint, actor=request.user, text=message_form.cleaned_data["text"]
                    )
                except ValidationError as error:
                    form_errors(message_form, error)
                else:
                    messages.success(request, _("Message sent."))
                    return redirect(complaint)
        else:
            form = ComplaintActionForm(request.POST)
            if form.is_valid():
                to = form.cleaned_data["to"]
                try:  # the service asks permissions.py: a wrong role is PermissionDenied (403)
                    services.complaint_transition(
                        complaint=complaint, to=to, actor=request.user, note=form.cleaned_data["note"]
                    )
                except ValidationError as error:
                    form_errors(form, error)
                    failed_action = (to, form)
                else:
                    messages.success(
                        request, _("The complaint is now “%(status)s”.") % {"status": Complaint.Status(to).label}
                    )
                    return redirect(complaint)
            else:
                raise PermissionDenied(services.ERRORS["not_allowed"])
    actions = []
    for to in permissions.available_complaint_transitions(request.user, complaint):
        form = failed_action[1] if failed_action and failed_action[0] == to else ComplaintActionForm(initial={"to": to})
        form.auto_id = f"id_{to}_%s"
        actions.append((Complaint.Status(to), form))
    # A filer whose reopening window has passed is told so instead of being offered the button.
    window_passed = (
        complaint.status == Complaint.Status.RESOLVED
        and permissions.is_filer(request.user, complaint)
        and not permissions.reopen_window_open(complaint)
    )
    show_filer = permissions.can_see_complaint_filer(request.user, complaint)
    updates = selectors.complaint_updates(complaint, show_filer=show_filer)
    context = {
        "complaint": complaint,
        "show_filer": show_filer,
        "updates": updates,
        "photos": selectors.complaint_photos(complaint),
        "actions": actions,
        "message_form": message_form if permissions.can_message_complaint(request.user, complaint) else None,
        "is_filer": permissions.is_filer(request.user, complaint),
        "window_passed": window_passed,
        "route_note": route_note(complaint),
    }
    failed = failed_action is not None or message_form.errors
    return render(request, "feedback/complaint_detail.html", context, status=400 if failed else 200)


@require_safe
@login_required
def complaint_photo(request, pk: int, photo: int, size: str):
    if size not in ("thumb", "full"):
        raise Http404
    complaint = get_object_or_404(selectors.complaints_visible_to(request.user), pk=pk)
    stored = get_object_or_404(complaint.photos, pk=photo)
    response = FileResponse(
        (stored.thumb if size == "thumb" else stored.image).open("rb"), content_type=stored.photo_content_type
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- answering a survey ---------------------------------------------------------------------------------


def _link_problem(request, code: str, *, survey: Survey | None = None):
    """One clear page for a link that cannot be used: forged, expired, used, or survey closed."""
    status = 404 if code == "forged" else 410
    return render(
        request,
        "feedback/link_problem.html",
        {"code": code, "message": services.SURVEY_ERRORS[code], "survey": survey},
        status=status,
    )


LINK_PROBLEMS = ("already_answered", "closed", "forged", "expired")


def _answer_page(request, invitation, submit):
    """The survey form for `invitation`; `submit(answers, text)` stores the answer (one service)."""
    survey = invitation.survey
    if selectors.has_response(invitation):
        return _link_problem(request, "already_answered", survey=survey)
    if not permissions.survey_accepts_answers(survey):
        return _link_problem(request, "closed", survey=survey)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            submit(form.answers(), form.cleaned_data["text"])
        except ValidationError as error:
            code = getattr(error, "code", None)
            if code in LINK_PROBLEMS:
                return _link_problem(request, code, survey=survey)
            form_errors(form, error)
        else:
            return render(request, "feedback/thanks.html", {"survey": survey})
    return render(
        request,
        "feedback/answer.html",
        {"survey": survey, "invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@page_throttle("survey_link")
def answer(request, pk: int, token: str):
    """The invitation link: no sign-in needed; the token is the household's key, once."""
    try:
        invitation = services.invitation_by_token(invitation_id=pk, token=token)
    except ValidationError as error:
        return _link_problem(request, error.code)
    return _answer_page(
        request,
        invitation,
        lambda answers, text: services.response_submit_by_link(
            invitation_id=pk,
            token=token,
            answers=answers,
            text=text,
            actor=request.user,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_invitation(request, pk: int):
    """The same survey from the resident's dashboard (signed in as the household's voting owner)."""
    invitation = selectors.invitation_of_owner(request.user, pk)
    if invitation is None:
        raise Http404
    return _answer_page(
        request,
        invitation,
        lambda answers, text: services.response_submit_as_owner(
            invitation=invitation,
            actor=request.user,
            answers=answers,
            text=text,
        ),
    )


# --- the survey desk (community committee, street office, bureau) -----------------------------------------


def _survey_in_scope(user, pk: int) -> Survey:
    return get_object_or_404(selectors.surveys_visible_to(user), pk=pk)


@require_safe
@login_required
def survey_list(request):
    surveys = selectors.surveys_visible_to(request.user).order_by("-opened_at", "-id")
    page = Paginator(surveys, 30).get_page(request.GET.get("page"))
    return render(request, "feedback/survey_list.html", {"page": page, "surveys": page.object_list, "page_query": ""})


@require_safe
@login_required
def survey_desk(request, pk: int):
    survey = _survey_in_scope(request.user, pk)
    with_text = permissions.can_view_survey_text(request.user, survey)
    context = {
        "survey": survey,
        "figures": selectors.survey_desk_figures(survey),
        "results": selectors.survey_results(survey, with_text=with_text)
        if permissions.can_view_survey_results(request.user, survey)
        else None,
        "with_text": with_text,
        "can_print": permissions.can_print_invitations(request.user, survey),
        "can_paper": permissions.can_record_paper_response(request.user, survey),
        "min_responses": settings.SURVEY_MIN_RESPONSES,
    }
    return render(request, "feedback/survey_desk.html", context)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", title=url)


@require_safe
@login_required
def survey_print(request, pk: int):
    """Printable invitations, one page per household, with the link and its QR code, for the
    households the portal cannot message (or all with ?all=1)."""
    survey = _survey_in_scope(request.user, pk)
    if not permissions.can_print_invitations(request.user, survey):
        raise PermissionDenied(_("Community committee staff print invitations while the survey is open."))
    everyone = request.GET.get("all") == "1"
    building = request.GET.get("building", "")[:20]
    invitations = selectors.invitations_to_print(survey, only_without_account=not everyone, building=building)
    page = Paginator(invitations, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    letters = []
    for invitation in page.object_list:
        invitation.survey = survey
        url = absolute(services.answer_path(invitation))
        letters.append({"invitation": invitation, "url": url, "qr": _qr_svg(url)})
    query = urlencode({k: v for k, v in {"all": "1" if everyone else "", "building": building}.items() if v})
    return render(
        request,
        "feedback/survey_print.html",
        {
            "survey": survey,
            "letters": letters,
            "page": page,
            "page_query": query,
            "everyone": everyone,
            "building": building,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_paper(request, pk: int):
    """Community staff enter a household's paper answer, once."""
    survey = _survey_in_scope(request.user, pk)
    if not permissions.can_record_paper_response(request.user, survey):
        raise PermissionDenied(_("Community committee staff enter paper answers while the survey is open."))
    query = request.GET.get("q", "").strip()[:20]
    form = PaperResponseForm(
        request.POST or None, invitations=selectors.unanswered_invitations(survey, query), survey=survey
    )
    if request.method == "POST" and form.is_valid():
        invitation = form.cleaned_data["invitation"]
        try:
            services.response_record_paper(
                invitation=invitation, actor=request.user, answers=form.answers(), text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Paper answer of %(household)s recorded.") % {"household": invitation.household}
            )
            return redirect("feedback:survey_paper", pk=survey.pk)
    return render(
        request,
        "feedback/survey_paper.html",
        {
            "survey": survey,
            "form": form,
            "q": query,
            "figures": selectors.survey_desk_figures(survey),
        },
        status=400 if form.errors else 200,
    )
