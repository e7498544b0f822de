"""The beat job of the parallel approvals: matters past their time limit go up to the bureau."""

from celery import shared_task

from . import services


@shared_task
def escalate_overdue_reviews() -> int:
    return services.escalate_overdue()
