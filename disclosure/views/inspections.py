"""Inspection notes on the works (施工检查记录): the public list, the council representative's form,
the contractor's answer, and the notes' public photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors

from .. import inspections as reads
from .. import permissions, services
from .. import selectors as pub
from ..forms import InspectionAnswerForm, InspectionForm
from ..models import Inspection
from .money import _acting_project
from .projects import _public_project_or_404
from .works import photo_response


def _post_note(request, code: str, items):
    project = _acting_project(request, code)
    if not permissions.can_post_inspection(request.user, project):
        raise PermissionDenied(services.INSPECTION_ERRORS["not_allowed"])
    form = InspectionForm(request.POST, request.FILES, items=items)
    if form.is_valid():
        try:
            note = services.inspection_post(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Inspection note posted. It is public now; the contractor has been told."))
            return None, note
    return form, None


def _answer_note(request, code: str):
    project = _acting_project(request, code)
    note = get_object_or_404(Inspection.objects.select_related("project"), project=project, pk=request.POST.get("note"))
    if not permissions.can_answer_inspection(request.user, note):
        raise PermissionDenied(services.INSPECTION_ERRORS["not_allowed_answer"])
    form = InspectionAnswerForm(request.POST, prefix=f"n{note.pk}")
    if form.is_valid():
        try:
            services.inspection_answer(inspection=note, actor=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Answer posted. It is public now."))
            return None, note
    return (note.pk, form), None


@require_http_methods(["GET", "HEAD", "POST"])
def inspections_page(request, code: str):
    project = _public_project_or_404(code)
    items = pub.adopted_plan_items(project)
    can_post = permissions.can_post_inspection(request.user, project)
    form, failed_answer = (InspectionForm(items=items) if can_post else None), None
    if request.method == "POST":
        if request.POST.get("action") == "answer":
            failed_answer, done = _answer_note(request, code)
        else:
            form, done = _post_note(request, code, items)
        if done is not None:
            return redirect(f"{request.path}#inspection-{done.pk}")
    notes = list(reads.project_inspections(project))
    rows = []
    for note in notes:
        answer_form = None
        if permissions.can_answer_inspection(request.user, note):
            answer_form = (
                failed_answer[1]
                if failed_answer and failed_answer[0] == note.pk
                else InspectionAnswerForm(prefix=f"n{note.pk}")
            )
        rows.append((note, answer_form))
    context = {"project": project, "rows": rows, "form": form, "now": timezone.now()}
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosure/inspections.html", context, status=status)


@require_safe
def inspection_photo(request, pk: int, size: str):
    if size not in ("thumb", "full"):
        raise Http404
    found = reads.public_inspection_photo(pk)
    if found is None:
        raise Http404
    return photo_response(request, found, size, etag_prefix="i")
