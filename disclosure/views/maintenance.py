"""维修养护记录 (issue 20 item 4): after acceptance the estate's manager records repairs and upkeep
with photos; everyone reads them (naming the organization, never the person)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors

from .. import permissions, services
from .. import selectors as pub
from ..forms import MaintenanceForm
from ..models import MaintenancePhoto, MaintenanceRecord
from .money import _acting_project
from .projects import _public_project_or_404
from .works import photo_response

PUBLIC_STATUSES = ("completed", "maintained")


@require_http_methods(["GET", "HEAD", "POST"])
def maintenance_page(request, code: str):
    project = _public_project_or_404(code)
    items = pub.adopted_plan_items(project)
    may_post = permissions.can_post_maintenance(request.user, project)
    entries = pub.maintenance_expenses(project) if may_post or request.method == "POST" else []
    form = MaintenanceForm(items=items, entries=entries) if may_post else None
    status = 200
    if request.method == "POST":
        project = _acting_project(request, code)
        if not permissions.can_post_maintenance(request.user, project):
            raise PermissionDenied(services.MAINTENANCE_ERRORS["not_allowed"])
        form = MaintenanceForm(request.POST, request.FILES, items=items, entries=entries)
        if form.is_valid():
            try:
                record = services.maintenance_post(project=project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Maintenance recorded. It is public now."))
                return redirect(f"{request.path}#maintenance-{record.pk}")
        status = 400
    records = (
        MaintenanceRecord.objects.filter(project=project)
        .select_related("plan_item__catalog_item", "organization", "ledger_entry")
        .prefetch_related("photos")
        .order_by("-done_on", "-id")
    )
    return render(
        request, "disclosure/maintenance.html", {"project": project, "records": records, "form": form}, status=status
    )


@require_safe
def maintenance_photo(request, pk: int, size: str):
    if size not in ("thumb", "full"):
        raise Http404
    found = MaintenancePhoto.objects.filter(pk=pk, record__project__status__in=PUBLIC_STATUSES).first()
    if found is None:
        raise Http404
    return photo_response(request, found, size, etag_prefix="m")
