"""Hostile values sent to every URL of the URL conf — pages, the API, Open311 — as an anonymous
visitor, an owner, street staff and an admin, by GET (query parameters) and by POST (form fields):
NUL bytes, numbers too large for the database, negative and non-numbers, unicode oddities, wrong
types. Nothing may answer 5xx: a bad value is a 400 with a message, or no filter at all."""

from __future__ import annotations

import itertools
import re
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from stakeholders.models import User

from ..api.test_api import world  # noqa: F401

HOSTILE = [
    "\x00",
    "a\x00b",
    "99999999999",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "２０２６",  # full-width digits
    "\u202eevil",  # right-to-left override
    "𝕏" * 300,
    "' OR 1=1 --",
    "[]",
    "{}",
]
PARAMS = [
    "q",
    "street",
    "status",
    "year",
    "page",
    "project",
    "building",
    "service_code",
    "start_date",
    "end_date",
    "all",
    "cursor",
    "estate",
    "unit",
    "from_need",
    "overdue",
    "mine",
    "lat",
    "long",
    "seq",
    "after",
]
FIELDS = [
    "text",
    "title",
    "reason",
    "note",
    "amount",
    "estate",
    "building",
    "unit",
    "room",
    "household",
    "choice",
    "to",
    "opens_at",
    "closes_at",
    "percent",
    "phone",
    "identifier",
    "receipt",
    "item",
    "memo",
    "counterparty",
]
SKIP = re.compile(r"^(admin/|static/|media/|i18n/|accounts/logout|api/schema|api/docs|healthz)")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(patterns=None, prefix="") -> list[str]:
    out = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            out.append(route)
    return [r for r in out if not SKIP.match(r.lstrip("^"))]


def values(world, converter: str, name: str) -> list[str]:
    """Real values for a route's parameters (so the views run, not only the 404 of an unknown id)."""
    if converter == "int":
        ids = {
            "pk": [world.need.pk, world.complaint.pk, world.sponsorship.pk, world.milestone.pk],
            "seq": [1],
            "number": [world.version.number],
        }
        return [str(v) for v in ids.get(name, [1])] + ["99999999999999999999"]
    if name == "code":
        return [world.project.code, world.vote.code, "x" * 300]
    return ["x", "99999999999999999999"]


def urls(world) -> list[str]:
    found = []
    for route in routes():
        route = route.lstrip("^").rstrip("$")
        if "(?P" in route:  # a regex route (none are lists or forms of ours)
            continue
        slots = CONVERTER.findall(route)
        choices = [values(world, conv or "str", name) for conv, name in slots]
        for combo in itertools.islice(itertools.product(*choices), 4):
            url = route
            for value in combo:
                url = CONVERTER.sub(value, url, count=1)
            found.append("/" + url)
    return found


# Who sends what: the query string's NUL stops at the middleware, so GETs carry the values that
# reach the views; forms get the NUL (their fields must refuse it) and the rest.
PLAN = [
    (None, "GET", "99999999999999999999999999"),
    ("owner", "GET", "-1"),
    ("street", "GET", "1e309"),
    ("admin", "GET", "99999999999"),
    ("admin", "GET", "\u202e" + "𝕏" * 300),
    ("owner", "POST", "a\x00b"),
    ("admin", "POST", "a\x00b"),
    ("admin", "POST", "99999999999999999999999999"),
    ("street", "POST", "NaN"),
]


@pytest.mark.django_db
def test_no_hostile_value_gets_a_server_error_anywhere(city, world):  # noqa: F811
    users = {None: None, "owner": city.owner_a1.user, "street": city.street_a_staff, "admin": city.admin}
    targets = urls(world)
    assert len(targets) > 100  # the walk found the URL conf
    failures, sent = [], 0
    # Nor may what was sent grow a cache key without bound (it would fill the shared cache).
    caught = warnings.catch_warnings(record=True)
    long_keys = caught.__enter__()
    warnings.simplefilter("always", CacheKeyWarning)
    for who, method, value in PLAN:
        client = Client(raise_request_exception=False)
        if users[who] is not None:
            client.force_login(User.objects.get(pk=users[who].pk))
        for url in targets:
            if method == "GET":
                answer = client.get(url, {p: value for p in PARAMS})
            else:
                answer = client.post(url, {f: value for f in FIELDS})
            sent += 1
            if answer.status_code >= 500:
                failures.append((method, url, repr(value[:20]), answer.status_code, who))
    caught.__exit__(None, None, None)
    assert sent == len(PLAN) * len(targets)
    assert failures == []
    assert [str(w.message)[:120] for w in long_keys if issubclass(w.category, CacheKeyWarning)] == []


@pytest.mark.django_db
def test_a_nul_in_the_query_string_is_a_plain_400(client, city):
    answer = client.get("/disclosure/", {"q": "屋面\x00"})
    assert answer.status_code == 400 and "无效字符" in answer.content.decode() and "<h1" in answer.content.decode()
    # Each in its own format: the API's error body, Open311's list of errors.
    api = client.get("/api/v1/projects/", {"q": "\x00"})
    assert api.status_code == 400 and api["Content-Type"] == "application/json"
    assert api.json()["code"] == "bad_request" and "无效字符" in api.json()["message"]
    open311 = client.get("/open311/v2/requests.json", {"status": "\x00"})
    assert open311.status_code == 400 and open311.json()[0]["code"] == 400
    assert client.get("/disclosure/", {"year": "99999999999"}).status_code == 200  # no such year: no filter
