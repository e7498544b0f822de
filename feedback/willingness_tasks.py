"""The willingness survey's task (a module of its own: feedback.services queues it, and the
services must not import feedback.tasks, which imports them)."""

from celery import shared_task

from core.tasks import RETRY

from . import letters


@shared_task(**RETRY)
def send_willingness_letters(survey_id: int) -> dict:
    """After a willingness survey opens: its notices in batches (printing for the rest), then sent."""
    return letters.willingness_send_letters(survey_id=survey_id)
