"""Celery tasks: thin — call the service, retry on transient database errors."""

from celery import shared_task

from core.tasks import RETRY

from . import services


@shared_task(**RETRY)
def close_due_votes() -> list[str]:
    """Close every open vote past its deadline (beat runs it every minute). Idempotent."""
    return services.votes_close_due()


@shared_task(**RETRY)
def check_manager_terms() -> dict[str, int]:
    """Beat (hourly): renewal votes due (the community and council told), contracts past their day ended."""
    return services.manager_terms_check()


@shared_task(**RETRY)
def report_overdue_defects() -> int:
    """Beat (hourly): tell the contractor and the signer of punch-list defects past their date."""
    return services.defects_overdue_notify()
