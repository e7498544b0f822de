"""What every app's Celery tasks share (architecture §6)."""

from django.db import OperationalError

# A task is acknowledged after it ran (a worker that dies mid-task gets it re-delivered, so every
# task is idempotent) and retried with backoff when the database is briefly away.
RETRY = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
