"""Reads from a streaming replica when one is configured (DATABASE_REPLICA_URL, docs/scaling.md).

Public pages, open data and exports may be built from the replica; everything else reads the
primary. What decides, in order:

- only views marked `@replica_ok` (and code inside `reading_from_replica()`, such as an export job),
  only for GET and HEAD, and only while no transaction is open on the primary (a service reading
  inside its own transaction reads the primary);
- never for a person who wrote in the last REPLICA_STICKY_SECONDS (ReplicaMiddleware marks each
  POST, PUT, PATCH or DELETE with a short cookie), so they see what they just did;
- never when the replica is further behind than REPLICA_MAX_LAG_SECONDS, or is not answering (it is
  then not tried again for REPLICA_RETRY_SECONDS); a query that fails on the replica is answered
  by running the view again on the primary, so a replica going away fails no request.

How current the replica is, is read at most every REPLICA_CHECK_SECONDS per process; a page built
from a replica that is behind says so (`request.data_as_of`, templates/_data_as_of.html). What such
a request caches is kept apart (`cache_namespace`) and briefly (`cache_seconds`), so nothing built
from the replica is ever served to a reader of the primary.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# Sign-ins, sessions, tokens, permissions and the lock-out are read where they are written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "authtoken", "axes", "guardian", "contenttypes"})
WROTE_COOKIE = "portal_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD"})

_reading: ContextVar[bool] = ContextVar("portal_reading_from_replica", default=False)


@dataclass(frozen=True)
class ReplicaState:
    available: bool
    # None when the replica has replayed everything it received (it is current); otherwise the
    # commit time of the last transaction it has replayed: its data are at least that recent.
    as_of: datetime | None = None

    @property
    def lag_seconds(self) -> float:
        return 0.0 if self.as_of is None else max(0.0, (timezone.now() - self.as_of).total_seconds())


class _Probe:
    """This process's last reading of the replica, and until when it is trusted."""

    def __init__(self):
        self.state: ReplicaState | None = None
        self.until = 0.0

    def reset(self):
        self.state, self.until = None, 0.0


_probe = _Probe()

LAG_SQL = (
    "SELECT pg_is_in_recovery(), "
    "COALESCE((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false), "
    "COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false), "
    "pg_last_xact_replay_timestamp()"
)
# A query that failed because the replica went away or cancelled it (a conflict with recovery).
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def mark_down(error: Exception) -> None:
    """The replica failed: read the primary for REPLICA_RETRY_SECONDS."""
    logger.warning(
        "read replica unavailable (%s: %s); reading the primary for %ss",
        error.__class__.__name__,
        error,
        settings.REPLICA_RETRY_SECONDS,
    )
    _probe.state = ReplicaState(available=False)
    _probe.until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    try:
        connections[REPLICA].close()
    except DatabaseError:  # the socket is already gone
        pass


def state() -> ReplicaState:
    """How the replica is doing, read at most every REPLICA_CHECK_SECONDS (one query)."""
    if not configured():
        return ReplicaState(available=False)
    if _probe.state is not None and time.monotonic() < _probe.until:
        return _probe.state
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, streaming, caught_up, replayed_at = cursor.fetchone()
    except DatabaseError as error:
        mark_down(error)
        return _probe.state
    if not in_recovery:  # promoted, or pointed at a primary by mistake: it is then current
        current = ReplicaState(available=True)
    elif streaming and caught_up:
        current = ReplicaState(available=True)
    elif replayed_at is None:  # nothing replayed since it started, and not caught up: no time to tell
        current = ReplicaState(available=False)
    else:  # behind, or cut off from the primary: its data are as recent as its last replayed commit
        current = ReplicaState(available=True, as_of=replayed_at)
    _probe.state, _probe.until = current, time.monotonic() + settings.REPLICA_CHECK_SECONDS
    return current


def usable() -> ReplicaState | None:
    """The replica's state when reads may go there now, else None."""
    current = state()
    if not current.available or current.lag_seconds > settings.REPLICA_MAX_LAG_SECONDS:
        return None
    return current


def reading() -> bool:
    """Is this request (or job) reading from the replica?"""
    return _reading.get()


@contextmanager
def reading_from_replica():
    """Reads inside go to the replica when it is usable (an export job's rows, say)."""
    token = _reading.set(configured() and usable() is not None)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_ok(view):
    """Marks a public view whose reads may come from the replica (GET and HEAD only)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.replica_ok = True
    return wrapped


REPLICA_NAMESPACE = "replica:"


def cache_namespace() -> str:
    """A prefix for cache keys written while reading the replica: kept apart from the primary's."""
    return REPLICA_NAMESPACE if _reading.get() else ""


def cache_seconds(seconds: int) -> int:
    """How long something built now may be cached: at most REPLICA_CACHE_SECONDS from the replica."""
    return min(seconds, settings.REPLICA_CACHE_SECONDS) if _reading.get() else seconds


def read_alias() -> str:
    """The database a raw query (COPY, say) reads now: the replica while `reading()`."""
    return REPLICA if _reading.get() and not connections[PRIMARY].in_atomic_block else PRIMARY


def keep_reading(iterable):
    """A streamed response's rows are read after its view has returned: read them where it read."""
    return _rows_reading(iterable, _reading.get())  # decided now, not at the first row


def _rows_reading(iterable, on: bool):
    iterator = iter(iterable)
    while True:
        token = _reading.set(on)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _reading.reset(token)
        yield item


class ReplicaRouter:
    """DATABASE_ROUTERS: reads to the replica while `reading()`, writes and the rest to the primary."""

    def db_for_read(self, model, **hints):
        if (
            _reading.get()
            and configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and model._meta.label != settings.AUTH_USER_MODEL  # the signed-in person, as the primary has them
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Chooses, per request, where a `@replica_ok` view reads (see the module's docstring), says so in
    `request.data_as_of` and the X-Portal-Read header, and runs the view again on the primary if a
    query on the replica fails."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.data_as_of = None
        token = _reading.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if configured():
            if request.method not in SAFE_METHODS:
                response.set_cookie(
                    WROTE_COOKIE, "1", max_age=settings.REPLICA_STICKY_SECONDS, httponly=True, samesite="Lax"
                )
            response.setdefault("X-Portal-Read", "replica" if getattr(request, "read_replica", False) else "primary")
            if request.data_as_of is not None:  # open data and exports say it too, where no page can
                response.setdefault("X-Portal-Data-As-Of", request.data_as_of.isoformat())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.read_replica = False
        if not (
            getattr(view_func, "replica_ok", False)
            and request.method in SAFE_METHODS
            and WROTE_COOKIE not in request.COOKIES
            and configured()
        ):
            return None
        current = usable()
        if current is None:
            return None
        _reading.set(True)
        request.read_replica = True
        if current.lag_seconds >= settings.REPLICA_NOTICE_SECONDS:  # a moment behind is not worth a word
            request.data_as_of = current.as_of
            request.data_lag_seconds = round(current.lag_seconds)
        request._replica_view = (view_func, view_args, view_kwargs)
        return None

    def process_exception(self, request, exception):
        if not (getattr(request, "read_replica", False) and isinstance(exception, CONNECTION_ERRORS)):
            return None
        mark_down(exception)
        _reading.set(False)
        request.read_replica, request.data_as_of = False, None
        view_func, view_args, view_kwargs = request._replica_view
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
