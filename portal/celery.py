import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Bulk work — exports, the survey fan-out, the whole-city jobs — has its own queue, so a big export
# never holds up a notification: `<default queue>.bulk` (celery.bulk), or CELERY_BULK_QUEUE.
# Run a worker for each (README, docker-compose.yml): `-Q celery` and `-Q celery.bulk`.
BULK_TASKS = frozenset(
    {
        "portal.tasks.build_export",
        "portal.tasks.purge_exports",
        "portal.tasks.snapshot_street_scores",
        "feedback.tasks.dispatch_surveys",
        "feedback.tasks.send_survey_batch",
        "disclosure.tasks.digest_ledger_heads",
        "disclosure.tasks.verify_ledgers",
    }
)


def bulk_queue() -> str:
    return app.conf.get("bulk_queue") or f"{app.conf.task_default_queue}.bulk"


def route(name, args, kwargs, options, task=None, **kw):
    """CELERY_TASK_ROUTES: the bulk tasks to the bulk queue, the rest to the default one."""
    return {"queue": bulk_queue()} if name in BULK_TASKS else None
