"""Needs (点单): list and filing (with a photo), support, triage, the photo."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPage, errors, file_responses, service_error
from core.files import IMAGE_TYPES, private_file_response

from .. import permissions, selectors, services
from ..models import CatalogItem
from ..serializers import (
    NeedInSerializer,
    NeedSerializer,
    NeedTriageInSerializer,
)
from .projects import CONFLICT, ERRORS_SCHEMA, _call


class NeedPage(CursorPage):
    ordering = ("-support_count", "created_at", "id")  # as needs_ranked: most supported first


class NeedListCreate(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = NeedPage  # also tells the schema the list is paginated

    def _project(self, request, code):
        return get_object_or_404(selectors.projects_visible_to(request.user), code=code)

    @extend_schema(
        responses={200: NeedSerializer(many=True)},
        summary="The project's needs, most supported first (cursor-paginated)",
    )
    def get(self, request, code: str):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.needs_ranked(self._project(request, code), request.user), request, view=self
        )
        return paginator.get_paginated_response(NeedSerializer(page, many=True).data)

    @extend_schema(
        request={"application/json": NeedInSerializer, "multipart/form-data": NeedInSerializer},
        responses={201: NeedSerializer, **ERRORS_SCHEMA},
        summary="File a need (点单), with a photo if multipart",
        examples=[OpenApiExample("Roof", request_only=True, value={"item": "roof", "text": "3栋顶楼下雨渗水"})],
    )
    def post(self, request, code: str):
        project = self._project(request, code)
        data = NeedInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = CatalogItem.objects.filter(code=data.validated_data["item"]).first()
        if item is None:
            return Response(
                {"code": "unknown_item", "message": _("No catalog item has this code."), "fields": {"item": []}},
                status=400,
            )
        try:
            need = services.need_file(
                project=project,
                actor=request.user,
                catalog_item=item,
                text=data.validated_data["text"],
                photo=data.validated_data["photo"],
            )
        except DjangoValidationError as error:
            return service_error(error)
        need.support_count = 1
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class NeedSupport(APIView):
    @extend_schema(
        request=None,
        responses={201: OpenApiResponse(description="Supported"), **ERRORS_SCHEMA, **errors(409)},
        summary="Support a neighbour's need",
    )
    def post(self, request, pk: int):
        need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
        try:
            services.need_support(need=need, actor=request.user)
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"need": need.pk, "supported": True}, status=status.HTTP_201_CREATED)


class NeedTriage(APIView):
    @extend_schema(
        request=NeedTriageInSerializer,
        responses={200: NeedSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Include a need in the plan, or decline it with a reason (council, community committee)",
        description="Each need is answered once: a second answer is 409 `already_triaged`.",
        examples=[
            OpenApiExample(
                "Decline", request_only=True, value={"decision": "decline", "reason": "不属于本次改造范围，已转物业"}
            ),
            OpenApiExample("Include", request_only=True, value={"decision": "include", "plan_item": 12}),
        ],
    )
    def post(self, request, pk: int):
        need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
        if not permissions.can_triage_needs(request.user, need.project):
            raise PermissionDenied(services.NEED_ERRORS["cannot_triage"])
        data = NeedTriageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = None
        if d["plan_item"] is not None:
            item = selectors.draft_plan_item(need.project, d["plan_item"])
            if item is None:
                raise DjangoValidationError(
                    {"plan_item": DjangoValidationError(services.NEED_ERRORS["bad_plan_item"], code="bad_plan_item")}
                )
        result, failed = _call(
            services.need_triage,
            need=need,
            actor=request.user,
            include=d["decision"] == "include",
            reason=d["reason"],
            plan_item=item,
        )
        if failed:
            return failed
        return Response(NeedSerializer(selectors.needs_ranked(result.project, request.user).get(pk=result.pk)).data)


class NeedPhoto(APIView):
    @extend_schema(
        responses=file_responses(IMAGE_TYPES), summary="A need's photo (the council, staff and the estate's owners)"
    )
    def get(self, request, pk: int):
        need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
        if not need.photo:
            raise Http404
        return private_file_response(need.photo, content_type=need.photo_content_type, download_name=f"need-{need.pk}")
