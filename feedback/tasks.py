"""Celery tasks: thin — load, call the service, retry on transient database errors. Every task is
idempotent and acknowledged late (a worker that dies mid-task has it re-delivered): invitations,
notices and messages are keyed, so a re-run adds and sends nothing twice."""

from celery import shared_task

from core.tasks import RETRY

from . import services
from .willingness_tasks import send_willingness_letters


@shared_task(**RETRY)
def dispatch_surveys() -> dict:
    """Beat: open due surveys, close ended ones (rating contractors), and queue one task per batch
    of SURVEY_BATCH_SIZE invitations or reminders (not one task per household); and queue the
    willingness surveys whose letters are not all sent."""
    plan = services.surveys_dispatch(on_batch=lambda batch: send_survey_batch.delay(*batch))
    unsent = services.willingness_unsent()  # willingness letters a lost task left behind
    for survey_id in unsent:
        send_willingness_letters.delay(survey_id)
    return {"opened": plan.opened, "closed": plan.closed, "batches": len(plan.batches), "willingness": unsent}


@shared_task(**RETRY)
def send_survey_batch(survey_id: int, kind: str, first_id: int, last_id: int) -> dict:
    return services.survey_send_and_deliver(survey_id=survey_id, kind=kind, first_id=first_id, last_id=last_id)


@shared_task(**RETRY)
def sweep_complaints() -> dict:
    """Beat: escalate overdue complaints (once each) and close resolved ones after the window."""
    return {
        "escalated": services.complaints_escalate_overdue(),
        "closed": services.complaints_close_resolved(),
    }


@shared_task(**RETRY)
def escalate_integrity_reports() -> int:
    """Beat: integrity reports not taken on or answered in time go up, once each."""
    return services.integrity_escalate_overdue()
