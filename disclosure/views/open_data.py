"""Open data (architecture §6): the projects CSV and the OC4IDS package."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.replica import replica_ok

from .. import opendata
from .cache import _json


@replica_ok
@require_safe
def opendata_projects_csv(request):
    """Every public project, one row each; UTF-8 with a BOM so Excel shows the Chinese names."""
    rows = opendata.project_rows()

    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@replica_ok
@require_safe
def opendata_oc4ids(request):
    return _json(opendata.oc4ids_package(request.build_absolute_uri(reverse("disclosure:oc4ids"))), cache_seconds=300)
