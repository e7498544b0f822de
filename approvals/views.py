"""The parallel approvals' pages: a department's desk, one review, a project's matters (public), the
departments' averages (public), and the bureau's catalog."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.files import private_file_response
from core.forms import form_errors
from projects import selectors as project_selectors

from . import permissions, selectors, services
from .calendar import missing_years
from .errors import APPROVAL_ERRORS
from .forms import DecideForm, MatterForm, ResubmitForm, SubmitForm
from .models import Matter, Review, Submission


@login_required
def desk(request):
    if not permissions.may_use_desk(request.user):
        raise PermissionDenied(APPROVAL_ERRORS["decide_not_allowed"])
    waiting = list(selectors.queue(request.user))
    today = timezone.localdate()
    return render(
        request,
        "approvals/desk.html",
        {
            "waiting": waiting,
            "today": today,
            "decided": selectors.recent_decisions(request.user),
            "may_catalog": permissions.can_manage_catalog(request.user),
            "utility": permissions.works_for_utility(request.user),
            "missing_years": missing_years(today, *(r.due_on for r in waiting)),
        },
    )


def _review_rounds(review: Review) -> list[Review]:
    return list(
        Review.objects.filter(submission=review.submission, matter=review.matter)
        .select_related("decided_by")
        .order_by("round")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    found = get_object_or_404(
        Review.objects.select_related("matter", "department", "submission__project__estate__community__street"),
        pk=pk,
    )
    if not permissions.can_see_review(request.user, found):
        raise Http404
    rounds = _review_rounds(found)
    latest = rounds[-1].pk == found.pk
    action = request.POST.get("action") if request.method == "POST" else None
    decide_form = (
        DecideForm(request.POST if action == "decide" else None)
        if permissions.can_decide(request.user, found)
        else None
    )
    resubmit_form = (
        ResubmitForm(request.POST if action == "resubmit" else None)
        if permissions.can_resubmit(request.user, found, latest=latest)
        else None
    )
    if request.method == "POST":
        form = {"decide": decide_form, "resubmit": resubmit_form}.get(action)
        if form is None:
            raise PermissionDenied(APPROVAL_ERRORS["decide_not_allowed"])
        if form.is_valid():
            try:
                if action == "decide":
                    services.decide(review=found, actor=request.user, **form.cleaned_data)
                    done, target = _("Decision recorded. The street office is told."), found.pk
                else:
                    target = services.resubmit(review=found, actor=request.user, note=form.cleaned_data["note"]).pk
                    done = _("Resubmitted: the department has it again, with a new time limit.")
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("approvals:review", target)
    return render(
        request,
        "approvals/review.html",
        {
            "review": found,
            "project": found.submission.project,
            "rounds": rounds,
            "decide_form": decide_form,
            "resubmit_form": resubmit_form,
            "today": timezone.localdate(),
            "may_desk": permissions.may_use_desk(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def submission_document(request, pk: int):
    submission = get_object_or_404(Submission.objects.select_related("project__estate__community"), pk=pk)
    reviewing = frozenset(submission.reviews.values_list("department_id", flat=True))
    if not permissions.can_download_submission(request.user, submission, reviewing):
        raise Http404
    return private_file_response(
        submission.document, content_type=submission.document_content_type, download_name=f"submission-{pk}"
    )


@require_http_methods(["GET", "POST"])
def project(request, code: str):
    found = project_selectors.readable_project(request.user, code)
    if found is None:
        raise Http404
    may_submit = permissions.can_submit(request.user, found)
    submission, states = selectors.matter_states(found)
    form = SubmitForm(request.POST or None, request.FILES or None) if may_submit and submission is None else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(APPROVAL_ERRORS["submit_not_allowed"])
        if form.is_valid():
            try:
                services.submit(project=found, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Submitted once: every matter is now in its department's queue."))
                return redirect("approvals:project", found.code)
    return render(
        request,
        "approvals/project.html",
        {
            "project": found,
            "submission": submission,
            "states": states,
            "form": form,
            "today": timezone.localdate(),
            "may_open_all": permissions.may_open_every_review(request.user, found),
            "my_departments": permissions.department_ids(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def departments(request):
    return render(request, "approvals/departments.html", {"rows": selectors.department_averages()})


@login_required
@require_http_methods(["GET", "POST"])
def catalog(request):
    if not permissions.can_manage_catalog(request.user):
        raise PermissionDenied(APPROVAL_ERRORS["catalog_not_allowed"])
    editing = None
    if request.GET.get("edit", "").isdigit():
        editing = get_object_or_404(Matter, pk=int(request.GET["edit"]))
    initial = None
    if editing is not None:
        initial = {
            "name": editing.name,
            "department": editing.department_id,
            "time_limit": editing.time_limit,
            "documents": editing.documents,
            "project_kinds": editing.project_kinds,
            "items": list(editing.items.values_list("pk", flat=True)),
        }
    form = MatterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.matter_save(actor=request.user, matter=editing, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The catalog is saved."))
            return redirect("approvals:catalog")
    matters = Matter.objects.select_related("department").prefetch_related("items").order_by("department__name", "name")
    return render(
        request,
        "approvals/catalog.html",
        {"form": form, "matters": matters, "editing": editing},
        status=400 if request.method == "POST" else 200,
    )
