"""Award of the works and the completion acceptance."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import errors, service_error
from core.errors import coded_error
from stakeholders.models import Organization

from .. import after_build, permissions, selectors, services
from ..models import Defect
from ..serializers import (
    AcceptanceInSerializer,
    AwardInSerializer,
    AwardOutSerializer,
    CompletionReportInSerializer,
    CompletionReportOutSerializer,
    DefectOutSerializer,
    TextInSerializer,
)
from .projects import CONFLICT, DONE, ERRORS_SCHEMA, _call, _visible_project


def _plan_items(project) -> dict:
    return {item.pk: item for item in after_build.adopted_items(project)}


class AcceptanceSign(APIView):
    @extend_schema(
        request=AcceptanceInSerializer,
        responses={201: DONE, **ERRORS_SCHEMA, **errors(409)},
        summary="Sign the filed completion report: agree, or refuse with the defects to fix (art. 16 signers)",
        description="Roles: contractor, designer (when a design firm was at the table), supervisor, street, "
        "council. Every role but the contractor may refuse; a refusal needs `defects`, each with `due_on`.",
        examples=[
            OpenApiExample(
                "Refuse with one defect",
                request_only=True,
                value={
                    "role": "council",
                    "decision": "refuse",
                    "opinion": "屋面有渗水",
                    "defects": [{"description": "3栋屋面东侧渗水", "due_on": "2026-12-20", "plan_item": 12}],
                },
            )
        ],
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = AcceptanceInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = _plan_items(project)
        defects = [(d["description"], d["due_on"], items.get(d["plan_item"])) for d in data.validated_data["defects"]]
        if any(d["plan_item"] is not None and d["plan_item"] not in items for d in data.validated_data["defects"]):
            return service_error(coded_error(services.ACCEPTANCE_ERRORS, "defect_item", "defects"))
        result, failed = _call(
            services.acceptance_sign,
            project=project,
            role=data.validated_data["role"],
            actor=request.user,
            opinion=data.validated_data["opinion"],
            decision=data.validated_data["decision"],
            defects=defects,
        )
        return failed or Response(
            {"signature": result.pk, "role": result.role, "decision": result.decision}, status=status.HTTP_201_CREATED
        )


class CompletionReports(APIView):
    @extend_schema(
        responses={200: CompletionReportOutSerializer(many=True), **ERRORS_SCHEMA},
        summary="The project's completion reports, newest first, with lines, signatures and defects",
    )
    def get(self, request, code: str):
        project = _visible_project(request, code)
        return Response(CompletionReportOutSerializer(after_build.acceptance_record(project), many=True).data)

    @extend_schema(
        request=CompletionReportInSerializer,
        responses={201: CompletionReportOutSerializer, **ERRORS_SCHEMA, **errors(409)},
        summary="File the completion report (the project's contractor): every adopted item's final quantity and cost",
        description="Unfinished items or unmet milestones need `exception`, the public reason acceptance goes ahead.",
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = CompletionReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = {
            line["plan_item"]: (line["final_quantity"], line["final_cost"], line["note"])
            for line in data.validated_data["lines"]
        }
        result, failed = _call(
            services.completion_report_file,
            project=project,
            actor=request.user,
            scope_done=data.validated_data["scope_done"],
            lines=lines,
            exception=data.validated_data["exception"],
        )
        if failed:
            return failed
        report = next(r for r in after_build.acceptance_record(project) if r.pk == result.pk)
        return Response(CompletionReportOutSerializer(report).data, status=status.HTTP_201_CREATED)


class DefectFix(APIView):
    @extend_schema(
        request=TextInSerializer,
        responses={200: DefectOutSerializer, **ERRORS_SCHEMA},
        summary="Mark a defect of the punch list fixed, saying how (the project's contractor)",
    )
    def post(self, request, pk: int):
        defect = get_object_or_404(Defect.objects.select_related("report__project__estate", "signature"), pk=pk)
        if not permissions.can_view_project(request.user, defect.report.project):
            raise Http404
        data = TextInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.defect_fix, defect=defect, actor=request.user, note=data.validated_data["text"])
        return failed or Response(DefectOutSerializer(result).data)


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
            winner_reason=d["winner_reason"],
            **chosen,
        )
        return failed or Response(
            AwardOutSerializer(selectors.awards_of(project), many=True).data, status=status.HTTP_201_CREATED
        )
