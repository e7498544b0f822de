"""Celery tasks: thin — call the export job, retry on transient database errors."""

from celery import shared_task
from django.db import OperationalError

from core.tasks import RETRY, enqueue

from . import export_jobs, scoring


@shared_task(bind=True, **RETRY)
def build_export(self, job_id: str) -> str:
    """Build one XLSX export (idempotent: a re-delivered job rebuilds the same file)."""
    try:
        return export_jobs.export_job_build(job_id=job_id).status
    except OperationalError:
        raise
    except Exception as error:
        export_jobs.export_job_fail(job_id=job_id, error=f"{error.__class__.__name__}: {error}")
        raise


@shared_task(acks_late=True)
def purge_exports() -> int:
    return export_jobs.exports_purge()


@shared_task(acks_late=True)
def sweep_exports() -> dict:
    """Beat: send the jobs the broker missed; fail the ones no worker started in time."""
    return export_jobs.exports_sweep(send=lambda pk: enqueue(build_export, pk))


@shared_task(acks_late=True)
def snapshot_street_scores() -> int:
    """Beat (hourly): this month's snapshot of every street's indicators, taken once."""
    return scoring.snapshot()
