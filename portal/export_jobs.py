"""The worker's half of report exports: build a job's XLSX, mark it failed, purge old files.

portal.tasks calls these; portal.services queues the tasks, so this module sits below both."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import timezone, translation

from core.replica import keep_reading, reading_from_replica

from .exports import xlsx_write
from .models import ExportJob
from .reports import REPORTS, Filters


def export_job_build(*, job_id) -> ExportJob:
    """Build the job's file (idempotent). A re-delivered job — its worker died — starts again from
    the first row into a fresh temporary file; the finished file replaces any earlier one, so a
    second run gives the same file and a finished job is left alone."""
    job = ExportJob.objects.get(pk=job_id)
    if job.status in (ExportJob.Status.DONE, ExportJob.Status.EXPIRED):
        return job
    report, filters = REPORTS[job.report], Filters.from_json(job.filters)
    with reading_from_replica():  # the report's rows from the replica when one is current; the job's own row not
        total = report.count(filters)
        rows = keep_reading(report.rows(filters))
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now(),
        rows_done=0,
        rows_total=total,
        attempts=job.attempts + 1,
        error="",
    )

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(rows_done=n)

    language = job.filters.get("language") or settings.LANGUAGE_CODE  # the requester's, at the time
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix=f"export-{job.pk}-")
    os.close(handle)
    try:
        with translation.override(language):
            written = xlsx_write(
                path,
                title=str(report.title),
                header=[str(h) for _c, h in report.columns],
                rows=rows,
                progress=progress,
            )
        job.refresh_from_db()
        if job.file:
            job.file.delete(save=False)
        with open(path, "rb") as handle:
            job.file.save(f"{job.pk}.xlsx", File(handle), save=False)
    finally:
        os.unlink(path)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        status=ExportJob.Status.DONE,
        rows_done=written,
        rows_total=written,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    job.refresh_from_db()
    return job


def export_job_fail(*, job_id, error: str) -> None:
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, error=error[:500]
    )


def export_job_send(*, job_id, send) -> bool:
    """Hand a queued job to the broker (`send` answers whether it got there) and note when."""
    if not send(str(job_id)):
        return False
    ExportJob.objects.filter(pk=job_id).update(sent_at=timezone.now())
    return True


def exports_sweep(*, send, now=None) -> dict[str, int]:
    """The beat job: send again the queued jobs that never reached the broker (it was away) or
    whose message was lost; a job no worker started within EXPORT_GIVE_UP_MINUTES fails, so its
    page says so instead of waiting for ever."""
    now = now or timezone.now()
    queued = ExportJob.objects.filter(status=ExportJob.Status.QUEUED)
    failed = queued.filter(created_at__lt=now - timedelta(minutes=settings.EXPORT_GIVE_UP_MINUTES)).update(
        status=ExportJob.Status.FAILED, error=f"no worker started it within {settings.EXPORT_GIVE_UP_MINUTES} minutes"
    )
    unsent = queued.filter(created_at__lt=now - timedelta(minutes=1)).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=now - timedelta(minutes=settings.EXPORT_RESEND_MINUTES))
    )
    sent = sum(export_job_send(job_id=pk, send=send) for pk in unsent.values_list("pk", flat=True)[:500])
    return {"sent": sent, "failed": failed}


def exports_purge(*, now=None) -> int:
    """Delete the files of jobs past their kept time (beat, hourly)."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lt=now):
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
        purged += 1
    return purged
