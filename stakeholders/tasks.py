"""Celery tasks: thin — call the sender, retry on transient database errors."""

from celery import shared_task

from core.tasks import RETRY

from . import deliveries


@shared_task(**RETRY)
def send_deliveries(batch: str) -> dict:
    """Send one batch of e-mails and SMS (each message claimed once: re-delivery sends nothing twice)."""
    return deliveries.deliveries_send(batch=batch)


@shared_task(**RETRY)
def sweep_deliveries() -> dict:
    """Beat: send what a lost task left pending; mark messages whose sender died `unknown`."""
    return deliveries.deliveries_sweep()
