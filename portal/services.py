"""Writes of the portal app: report export jobs (HackSoft services). The worker's half — build,
fail, purge — is in export_jobs.py, which the Celery tasks call."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.tasks import enqueue
from stakeholders.audit import by_actor

from . import permissions
from .export_jobs import export_job_build, export_job_fail, export_job_send, exports_purge  # noqa: F401  (re-exported)
from .models import ExportJob
from .reports import REPORTS, Filters
from .tasks import build_export

ERRORS = {
    "not_allowed": _("Reports are for the housing bureau, street offices and admins."),
    "unknown_report": _("There is no such report."),
}


@by_actor
@transaction.atomic
def export_job_start(*, actor, report: str, filters: Filters, language: str = "") -> ExportJob:
    """Queue an XLSX export; the worker builds it after the commit (portal.tasks.build_export)."""
    if not permissions.may_export(actor):
        raise PermissionDenied(ERRORS["not_allowed"])
    if report not in REPORTS:
        raise ValidationError(ERRORS["unknown_report"], code="unknown_report")
    job = ExportJob.objects.create(
        requested_by=actor,
        report=report,
        filters={**filters.as_json(), "language": language or settings.LANGUAGE_CODE},
    )
    # A broker that is away leaves the job queued and unsent: the beat sweep sends it later.
    transaction.on_commit(lambda: export_job_send(job_id=job.pk, send=lambda pk: enqueue(build_export, pk)))
    return job
