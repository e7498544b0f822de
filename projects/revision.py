"""What the public pages show of a project, and when it changed: the project's public revision and
every cache key the public pages use, in one place. Services call `project_touch` in the
transaction that changes what the public sees; disclosure's views build their keys with the
functions here (never as strings of their own), so the keys deleted are the keys read."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction

from core.replica import REPLICA_NAMESPACE, cache_namespace

from .models import Project

PREFIX = "disclosure"
# Keys written while a request reads the replica carry its namespace (core/replica.py), so what is
# built from a copy that may be behind is never served to a reader of the primary.
NAMESPACES = ("", REPLICA_NAMESPACE)


def _ns(namespace: str | None) -> str:
    return cache_namespace() if namespace is None else namespace


def near_cache():
    """This process's own short-lived cache in front of Redis (settings CACHES["near"]), if any."""
    return caches["near"] if "near" in settings.CACHES else None


def fragment_key(language: str, name: str, namespace: str | None = None) -> str:
    """A rendered fragment (a project's body, the index's list) in one language; `name` carries the
    revision it was built from."""
    return f"{PREFIX}:{_ns(namespace)}{language}:{name}"


def whole_page_key(language: str, name: str, namespace: str | None = None) -> str:
    """A whole page as anonymous visitors get it, in one language."""
    return f"{PREFIX}:{_ns(namespace)}page:{language}:{name}"


def public_page_key(code: str, language: str, namespace: str | None = None) -> str:
    """The cache key of a project's whole public page in one language (for anonymous visitors)."""
    return whole_page_key(language, f"project:{code}", namespace)


def project_revision_key(code: str, namespace: str | None = None) -> str:
    return f"{PREFIX}:{_ns(namespace)}rev:{code}"


def city_revision_key(namespace: str | None = None) -> str:
    return f"{PREFIX}:{_ns(namespace)}rev:city"


def public_revision_keys(code: str) -> list[str]:
    """The cache keys that hold what the public sees of a project: its revision, the city's, and its
    whole page per language, read from either copy of the database (disclosure reads them so a
    cached public page costs no query and one cache round trip; project_touch deletes them)."""
    keys = []
    for namespace in NAMESPACES:
        keys += [project_revision_key(code, namespace), city_revision_key(namespace)]
        keys += [public_page_key(code, language, namespace) for language, _name in settings.LANGUAGES]
    return keys


def project_touch(*, project: Project) -> None:
    """Record that what the public pages show about `project` changed (their cache keys include
    the revision, so the next visitor gets a fresh page). Call inside the changing transaction."""
    with connection.cursor() as cursor:  # one statement, whether or not `project` has its code loaded
        cursor.execute(
            f"UPDATE {Project._meta.db_table} SET public_revision = public_revision + 1 WHERE id = %s RETURNING code",
            [project.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return
    keys = public_revision_keys(row[0])
    # Now (this process's next read) and after the commit (a reader that looked in between); the
    # near cache of this process too (other processes' expire within DISCLOSURE_NEAR_SECONDS).
    stores = [cache] + ([near] if (near := near_cache()) is not None else [])
    for store in stores:
        store.delete_many(keys)
    transaction.on_commit(lambda: [store.delete_many(keys) for store in stores])
