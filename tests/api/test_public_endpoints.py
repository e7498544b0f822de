"""Signed in is the API's default (DRF's IsAuthenticated); the views open to anonymous callers are
exactly the public list of docs/api.md — a new view is private unless someone decides otherwise."""

import re
from pathlib import Path

import pytest
from django.urls import get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def api_views(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from api_views(pattern.url_patterns, prefix + str(pattern.pattern))
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is not None and issubclass(view, APIView):
            yield prefix + str(pattern.pattern), view


def open_to_anonymous(view) -> bool:
    permissions = view().get_permissions()
    return not permissions or all(isinstance(p, AllowAny) for p in permissions)


def documented_public() -> set[str]:
    block = DOCS.read_text().split("<!-- public-endpoints -->")[1].split("<!-- /public-endpoints -->")[0]
    return {path for path in re.findall(r"`(api/[^`]+)`", block)}


def test_default_is_signed_in():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["rest_framework.permissions.IsAuthenticated"]


def test_the_views_open_to_anonymous_callers_are_the_documented_public_list():
    views = list(api_views())
    assert len(views) > 50
    public = {path for path, view in views if open_to_anonymous(view)}
    assert public == documented_public()


@pytest.mark.django_db
def test_a_private_endpoint_answers_401_to_anonymous_callers(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    assert client.get("/api/v1/estates/").status_code == 200
