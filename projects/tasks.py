"""Celery tasks: thin — call the service, retry on transient database errors."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def close_due_votes() -> list[str]:
    """Close every open vote past its deadline (beat runs it every minute). Idempotent."""
    return services.votes_close_due()
