"""Projects: the list, one project, a status change; the helpers every projects API module uses."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import errors, service_error

from .. import selectors, services
from ..serializers import (
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectTransitionInSerializer,
)

ERRORS_SCHEMA = errors(400, 401, 403, 404)
CONFLICT = errors(409)


class ProjectList(generics.ListAPIView):
    """The projects the signed-in user may see."""

    serializer_class = ProjectSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)


class ProjectDetail(generics.RetrieveAPIView):
    serializer_class = ProjectDetailSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)

    def get_object(self):
        project = super().get_object()
        project.public_events = list(selectors.project_events(project))
        return project


DONE = OpenApiResponse(description="Done")


def _visible_project(request, code):
    return get_object_or_404(selectors.projects_visible_to(request.user), code=code)


def _call(service, **kwargs):
    try:
        return service(**kwargs), None
    except DjangoValidationError as error:
        return None, service_error(error)


class ProjectTransition(APIView):
    @extend_schema(
        request=ProjectTransitionInSerializer,
        responses={200: ProjectSerializer, **ERRORS_SCHEMA, **errors(409)},
        summary="Decide: accept or reject a petition, start planning, hand over to maintenance (street office)",
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = ProjectTransitionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.project_transition,
            project=project,
            to=data.validated_data["to"],
            actor=request.user,
            note=data.validated_data["note"],
        )
        return failed or Response(ProjectSerializer(result).data)
