"""Needs (点单): filing, supporting, triaging, and a need's photo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import private_file_response
from core.forms import form_errors
from stakeholders import permissions as stakeholder_permissions
from stakeholders.forms import SitePlanForm
from stakeholders.models import Estate
from stakeholders.site_plans import site_plan_of, site_plan_upload

from .. import permissions, selectors, services
from ..forms import (
    NeedForm,
    TriageForm,
)
from ..models import Need

NEEDS_PER_PAGE = 30


@login_required
@require_http_methods(["GET", "POST"])
def needs(request, code: str):
    project = get_object_or_404(selectors.projects_for_needs(request.user), code=code)
    can_file = permissions.can_file_need(request.user, project)
    form, status = None, 200
    buildings = project.estate.buildings.order_by("number")
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied(services.NEED_ERRORS["cannot_file"])
        form = NeedForm(request.POST, request.FILES, catalog=selectors.catalog(), buildings=buildings)
        if form.is_valid():
            try:
                services.need_file(
                    project=project,
                    actor=request.user,
                    catalog_item=form.cleaned_data["catalog_item"],
                    text=form.cleaned_data["text"],
                    photo=form.cleaned_data["photo"],
                    building=form.cleaned_data["building"],
                    point=form.point(),
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Your need is filed. Neighbours can now support it."))
                return redirect("projects:needs", project.code)
        status = 400
    return _render_needs(
        request,
        project,
        form=form if form is not None else NeedForm(catalog=selectors.catalog(), buildings=buildings),
        status=status,
    )


def _render_needs(request, project, *, form=None, triage_failed=None, status=200, plan_form=None):
    page = Paginator(selectors.needs_ranked(project, request.user), NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    can_triage = permissions.can_triage_needs(request.user, project)
    plan_items = selectors.draft_plan_items(project)
    site_plan = site_plan_of(project.estate_id)
    rows, points = [], []
    for need in page.object_list:
        if site_plan is not None and need.plan_x is not None:
            need.plan_number = len(points) + 1
            x, y = (
                round(site_plan.width * float(need.plan_x) / 100, 1),
                round(site_plan.height * float(need.plan_y) / 100, 1),
            )
            points.append((need, x, y))
        need.project = project  # loaded once for the permission checks below
        triage = None
        if can_triage and need.status == Need.Status.OPEN:
            triage = (
                triage_failed[1] if triage_failed and triage_failed[0] == need.pk else TriageForm(plan_items=plan_items)
            )
            triage.auto_id = f"id_n{need.pk}_%s"
        rows.append((need, triage, permissions.can_support_need(request.user, need) and not need.supported_by_me))
    context = {
        "project": project,
        "page": page,
        "rows": rows,
        "form": form,
        "page_query": "",
        "can_file": permissions.can_file_need(request.user, project),
        "can_triage": can_triage,
        "site_plan": site_plan,
        "points": points,
        "dot_r": max(site_plan.width, site_plan.height) // 28 if site_plan else 0,  # ~16 px on a phone
        "plan_form": plan_form
        or (SitePlanForm() if stakeholder_permissions.can_upload_site_plan(request.user, project.estate) else None),
    }
    return render(request, "projects/needs.html", context, status=status)


def _need_in_scope(request, pk: int) -> Need:
    return get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["POST"])
def need_support(request, pk: int):
    need = _need_in_scope(request, pk)
    try:
        services.need_support(need=need, actor=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("You support this need."))
    return redirect(f"{reverse('projects:needs', args=[need.project.code])}#need-{need.pk}")


@login_required
@require_http_methods(["POST"])
def need_triage(request, pk: int):
    need = _need_in_scope(request, pk)
    if not permissions.can_triage_needs(request.user, need.project):
        raise PermissionDenied(services.NEED_ERRORS["cannot_triage"])
    plan_items = selectors.draft_plan_items(need.project)
    form = TriageForm(request.POST, plan_items=plan_items)
    if form.is_valid():
        item = selectors.draft_plan_item(need.project, form.cleaned_data["plan_item"])
        try:
            services.need_triage(
                need=need,
                actor=request.user,
                include=form.cleaned_data["decision"] == "include",
                reason=form.cleaned_data["reason"],
                plan_item=item,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Answer saved; the owner who filed the need is notified."))
            return redirect(f"{reverse('projects:needs', args=[need.project.code])}#need-{need.pk}")
    buildings = need.project.estate.buildings.order_by("number")
    return _render_needs(
        request,
        need.project,
        form=NeedForm(catalog=selectors.catalog(), buildings=buildings),
        triage_failed=(need.pk, form),
        status=400,
    )


@require_safe
@login_required
def need_photo(request, pk: int):
    need = _need_in_scope(request, pk)
    if not need.photo:
        raise Http404
    return private_file_response(need.photo, content_type=need.photo_content_type, download_name=f"need-{need.pk}")


@login_required
@require_http_methods(["POST"])
def site_plan_put(request, code: str):
    """The community committee or the street office puts up (or replaces) the estate's site plan."""
    project = get_object_or_404(selectors.projects_for_needs(request.user), code=code)
    form = SitePlanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            site_plan_upload(estate=project.estate, actor=request.user, upload=form.cleaned_data["site_plan"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The site plan is up: residents can place their needs on it."))
            return redirect("projects:needs", project.code)
    return _render_needs(request, project, form=_blank_need_form(project), plan_form=form, status=400)


def _blank_need_form(project):
    return NeedForm(catalog=selectors.catalog(), buildings=project.estate.buildings.order_by("number"))


@login_required
@require_safe
def site_plan_image(request, estate_code: str, size: str):
    estate = get_object_or_404(Estate.objects.select_related("community"), code=estate_code)
    plan = site_plan_of(estate.pk) if size in ("full", "thumb") else None
    if plan is None or not stakeholder_permissions.can_view_site_plan(request.user, estate):
        raise Http404
    return private_file_response(
        plan.image if size == "full" else plan.thumb, content_type=plan.photo_content_type, download_name="site-plan"
    )
