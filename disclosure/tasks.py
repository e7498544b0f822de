"""Celery tasks: thin — call the service, retry on transient database errors."""

from celery import shared_task

from core.tasks import RETRY

from .services.checkpoints import heads_digest_build


@shared_task(**RETRY)
def digest_ledger_heads() -> int:
    """Beat (hourly): the daily digest of every ledger's head, for each finished day without one."""
    return len(heads_digest_build())
