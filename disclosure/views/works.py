"""Progress and milestones (the contractor's desk) and progress photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import form_errors

from .. import permissions, services
from .. import selectors as pub
from ..forms import (
    MilestoneForm,
    MilestoneStatusForm,
    ProgressForm,
)
from ..models import Milestone
from .money import _act_and_report, _acting_project
from .projects import _public_project_or_404


@require_http_methods(["GET", "HEAD", "POST"])
def progress_page(request, code: str):
    project = _public_project_or_404(code)
    can_post = permissions.can_post_progress(request.user, project)
    items = pub.adopted_plan_items(project)
    form = ProgressForm(items=items) if can_post else None
    milestone_form = MilestoneForm() if can_post else None
    status = 200
    if request.method == "POST":
        project = _acting_project(request, code)
        if not permissions.can_post_progress(request.user, project):
            raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
        if request.POST.get("action") == "milestone":
            milestone_form = MilestoneForm(request.POST)
            if milestone_form.is_valid():
                try:
                    services.milestone_add(project=project, actor=request.user, **milestone_form.cleaned_data)
                except ValidationError as error:
                    form_errors(milestone_form, error)
                else:
                    messages.success(request, _("Milestone added."))
                    return redirect("disclosure:progress", code=code)
        else:
            form = ProgressForm(request.POST, request.FILES, items=items)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.progress_post(
                        project=project,
                        actor=request.user,
                        percent=data["percent"],
                        text=data["text"],
                        plan_item=data["plan_item"],
                        photos=data["photos"],
                    )
                except ValidationError as error:
                    form_errors(form, error)
                else:
                    messages.success(request, _("Progress posted. It is public now."))
                    return redirect("disclosure:progress", code=code)
        status = 400
    page = Paginator(pub.progress_updates(project, limit=None), 20).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "page": page,
        "updates": page.object_list,
        "progress": pub.current_progress(project),
        "milestones": pub.milestones(project),
        "form": form,
        "milestone_form": milestone_form,
        "status_form": MilestoneStatusForm() if can_post else None,
        "page_query": "",
    }
    return render(request, "disclosure/progress.html", context, status=status)


@require_POST
def milestone_update(request, code: str, pk: int):
    project = _acting_project(request, code)
    milestone = get_object_or_404(Milestone, project=project, pk=pk)
    if not permissions.can_manage_milestones(request.user, project):
        raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
    return _act_and_report(
        request,
        MilestoneStatusForm(request.POST),
        lambda data: services.milestone_update(milestone=milestone, actor=request.user, **data),
        lambda _milestone: _("Milestone updated."),
        redirect("disclosure:progress", code=code),
    )


@require_safe
def photo(request, pk: int, size: str):
    """A public progress photo (metadata stripped when stored). Photos never change, so they are
    cached for a year by browsers and proxies."""
    if size not in ("thumb", "full"):
        raise Http404
    photo = pub.public_photo(pk)
    if photo is None:
        raise Http404
    return photo_response(request, photo, size)


def photo_response(request, photo, size: str, etag_prefix: str = ""):
    """A public photo (progress or inspection): it never changes, so cached for a year."""
    field = photo.thumb if size == "thumb" else photo.image
    etag = f'"{etag_prefix}{photo.pk}-{size}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = FileResponse(field.open("rb"), content_type=photo.photo_content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
