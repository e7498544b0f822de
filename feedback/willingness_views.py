"""Willingness surveys (意愿调查) in the browser: the public list and results, opening one, the desk
(letters with QR codes, paper answers, closing early) and the household's answer — by link without
signing in, or from the voting owner's home page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import form_errors
from core.throttle import page_throttle
from projects.models import CatalogItem
from stakeholders.notifications import absolute

from . import permissions, services
from . import willingness as reads
from .forms import WillingnessAnswerForm, WillingnessOpenForm, WillingnessPaperForm
from .models import WillingnessSurvey

LETTERS_PER_PAGE = 40
LINK_PROBLEMS = {"forged", "expired", "already_answered", "closed"}


def _survey(pk: int) -> WillingnessSurvey:
    survey = reads.survey_of(pk)
    if survey is None:
        raise Http404
    return survey


@require_safe
def willingness_list(request):
    page = Paginator(reads.surveys_listed(), 30).get_page(request.GET.get("page"))
    for survey in page.object_list:
        survey.closed = permissions.willingness_is_closed(survey)
    return render(
        request,
        "feedback/willingness_list.html",
        {
            "page": page,
            "surveys": page.object_list,
            "page_query": "",
            "can_open": permissions.may_open_willingness_surveys(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def willingness_new(request):
    if not permissions.may_open_willingness_surveys(request.user):
        raise PermissionDenied(_("The street office and community committees open willingness surveys."))
    estates = reads.openable_estates(request.user)
    items = list(CatalogItem.objects.order_by("position", "id"))
    form = WillingnessOpenForm(
        request.POST or None,
        estates=estates,
        items=items,
        initial={
            "items": [i.pk for i in items if i.klass != CatalogItem.Klass.OTHER],
            "closes_on": timezone.localdate() + timedelta(days=21),
            "estates": [request.GET.get("estate")] if request.GET.get("estate") else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.willingness_open(
                actor=request.user,
                title=data["title"],
                estates=[e for e in estates if e.pk in data["estates"]],
                items=[i for i in items if i.pk in data["items"]],
                closes_on=data["closes_on"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Survey opened: %(n)s households are asked. Owners with an account are told now; "
                    "print letters for the rest."
                )
                % {"n": survey.households},
            )
            return redirect(survey)
    return render(
        request,
        "feedback/willingness_form.html",
        {"form": form, "has_estates": bool(estates)},
        status=400 if form.errors else 200,
    )


@require_safe
def willingness_detail(request, pk: int):
    """Public: what was asked, and — once it is closed — the rates per estate. The offices that
    asked (and the bureau) see the counts while it runs, their desk and the residents' words."""
    survey = _survey(pk)
    user = request.user
    closed = permissions.willingness_is_closed(survey)
    live = permissions.can_view_willingness_live(user, survey)
    results = reads.estate_results(survey) if closed or live else []
    context = {
        "survey": survey,
        "closed": closed,
        "live": live,
        "results": results,
        "total": reads.summed(results) if results else None,
        "counts": reads.survey_counts(survey) if live else None,
        "texts": reads.answer_texts(survey) if permissions.can_view_willingness_text(user, survey) else None,
        "can_print": permissions.can_print_willingness_letters(user, survey),
        "can_paper": permissions.can_record_willingness_paper(user, survey),
        "can_close": permissions.can_close_willingness(user, survey),
        "min_shown": settings.SURVEY_MIN_RESPONSES,
    }
    return render(request, "feedback/willingness_detail.html", context)


@login_required
@require_POST
def willingness_close(request, pk: int):
    survey = _survey(pk)
    if not permissions.can_close_willingness(request.user, survey):
        raise PermissionDenied(_("Only the office that opened the survey closes it, while it is open."))
    services.willingness_close(survey=survey, actor=request.user)
    messages.success(request, _("Survey closed. Its results are now public."))
    return redirect(survey)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", title=url)


