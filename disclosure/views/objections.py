"""公示与异议: the budget's notice window, the residents' objections and the street office's answers
(public, no names), the form to object and the forms to answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import notices, permissions
from .. import selectors as pub
from ..forms import ObjectionAnswerForm, ObjectionForm
from ..models import Objection
from .projects import _public_project_or_404


def _answer(request, acting):
    objection = get_object_or_404(
        Objection.objects.select_related("project__estate"), project=acting, pk=request.POST.get("objection")
    )
    if not permissions.can_answer_objection(request.user, objection):
        raise PermissionDenied(notices.ERRORS["not_allowed_answer"])
    form = ObjectionAnswerForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            notices.objection_answer(objection=objection, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Answer published; the resident is told."))
            return redirect(f"{request.path}#objection-{objection.pk}"), None
    return None, (objection.pk, form)


def _file(request, acting, budget, today, vote):
    to_vote = request.POST.get("action") == "object_vote"
    if to_vote and not permissions.can_object_to_vote(request.user, acting, vote, timezone.now()):
        raise PermissionDenied(notices.ERRORS["not_allowed_vote"])
    if not to_vote and not permissions.can_object_to_budget(request.user, acting, budget, today):
        raise PermissionDenied(notices.ERRORS["not_allowed"])
    form = ObjectionForm(request.POST, prefix="v" if to_vote else None)
    if form.is_valid():
        try:
            objection = notices.objection_file(project=acting, actor=request.user, to_vote=to_vote, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Objection filed. It is public without your name; the street office must answer it.")
            )
            return redirect(f"{request.path}#objection-{objection.pk}"), form
    return None, form


@require_http_methods(["GET", "HEAD", "POST"])
def objections_page(request, code: str):
    project = _public_project_or_404(code)
    budget = pub.published_budget(project)
    vote = notices.last_plan_vote(project)
    today, now = timezone.localdate(), timezone.now()
    signed_in = request.user.is_authenticated
    may_object = signed_in and permissions.can_object_to_budget(request.user, project, budget, today)
    may_object_vote = signed_in and permissions.can_object_to_vote(request.user, project, vote, now)
    form, failed = (ObjectionForm() if may_object else None), None
    vote_form = ObjectionForm(prefix="v") if may_object_vote else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in first."))
        if request.POST.get("action") == "answer":
            done, failed = _answer(request, project)
        elif request.POST.get("action") == "object_vote":
            done, vote_form = _file(request, project, budget, today, vote)
        else:
            done, form = _file(request, project, budget, today, vote)
        if done is not None:
            return done

    def rows(objections):
        found = []
        for objection in objections:
            answer_form = None
            if signed_in and permissions.can_answer_objection(request.user, objection):
                answer_form = (
                    failed[1]
                    if failed and failed[0] == objection.pk
                    else ObjectionAnswerForm(prefix=f"o{objection.pk}")
                )
            found.append((objection, answer_form))
        return found

    context = {
        "project": project,
        "budget": budget,
        "running": permissions.notice_running(budget, today),
        "rows": rows(notices.budget_objections(budget)),
        "form": form,
        "vote": vote,
        "vote_ends": permissions.vote_notice_ends(vote) if vote else None,
        "vote_running": permissions.vote_notice_running(vote, now) if vote else False,
        "vote_rows": rows(notices.vote_objections(vote)),
        "vote_form": vote_form,
    }
    return render(request, "disclosure/objections.html", context, status=400 if request.method == "POST" else 200)
