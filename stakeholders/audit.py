"""Who did it, for the audit trail (django-auditlog; what is audited is listed in portal/audit.py).

In a request, auditlog's middleware records the signed-in user. Services also run outside requests
(Celery tasks, management commands, the demo seed), where they are told who acts: `by_actor`
records their `actor` argument on every log entry written inside the service, unless a request's
user is already recorded. Work done by the portal itself (a beat job) has no actor.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.models import LogEntry
from django.db.models.signals import pre_save

_actor: ContextVar = ContextVar("portal_audit_actor", default=None)


@contextmanager
def acting_as(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def by_actor(service):
    """Decorate a service whose keyword argument `actor` is the user who acts (or `resident`, for
    services a resident calls on their own behalf)."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        actor = kwargs.get("actor") or getattr(kwargs.get("resident"), "user", None)
        if actor is None or not getattr(actor, "is_authenticated", False):
            return service(*args, **kwargs)
        with acting_as(actor):
            return service(*args, **kwargs)

    return wrapper


def _fill_actor(sender, instance, **kwargs):
    if instance.actor_id is None:
        actor = _actor.get()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = getattr(actor, "email", None) or None


pre_save.connect(_fill_actor, sender=LogEntry, dispatch_uid="portal-audit-actor")
