"""Reads of the portal app: export jobs and the audit trail."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db.models import Q

from projects.models import Project

from .models import ExportJob


def export_jobs_of(user, *, limit: int = 10):
    return list(ExportJob.objects.filter(requested_by=user).order_by("-created_at")[:limit])


def export_job_for(user, pk) -> ExportJob | None:
    """The job if the user may see it (requester or admin), else None (a 404)."""
    from . import permissions

    job = ExportJob.objects.filter(pk=pk).select_related("requested_by").first()
    return job if job is not None and permissions.can_download_export(user, job) else None


def audit_entries(*, project_code: str = "", username: str = ""):
    """Log entries, newest first, optionally of one project (entries carry its id) or one actor."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if project_code:
        project = Project.objects.filter(code=project_code).values_list("pk", flat=True).first()
        qs = qs.filter(Q(additional_data__project=project)) if project else qs.none()
    if username:
        qs = qs.filter(actor__username=username)
    return qs
