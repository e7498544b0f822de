"""schemathesis against /api/schema/: requests generated from the OpenAPI document, sent through the
WSGI app — no server error, and every response matches the schema (status, content type, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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
    # Every asset is served by us (a CSRF token in the page may spell "cdn" by chance: look at URLs).
    import re

    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert assets and all(not a.startswith(("http:", "https:", "//")) for a in assets), assets
    assert "jsdelivr" not in html and "unpkg.com" not in html and "cdnjs" not in html
    schema = client.get("/api/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/votes/{code}/ballots/", "/api/v1/complaints/", "/api/v1/projects/{code}/progress/"} <= paths
    ballot = schema["paths"]["/api/v1/votes/{code}/ballots/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(ballot["responses"])


def _token(user) -> str:
    return Token.objects.get_or_create(user=User.objects.get(pk=user.pk))[0].key


def test_real_objects_answers_match_the_schema(city, world):
    """Generated requests mostly miss real objects (random codes are 404s): these hit them — lists
    with data, and the new actions' success answers — and each answer must match the schema."""
    from django.utils import timezone

    code, now = world.project.code, timezone.now()
    calls = [
        (None, "GET", "/api/v1/projects/{code}/ledger/", {"code": code}, None),
        (None, "GET", "/api/v1/projects/{code}/progress/", {"code": code}, None),
        (None, "GET", "/api/v1/projects/{code}/milestones/", {"code": code}, None),
        (city.owner_a1.user, "GET", "/api/v1/projects/{code}/needs/", {"code": code}, None),
        (city.owner_a1.user, "GET", "/api/v1/projects/{code}/plans/", {"code": code}, None),
        (city.owner_a1.user, "GET", "/api/v1/plans/{id}/", {"id": world.version.pk}, None),
        (city.comm_a1_staff, "GET", "/api/v1/surveys/{id}/letters/", {"id": world.invitation.survey_id}, None),
        (
            city.street_a_manager,
            "POST",
            "/api/v1/projects/{code}/votes/",
            {"code": code},
            {
                "title": "加装电梯",
                "matter": "special",
                "opens_at": now.isoformat(),
                "closes_at": (now + timezone.timedelta(days=3)).isoformat(),
            },
        ),
        (city.street_a_manager, "POST", "/api/v1/votes/{code}/open/", {"code": f"{code}-v2"}, None),
        (
            city.street_a_staff,
            "POST",
            "/api/v1/projects/{code}/ledger/{seq}/reverse/",
            {"code": code, "seq": 1},
            {"memo": "录入错误"},
        ),
        (
            city.contractor,
            "POST",
            "/api/v1/projects/{code}/milestones/",
            {"code": code},
            {"title": "外架拆除", "due_date": "2027-01-31"},
        ),
        (
            city.contractor,
            "POST",
            "/api/v1/projects/{code}/milestones/{id}/status/",
            {"code": code, "id": world.milestone.pk},
            {"status": "met", "date_met": str(timezone.localdate())},
        ),
        (
            city.comm_a1_staff,
            "POST",
            "/api/v1/surveys/{id}/paper-answers/",
            {"id": world.invitation.survey_id},
            {
                "invitation": world.invitation.pk,
                "overall": 4,
                "quality": 4,
                "schedule": 4,
                "communication": 4,
                "conduct": 4,
                "transparency": 4,
            },
        ),
    ]
    for user, method, path, params, body in calls:
        operation = schema[path][method]
        case = operation.Case(
            path_parameters=params, **({"body": body, "media_type": "application/json"} if body is not None else {})
        )
        headers = {"Accept-Language": "zh-hans", **({"Authorization": f"Token {_token(user)}"} if user else {})}
        response = case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
        )
        assert 200 <= response.status_code < 300, (path, response.status_code, response.text[:300])


@pytest.mark.parametrize("role", ["owner_a1", "street_a_manager", "contractor"])
def test_stateful_workflows_conform_to_the_schema(city, world, role):
    """Stateful schemathesis: chains of calls along the links it infers from the schema (a project
    listed → its needs, ledger, plans; a plan → its items …), as a resident, the street approver and
    the contractor — no server error and every answer as documented, whatever came before."""
    user = city.owner_a1.user if role == "owner_a1" else getattr(city, role)
    headers = {"Authorization": f"Token {_token(user)}", "Accept-Language": "zh-hans"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=checks, transport_kwargs=kwargs or None)

    Workflow.run(
        settings=settings(
            max_examples=12, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
        )
    )
