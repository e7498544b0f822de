"""The bureau's page of how streets perform (issue 22 item 5), with its CSV and XLSX."""

from __future__ import annotations

import tempfile
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import permissions, scoring
from .exports import csv_stream, xlsx_write


def _month(request) -> date | None:
    """?month=YYYY-MM picks a kept snapshot (404 if there is none); no month: computed now."""
    text = request.GET.get("month", "")
    if not text:
        return None
    try:
        month = date.fromisoformat(f"{text}-01")
    except ValueError:
        raise Http404 from None
    if month not in scoring.months():
        raise Http404
    return month


def _allowed(request):
    if not permissions.can_see_street_scores(request.user):
        raise PermissionDenied(_("The street scoring is for the housing bureau."))


@login_required
@require_safe
def street_scores(request):
    _allowed(request)
    month = _month(request)
    return render(
        request,
        "portal/street_scores.html",
        {
            "rows": scoring.table(month=month),
            "indicators": scoring.INDICATORS,
            "month": month,
            "months": scoring.months(),
            "today": timezone.localdate(),
        },
    )


def _sheet(month):
    header = [_("Street"), _("District")] + [f"{i.name} ({i.unit})" for i in scoring.INDICATORS]
    rows = (
        [r.street.name, r.street.district] + [r.values[c] for c in scoring.CODES] for r in scoring.table(month=month)
    )
    return header, rows


def _name(month) -> str:
    return f"street-scores-{(month or timezone.localdate()):%Y-%m}"


@login_required
@require_safe
def street_scores_csv(request):
    _allowed(request)
    month = _month(request)
    header, rows = _sheet(month)
    response = StreamingHttpResponse(csv_stream([str(h) for h in header], rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_name(month)}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def street_scores_xlsx(request):
    """A few hundred streets at most: built here, not by a worker."""
    _allowed(request)
    month = _month(request)
    header, rows = _sheet(month)
    built = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes it
    xlsx_write(built.name, title=str(_("Street scores")), header=[str(h) for h in header], rows=rows)
    built.seek(0)
    response = FileResponse(
        built,
        as_attachment=True,
        filename=f"{_name(month)}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response