@require_safe
@login_required
def willingness_print(request, pk: int):
    """Letters to print, one per household, with the link and its QR code: by default those the
    portal cannot message (no voting owner with an account), or everyone with ?all=1."""
    survey = _survey(pk)
    if not permissions.can_print_willingness_letters(request.user, survey):
        raise PermissionDenied(_("The offices that asked print letters while the survey is open."))
    everyone = request.GET.get("all") == "1"
    estate = request.GET.get("estate", "")
    estate_id = int(estate) if estate.isdigit() and len(estate) < 10 else None
    invitations = reads.letters_to_print(survey, estate_id=estate_id, everyone=everyone)
    page = Paginator(invitations, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    letters = []
    for invitation in page.object_list:
        url = absolute(services.willingness_answer_path(invitation))
        letters.append({"invitation": invitation, "url": url, "qr": _qr_svg(url)})
    query = urlencode({k: v for k, v in {"all": "1" if everyone else "", "estate": estate_id or ""}.items() if v})
    return render(
        request,
        "feedback/willingness_print.html",
        {
            "survey": survey,
            "letters": letters,
            "page": page,
            "page_query": query,
            "everyone": everyone,
            "estate_id": estate_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def willingness_paper(request, pk: int):
    """Staff enter a household's signed paper answer, once."""
    survey = _survey(pk)
    if not permissions.can_record_willingness_paper(request.user, survey):
        raise PermissionDenied(_("The offices that asked enter paper answers while the survey is open."))
    query = request.GET.get("q", "").strip()[:20]
    form = WillingnessPaperForm(request.POST or None, survey=survey, invitations=reads.unanswered(survey, query))
    if request.method == "POST" and form.is_valid():
        invitation = form.cleaned_data["invitation"]
        try:
            services.willingness_record_paper(
                invitation=invitation, actor=request.user, answers=form.answers(), text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Paper answer of %(household)s recorded.") % {"household": invitation.household}
            )
            return redirect("feedback:willingness_paper", pk=survey.pk)
    return render(
        request,
        "feedback/willingness_paper.html",
        {"survey": survey, "form": form, "q": query, "counts": reads.survey_counts(survey)},
        status=400 if form.errors else 200,
    )


def _problem(request, code: str, survey=None):
    return render(
        request,
        "feedback/willingness_problem.html",
        {"code": code, "message": services.WILLINGNESS_ERRORS[code], "survey": survey},
        status=404 if code == "forged" else 410,
    )


def _answer_page(request, invitation, submit):
    survey = invitation.survey
    if reads.has_answer(invitation):
        return _problem(request, "already_answered", survey)
    if not permissions.willingness_accepts_answers(survey):
        return _problem(request, "closed", survey)
    form = WillingnessAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            submit(form.answers(), form.cleaned_data["text"])
        except ValidationError as error:
            if getattr(error, "code", None) in LINK_PROBLEMS:
                return _problem(request, error.code, survey)
            form_errors(form, error)
        else:
            return render(request, "feedback/willingness_thanks.html", {"survey": survey})
    return render(
        request,
        "feedback/willingness_answer.html",
        {
            "survey": survey,
            "invitation": invitation,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@page_throttle("survey_link")
def willingness_answer(request, pk: int, token: str):
    """The letter's link or QR code: no sign-in; the token is the household's key, once."""
    try:
        invitation = services.willingness_invitation_by_token(invitation_id=pk, token=token)
    except ValidationError as error:
        return _problem(request, error.code)
    return _answer_page(
        request,
        invitation,
        lambda answers, text: services.willingness_answer_by_link(
            invitation_id=pk, token=token, answers=answers, text=text, actor=request.user
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def willingness_mine(request, pk: int):
    """The same questions from the home page of the household's voting owner."""
    invitation = reads.invitation_of_owner(request.user, pk)
    if invitation is None:
        raise Http404
    return _answer_page(
        request,
        invitation,
        lambda answers, text: services.willingness_answer_as_owner(
            invitation=invitation, actor=request.user, answers=answers, text=text
        ),
    )
