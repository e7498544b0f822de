"""`make run`: zero setup. SQLite and eager Celery unless DATABASE_URL / CELERY_BROKER_URL say otherwise."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production")
# The demo city follows Nanning: council first (先自治、后改造).
PETITION_REQUIRES_COUNCIL = env.bool("PETITION_REQUIRES_COUNCIL", default=True)

# Eager tasks (no broker) would log every run at INFO; a worker's log keeps them.
LOGGING = {**LOGGING, "loggers": {"celery.app.trace": {"level": "WARNING"}}}  # noqa: F405

# DEBUG keeps tracebacks for developers, but an unknown URL shows the portal's own 404 page.
MIDDLEWARE = [*MIDDLEWARE, "portal.middleware.PortalNotFoundMiddleware"]  # noqa: F405
