"""schemathesis against /api/schema/: requests generated from the OpenAPI document, sent through the
WSGI app — no server error, and every response matches the schema (status, content type, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from stakeholders.models import User

from .test_api import world  # noqa: F401


def _load_schema():
    """The schema as the server publishes it (generating it runs no query)."""
    from portal.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    """As Django's test client does: requests must not close the test's connection (and its
    transaction) when they finish."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(city, world):
    return Token.objects.get_or_create(user=User.objects.get(pk=city.owner_a1.user_id))[0].key


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}", "Accept-Language": "zh-hans"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


@pytest.mark.django_db
def test_docs_page_uses_vendored_assets(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    schema = client.get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/votes/{code}/ballots/", "/api/v1/complaints/", "/api/v1/projects/{code}/progress/"} <= paths
    ballot = schema["paths"]["/api/v1/votes/{code}/ballots/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(ballot["responses"])
