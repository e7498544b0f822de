"""Hearings (听证会) and residents' meetings: the public list, calling one, signing in online,
recording it, and the private sign-in sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import private_file_response
from core.forms import form_errors
from core.params import bounded_int, text
from stakeholders.models import Household

from .. import hearings as reads
from .. import permissions, selectors, services
from ..forms import HearingForm, HearingRecordForm
from ..models import Hearing, PlanVersion


def _project_for(request, code: str):
    """The project as the viewer sees it, or as the public does (hearings are public)."""
    project = selectors.projects_for_needs(request.user).filter(code=code).first()
    return project or get_object_or_404(selectors.public_projects(), code=code)


def _published_versions(project):
    return PlanVersion.objects.filter(project=project).exclude(status=PlanVersion.Status.DRAFT).order_by("-number")


@require_http_methods(["GET", "HEAD", "POST"])
def hearings(request, code: str):
    project = _project_for(request, code)
    now = timezone.now()
    can_schedule = request.user.is_authenticated and permissions.can_schedule_hearing(request.user, project)
    form = HearingForm(versions=_published_versions(project)) if can_schedule else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in first."))
        if request.POST.get("action") == "check_in":
            hearing = get_object_or_404(
                Hearing.objects.select_related("project__estate"), project=project, pk=request.POST.get("hearing")
            )
            try:
                services.hearing_check_in(hearing=hearing, actor=request.user)
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            else:
                messages.success(request, _("You are signed in. Thank you for taking part."))
            return redirect(f"{request.path}#hearing-{hearing.pk}")
        if not can_schedule:
            raise PermissionDenied(services.HEARING_ERRORS["not_allowed"])
        form = HearingForm(request.POST, versions=_published_versions(project))
        if form.is_valid():
            try:
                hearing = services.hearing_schedule(project=project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The hearing is called; every resident of the estate is told."))
                return redirect(f"{request.path}#hearing-{hearing.pk}")
    rows = [
        (
            h,
            request.user.is_authenticated and permissions.can_check_in(request.user, h, now) and not h.checked_in,
            request.user.is_authenticated and permissions.can_record_hearing(request.user, h, now),
            request.user.is_authenticated and permissions.can_sign_in_at_desk(request.user, h, now),
        )
        for h in reads.project_hearings(project, request.user)
    ]
    context = {"project": project, "rows": rows, "form": form, "now": now}
    return render(request, "projects/hearings.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def hearing_record(request, pk: int):
    hearing = get_object_or_404(Hearing.objects.select_related("project__estate__community"), pk=pk)
    if not permissions.can_record_hearing(request.user, hearing, timezone.now()):
        if permissions.can_schedule_hearing(request.user, hearing.project) or hearing.recorded_at:
            messages.error(request, _("A hearing is recorded once, after it began."))
            return redirect("projects:hearings", code=hearing.project.code)
        raise Http404
    form = HearingRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hearing_record(hearing=hearing, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The hearing's record is public (without names)."))
            return redirect(f"{hearing.project.get_absolute_url()}hearings/#hearing-{hearing.pk}")
    online = hearing.checkins.count()
    return render(
        request,
        "projects/hearing_record.html",
        {"hearing": hearing, "form": form, "online": online},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def hearing_sheet(request, pk: int):
    hearing = get_object_or_404(Hearing.objects.select_related("project__estate"), pk=pk)
    if not permissions.can_view_hearing_sheet(request.user, hearing):
        raise Http404
    return private_file_response(
        hearing.signin_sheet, content_type=hearing.signin_sheet_type, download_name=f"hearing-{hearing.pk}-signin"
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_desk(request, pk: int):
    """The door's sign-in list: staff tick each household that signs the sheet (owners without an
    account or a phone), one building at a time; online sign-ins show as signed already."""
    hearing = get_object_or_404(Hearing.objects.select_related("project__estate__community"), pk=pk)
    if not permissions.can_sign_in_at_desk(request.user, hearing, timezone.now()):
        if permissions.can_schedule_hearing(request.user, hearing.project) or permissions.can_record_hearing(
            request.user, hearing, timezone.now()
        ):
            messages.error(request, services.HEARING_ERRORS["desk_not_allowed"])
            return redirect(f"{hearing.project.get_absolute_url()}hearings/#hearing-{hearing.pk}")
        raise Http404
    buildings = reads.desk_buildings(hearing)
    chosen = bounded_int(request.POST.get("building") or request.GET.get("building"))
    building = next((b for b in buildings if b.pk == chosen), buildings[0] if buildings else None)
    query = text(request.GET.get("q"), max_length=20)
    if request.method == "POST":
        household = get_object_or_404(
            Household.objects.select_related("building"),
            pk=bounded_int(request.POST.get("household")) or 0,
            building__estate_id=hearing.project.estate_id,
        )
        try:
            services.hearing_desk_sign_in(hearing=hearing, household=household, actor=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Signed in: %(household)s.") % {"household": household})
        suffix = f"&q={query}" if query else ""
        return redirect(f"{request.path}?building={household.building_id}{suffix}#household-{household.pk}")
    households = reads.desk_households(hearing, building, query) if building else []
    context = {
        "hearing": hearing,
        "buildings": buildings,
        "building": building,
        "households": households,
        "query": query,
        "signed": reads.signin_count(hearing),
    }
    return render(request, "projects/hearing_desk.html", context)
