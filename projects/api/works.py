"""Award of the works and the completion acceptance."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import errors
from stakeholders.models import Organization

from .. import permissions, selectors, services
from ..serializers import (
    AcceptanceInSerializer,
    AwardInSerializer,
    AwardOutSerializer,
)
from .projects import CONFLICT, DONE, ERRORS_SCHEMA, _call, _visible_project


class AcceptanceSign(APIView):
    @extend_schema(
        request=AcceptanceInSerializer,
        responses={201: DONE, **ERRORS_SCHEMA, **errors(409)},
        summary="Sign the completion acceptance (supervisor, street approver, council member)",
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = AcceptanceInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.acceptance_sign,
            project=project,
            role=data.validated_data["role"],
            actor=request.user,
            opinion=data.validated_data["opinion"],
        )
        return failed or Response({"signature": result.pk, "role": result.role}, status=status.HTTP_201_CREATED)


class AwardCreate(APIView):
    @extend_schema(
        request=AwardInSerializer,
        responses={201: AwardOutSerializer(many=True), **ERRORS_SCHEMA, **CONFLICT},
        summary="Award the works and their supervision (street approver, after the budget is published)",
        description="Answers the project's awards, current and replaced. Replacing an organization needs a `reason`.",
        examples=[
            OpenApiExample(
                "Both at once",
                request_only=True,
                value={"contractor": 7, "supervisor": 9, "contract_amount": "812000.00"},
            )
        ],
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        if not permissions.can_award(request.user, project):
            raise PermissionDenied(services.AWARD_ERRORS["not_allowed"])
        data = AwardInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        chosen = {}
        for role in ("contractor", "supervisor"):
            chosen[role] = Organization.objects.filter(pk=d[role]).first() if d[role] is not None else None
            if d[role] is not None and chosen[role] is None:
                raise DjangoValidationError(
                    {
                        role: DjangoValidationError(
                            services.AWARD_ERRORS[f"wrong_kind_{role}"], code=f"wrong_kind_{role}"
                        )
                    }
                )
        _result, failed = _call(
            services.project_award,
            project=project,
            actor=request.user,
            contract_amount=d["contract_amount"],
            reason=d["reason"],
            **chosen,
        )
        return failed or Response(
            AwardOutSerializer(selectors.awards_of(project), many=True).data, status=status.HTTP_201_CREATED
        )
