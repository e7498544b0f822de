"""API of projects and votes: reads through selectors (scoped: out of scope is 404), actions through
the services (which ask permissions.py)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from stakeholders.api_base import errors, service_error

from . import published, selectors, services
from .models import CatalogItem, Need, Vote
from .serializers import (
    BallotInSerializer,
    BallotOutSerializer,
    NeedInSerializer,
    NeedSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    VoteDetailSerializer,
    VoteSerializer,
)

ERRORS_SCHEMA = errors(400, 401, 403, 404)


class ProjectList(generics.ListAPIView):
    """The projects the signed-in user may see."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)


class ProjectDetail(generics.RetrieveAPIView):
    serializer_class = ProjectDetailSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "code"

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)

    def get_object(self):
        project = super().get_object()
        project.public_events = list(selectors.project_events(project))
        return project


class VoteList(generics.ListAPIView):
    serializer_class = VoteSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "purpose"]

    def get_queryset(self):
        return selectors.votes_visible_to(self.request.user).select_related("project")


class VoteDetail(generics.RetrieveAPIView):
    """Turnout while open; the published result after close."""

    serializer_class = VoteDetailSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "code"

    def get_queryset(self):
        return selectors.votes_visible_to(self.request.user).select_related("project")

    def get_object(self):
        vote = super().get_object()
        figures = selectors.turnout(vote) if vote.status == Vote.Status.OPEN else None
        vote.turnout = {"owners": figures["owners"], "area": f"{figures['area']:.2f}"} if figures else None
        vote.results = published.vote_document(vote) if vote.status == Vote.Status.CLOSED else None
        return vote


class BallotCast(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=BallotInSerializer, responses={201: BallotOutSerializer, **ERRORS_SCHEMA, **errors(409)},
                   summary="Cast your ballot", description="Once per owner; a second ballot (or a concurrent one) is 409 `already_voted`.")
    def post(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        data = BallotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            _ballot, receipt = services.ballot_cast(vote=vote, actor=request.user, choice=data.validated_data["choice"])
        except services.ValidationError as error:
            return service_error(error)
        return Response({"vote": vote.code, "receipt": receipt, "choice": data.validated_data["choice"]}, status=status.HTTP_201_CREATED)


class NeedListCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _project(self, request, code):
        return get_object_or_404(selectors.projects_visible_to(request.user), code=code)

    @extend_schema(responses={200: NeedSerializer(many=True)}, summary="The project's needs, most supported first")
    def get(self, request, code: str):
        needs = selectors.needs_ranked(self._project(request, code), request.user)[:200]
        return Response(NeedSerializer(needs, many=True).data)

    @extend_schema(request=NeedInSerializer, responses={201: NeedSerializer, **ERRORS_SCHEMA}, summary="File a need (点单)")
    def post(self, request, code: str):
        project = self._project(request, code)
        data = NeedInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = CatalogItem.objects.filter(code=data.validated_data["item"]).first()
        if item is None:
            return Response({"code": "unknown_item", "message": "No catalog item has this code.", "fields": {}}, status=400)
        try:
            need = services.need_file(project=project, actor=request.user, catalog_item=item, text=data.validated_data["text"])
        except services.ValidationError as error:
            return service_error(error)
        need.support_count = 1
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class NeedSupport(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: OpenApiResponse(description="Supported"), **ERRORS_SCHEMA, **errors(409)},
                   summary="Support a neighbour's need")
    def post(self, request, pk: int):
        need = get_object_or_404(Need.objects.filter(project__in=selectors.projects_visible_to(request.user)).select_related("project__estate"), pk=pk)
        try:
            services.need_support(need=need, actor=request.user)
        except services.ValidationError as error:
            return service_error(error)
        return Response({"need": need.pk, "supported": True}, status=status.HTTP_201_CREATED)
