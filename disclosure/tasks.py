"""Celery tasks: thin — call the service, retry on transient database errors."""

from celery import shared_task

from core.tasks import RETRY

from .services.checkpoints import heads_digest_build, ledger_verify_all
from .services.inspections import inspections_overdue_notify


@shared_task(**RETRY)
def digest_ledger_heads() -> int:
    """Beat (hourly): the daily digest of every ledger's head, for each finished day without one."""
    return len(heads_digest_build())


@shared_task(**RETRY)
def report_late_inspections() -> int:
    """Beat (every 15 minutes): tell the street office of inspection notes not answered in time."""
    return inspections_overdue_notify()


@shared_task(**RETRY)
def verify_ledgers() -> dict:
    """Beat (every six hours): every ledger verified in full; pages then hash only newer entries."""
    return ledger_verify_all()
