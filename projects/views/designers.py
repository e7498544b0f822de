"""Designers and community planners on a plan: the street office assigns one, its staff attach
drawings to a version, and anyone who may read the version opens its drawings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.files import private_file_response

from .. import permissions, selectors, services
from ..forms import DesignerForm, DrawingForm
from ..models import PlanDrawing


@login_required
@require_POST
def designer_assign(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_assign_designer(request.user, project):
        raise PermissionDenied(services.DESIGN_ERRORS["not_allowed"])
    form = DesignerForm(request.POST)
    back = request.POST.get("next", "") if request.POST.get("next", "").startswith("/") else project.get_absolute_url()
    if form.is_valid():
        try:
            services.plan_designer_assign(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The designer is at the table: its staff attach drawings and answer comments."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(back)


@login_required
@require_POST
def drawing_add(request, code: str, number: int):
    project = get_object_or_404(selectors.projects_designed_by(request.user), code=code)
    version = get_object_or_404(selectors.plan_versions(project).select_related("project__estate"), number=number)
    if not permissions.can_attach_drawing(request.user, version):
        raise PermissionDenied(services.DESIGN_ERRORS["drawing_not_allowed"])
    form = DrawingForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_drawing_add(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Drawing attached to the plan version."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("projects:plan", args=[code, number]) + "#drawings")


@require_safe
def drawing_file(request, pk: int):
    drawing = get_object_or_404(PlanDrawing.objects.select_related("version__project__estate"), pk=pk)
    version = drawing.version
    sees = (
        selectors.projects_visible_to(request.user).filter(pk=version.project_id).exists()
        or selectors.projects_designed_by(request.user).filter(pk=version.project_id).exists()
    )
    public = selectors.public_projects().filter(pk=version.project_id).exists()
    if not (sees or public) or not permissions.can_read_plan_version(request.user, version, sees_project=sees):
        raise Http404
    return private_file_response(drawing.file, content_type=drawing.file_type, download_name=f"drawing-{drawing.pk}")
