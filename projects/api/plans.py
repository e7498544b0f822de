"""The plan: versions, items, comments, publication, the owners' vote."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import errors
from stakeholders.models import Organization

from .. import selectors, services
from ..after_build import MANAGEMENT_ERRORS
from ..models import CatalogItem, PlanVersion
from ..serializers import (
    ManagementSerializer,
    PlanItemInSerializer,
    PlanItemSerializer,
    PlanSummaryInSerializer,
    PlanVersionSerializer,
    TextInSerializer,
    VoteSerializer,
)
from .projects import CONFLICT, DONE, ERRORS_SCHEMA, _call, _visible_project


class PlanList(APIView):
    @extend_schema(
        responses={200: PlanVersionSerializer(many=True), **ERRORS_SCHEMA},
        summary="The plan's versions (三上三下) with their items",
    )
    def get(self, request, code: str):
        versions = list(selectors.plan_versions(_visible_project(request, code)))
        for version in versions:
            version.item_list = list(selectors.plan_items(version))
        return Response(PlanVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=None,
        responses={201: PlanVersionSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Start the plan's next version, a copy of the latest one's items (council, community committee)",
        description="409 `version_busy` while a version is being drafted or voted on.",
    )
    def post(self, request, code: str):
        result, failed = _call(services.plan_version_start, project=_visible_project(request, code), actor=request.user)
        return failed or Response(_version_out(result), status=status.HTTP_201_CREATED)


def _version(request, pk):
    return get_object_or_404(
        PlanVersion.objects.filter(project__in=selectors.projects_visible_to(request.user)).select_related(
            "project__estate__community"
        ),
        pk=pk,
    )


class PlanComment(APIView):
    @extend_schema(
        request=TextInSerializer, responses={201: DONE, **ERRORS_SCHEMA}, summary="Comment on a published plan version"
    )
    def post(self, request, pk: int):
        version = _version(request, pk)
        data = TextInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.plan_comment_add, version=version, actor=request.user, text=data.validated_data["text"]
        )
        return failed or Response({"comment": result.pk}, status=status.HTTP_201_CREATED)


class PlanPublish(APIView):
    @extend_schema(
        request=None,
        responses={200: DONE, **ERRORS_SCHEMA, **errors(409)},
        summary="Publish a draft for comment (street approver)",
    )
    def post(self, request, pk: int):
        result, failed = _call(services.plan_version_publish, version=_version(request, pk), actor=request.user)
        return failed or Response({"version": result.pk, "status": result.status})


def _version_out(version) -> dict:
    version.item_list = list(selectors.plan_items(version))
    return PlanVersionSerializer(version).data


class PlanDetail(APIView):
    @extend_schema(responses={200: PlanVersionSerializer, **ERRORS_SCHEMA}, summary="One plan version with its items")
    def get(self, request, pk: int):
        return Response(_version_out(_version(request, pk)))

    @extend_schema(
        request=PlanSummaryInSerializer,
        responses={200: PlanVersionSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Edit a draft version's summary (its drafters)",
        examples=[OpenApiExample("Summary", request_only=True, value={"summary": "根据居民意见增加楼道照明"})],
    )
    def patch(self, request, pk: int):
        version = _version(request, pk)
        data = PlanSummaryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.plan_version_edit, version=version, actor=request.user, summary=data.validated_data["summary"]
        )
        return failed or Response(_version_out(result))


class PlanItemAdd(APIView):
    @extend_schema(
        request=PlanItemInSerializer,
        responses={201: PlanItemSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Add an item with its funding split to a draft version (its drafters)",
        description="The funding amounts must add up to the estimated cost exactly (400 `funding_sum`).",
        examples=[
            OpenApiExample(
                "Roof waterproofing",
                request_only=True,
                value={
                    "item": "roof",
                    "description": "1-6栋屋面防水",
                    "quantity": "1800.00",
                    "unit": "m²",
                    "estimated_cost": "270000.00",
                    "funding": {"central_subsidy": "150000.00", "local_finance": "90000.00", "residents": "30000.00"},
                },
            )
        ],
    )
    def post(self, request, pk: int):
        version = _version(request, pk)
        data = PlanItemInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        catalog_item = CatalogItem.objects.filter(code=d["item"]).first()
        if catalog_item is None:
            return Response(
                {"code": "unknown_item", "message": _("No catalog item has this code."), "fields": {"item": []}},
                status=400,
            )
        result, failed = _call(
            services.plan_item_add,
            version=version,
            actor=request.user,
            catalog_item=catalog_item,
            description=d["description"],
            quantity=d["quantity"],
            unit=d["unit"],
            estimated_cost=d["estimated_cost"],
            funding=d["funding"],
        )
        return failed or Response(PlanItemSerializer(result).data, status=status.HTTP_201_CREATED)


class PlanItemRemove(APIView):
    @extend_schema(
        request=None,
        responses={204: None, **ERRORS_SCHEMA, **CONFLICT},
        summary="Remove an item from a draft version (its drafters)",
    )
    def delete(self, request, pk: int, item: int):
        version = _version(request, pk)
        plan_item = get_object_or_404(selectors.version_items(version), pk=item)
        _result, failed = _call(services.plan_item_remove, item=plan_item, actor=request.user)
        return failed or Response(status=status.HTTP_204_NO_CONTENT)


class PlanVote(APIView):
    @extend_schema(
        request=None,
        responses={201: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Put a published version to the owners' vote, a special matter (street approver)",
    )
    def post(self, request, pk: int):
        result, failed = _call(services.plan_vote_call, version=_version(request, pk), actor=request.user)
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class PlanManagementPut(APIView):
    @extend_schema(
        request=ManagementSerializer,
        responses={200: ManagementSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Write or correct a draft version's management section (its drafters)",
        description=(
            "建管一体: who manages the estate after the works (`property`, `community`, `owners`), the firm if "
            "chosen, the service level, the fee per m² per month and where maintenance money comes from "
            "(`maintenance_fund`, `public_revenue`, `fees`). A version goes to the owners' vote only with it "
            "(400 `management_required`)."
        ),
        examples=[
            OpenApiExample(
                "Interim management by the community",
                request_only=True,
                value={
                    "operator": "community",
                    "service_level": "保洁每日一次，社区网格员每日巡查",
                    "fee_per_m2_month": "0.30",
                    "sources": ["public_revenue", "fees"],
                },
            )
        ],
    )
    def put(self, request, pk: int):
        version = _version(request, pk)
        data = ManagementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        firm = d.pop("organization")
        d["organization"] = Organization.objects.filter(pk=firm).first() if firm else None
        if firm and d["organization"] is None:
            return Response(
                {"code": "firm_kind", "message": str(MANAGEMENT_ERRORS["firm_kind"]), "fields": {"organization": []}},
                status=400,
            )
        result, failed = _call(services.plan_management_save, version=version, actor=request.user, **d)
        if failed:
            return failed
        return Response(
            {
                "operator": result.operator,
                "organization": result.organization_id,
                "service_level": result.service_level,
                "fee_per_m2_month": f"{result.fee_per_m2_month:.2f}",
                "sources": result.sources,
                "notes": result.notes,
                "contract_years": result.contract_years,
            }
        )
