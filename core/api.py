"""What every app's API shares: one error body, cursor pagination, and the mapping of a service's
coded errors to HTTP statuses. The API has no rules of its own: views look objects up through the
apps' scoped selectors (404 outside scope), ask permissions.py (403) and call one service.

Error body, always: {"code": "...", "message": "translated text", "fields": {"name": [{"code", "message"}]}}.
"""

from __future__ import annotations

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_handler

# Coded service errors that are a conflict with the current state, not bad input.
CONFLICTS = {
    "already_voted",
    "paper_already_voted",
    "already_supported",
    "already_recorded",
    "already_answered",
    "status_changed",
    "already_signed",
    "duplicate_claim",
    "already_submitted",
    "already_triaged",
    "already_reversed",
    "not_draft",
    "version_busy",
    "state_changed",
    "already_reviewed",
}


class AnonymousThrottle(ScopedRateThrottle):
    """The endpoints anyone may call without an account (token, registration, survey links) are
    rate-limited per address, by scope (settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), in the
    shared cache — so all workers count together."""


THROTTLED = [AnonymousThrottle]


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error: a code to branch on, a message in the user's language, and field errors."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=FieldErrorSerializer(many=True))


def errors(*statuses: int) -> dict:
    """The documented error answers of a view (drf-spectacular `responses`)."""

    described = {
        400: "Bad input",
        401: "Not signed in",
        403: "Wrong role",
        404: "Not found, or outside your scope",
        409: "Conflicts with the current state (already voted, changed meanwhile)",
        429: "Too many requests from you: wait the seconds of the Retry-After header",
    }
    return {s: OpenApiResponse(response=ErrorSerializer, description=described[s]) for s in statuses}


def file_responses(types) -> dict:
    """The documented answers of a private-file download: the file in one of `types`, or an error."""

    return {**{(200, t): OpenApiTypes.BINARY for t in types}, **errors(401, 403, 404)}


class CursorPage(CursorPagination):
    """Cursor pagination: no COUNT(*) over large tables, stable under inserts."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"


def _fields(error_dict) -> dict:
    return {
        name: [{"code": e.code or "invalid", "message": " ".join(e.messages)} for e in errors]
        for name, errors in error_dict.items()
    }


def _flat(errors) -> list:
    """DRF nests errors of list fields by index ({0: [...]}) — flatten them."""
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _flat(value)]
    if isinstance(errors, list):
        return [e for value in errors for e in _flat(value)]
    return [errors]


def _drf_fields(detail) -> dict:
    if isinstance(detail, list):
        detail = {"non_field_errors": detail}
    if not isinstance(detail, dict):
        return {}
    return {
        str(name): [{"code": getattr(e, "code", "invalid"), "message": str(e)} for e in _flat(errors)]
        for name, errors in detail.items()
    }


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def service_error(error: DjangoValidationError) -> Response:
    """A service's ValidationError as the API's answer: 409 for state conflicts, else 400."""
    if hasattr(error, "error_dict"):
        fields = _fields(error.error_dict)
        first = next(iter(error.error_dict.values()))[0]
        code = first.code or "invalid"
        return Response(body(code, " ".join(first.messages), fields), status=409 if code in CONFLICTS else 400)
    code = getattr(error, "code", None) or "invalid"
    return Response(body(code, " ".join(error.messages)), status=409 if code in CONFLICTS else 400)


def exception_handler(exc, context):
    locked = getattr(context.get("request"), "axes_locked_out", False)  # this failure reached the limit
    if locked or isinstance(exc, AxesBackendPermissionDenied):
        # django-axes refused a sign-in on the token endpoint: the lock-out's own answer (429).
        return _locked_out(context["request"])
    if isinstance(exc, DjangoValidationError):
        return service_error(exc)
    if isinstance(exc, (DjangoPermissionDenied, exceptions.PermissionDenied)):
        message = str(exc) or _("You may not do this.")
        return Response(body("permission_denied", message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Http404):
        return Response(body("not_found", str(exc) or _("Not found.")), status=status.HTTP_404_NOT_FOUND)
    response = drf_handler(exc, context)  # sets Retry-After on a throttled request
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        message = _("Too many requests. Please wait %(seconds)s seconds, then try again.") % {"seconds": wait}
        response.data = body("throttled", message)
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _drf_fields(exc.detail)
        first = next((f[0] for f in fields.values() if f), {"code": "invalid", "message": _("Check the fields.")})
        response.data = body(first["code"], first["message"], fields)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = body(getattr(detail, "code", exc.default_code), str(detail))
    return response


def _locked_out(request):
    """The answer settings.AXES_LOCKOUT_CALLABLE gives (429, Retry-After, the error body)."""
    return import_string(settings.AXES_LOCKOUT_CALLABLE)(getattr(request, "_request", request))


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer with the error body —
    400 bad input (filters, cursor, fields), 401/403 not signed in or wrong role, 404 not found or
    out of scope, 405 wrong method — so the schema documents them all."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    described = {
        "400": "Bad input",
        "401": "Not signed in",
        "403": "Wrong role",
        "404": "Not found, or outside your scope",
        "405": "Method not allowed",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status_code, description in described.items():
                responses.setdefault(status_code, {"description": description, "content": error})
    return result
