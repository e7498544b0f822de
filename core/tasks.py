"""What every app's Celery tasks share (architecture §6)."""

import logging

from django.db import OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A task is acknowledged after it ran (a worker that dies mid-task gets it re-delivered, so every
# task is idempotent) and retried with backoff when the database is briefly away.
RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


# Publishing gives up quickly when the broker is away: the request that asked has its row stored
# (the outbox) and a beat sweep sends it once the broker is back.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, *args) -> bool:
    """Send `task(*args)` to the broker. False, logged, when the broker does not answer: callers
    keep what the task needs in the database so that a sweep can send it later (architecture §6)."""
    if task.app.conf.task_always_eager:  # no broker: the task runs here, its errors are its own
        task.apply_async(args=args)
        return True
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except (KombuOperationalError, RedisError, OSError) as error:
        logger.warning("broker unavailable, %s left for the sweep: %s", task.name, error)
        return False
    return True
