"""Cached public pages: fragments and whole pages under projects/revision.py's keys, the revisions they
follow, each visitor's CSRF token put in on the way out."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from core.replica import cache_seconds
from projects.canonical import canonical_json
from projects.models import Project
from projects.revision import city_revision_key, fragment_key, whole_page_key
from stakeholders.care import visitor_chose_care


def _json(document: dict, *, cache_seconds: int = 300) -> HttpResponse:
    """Canonical JSON (the bytes a verifier hashes), cacheable: a closed vote never changes."""
    response = HttpResponse(canonical_json(document), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={cache_seconds}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _cached(key: str, build) -> str:
    """A rendered fragment from the cache (Redis in production), built on a miss. Keys carry the
    language and the data's revision, so a changed project is never served stale."""
    key = fragment_key(translation.get_language(), key)
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, cache_seconds(settings.DISCLOSURE_CACHE_SECONDS))
    return html


# A cached whole page carries this instead of the CSRF token; each visitor's own token replaces it.
CSRF_PLACEHOLDER = "__portal-csrf-token__"


def _same_for_everyone(request) -> bool:
    """A visitor without a session or pending messages sees exactly what every such visitor sees
    (in their language): the whole page may come from the cache."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not visitor_chose_care(request)  # 关怀模式 pages are their own
    )


def _revision(key: str, read) -> str:
    """A public revision from the cache; on a miss from the database (`read`), kept for
    DISCLOSURE_REVISION_SECONDS. project_touch deletes it, so a change shows on the next visit
    (at worst after DISCLOSURE_REVISION_SECONDS, for a reader that raced the commit)."""
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, cache_seconds(settings.DISCLOSURE_REVISION_SECONDS))
    return value


def _whole_page(request, key: str, render_page) -> HttpResponse:
    key = whole_page_key(translation.get_language(), key)
    html = cache.get(key)
    if html is None:
        html = render_page({"csrf_token": CSRF_PLACEHOLDER})
        cache.set(key, html, cache_seconds(settings.DISCLOSURE_CACHE_SECONDS))
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _city_revision() -> str:
    """Changes whenever any project's public revision does (revisions only grow)."""

    def read() -> str:
        figures = Project.objects.aggregate(rev=Sum("public_revision"))
        return str(figures["rev"] or 0)

    return _revision(city_revision_key(), read)
