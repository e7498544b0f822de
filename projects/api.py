"""API of projects and votes: reads through selectors (scoped: out of scope is 404), actions through
the services (which ask permissions.py)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
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
            return Response({"code": "unknown_item", "message": _("No catalog item has this code."), "fields": {"item": []}}, status=400)
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


# --- petitions, decisions, plans, paper ballots, acceptance -------------------------------------------

from rest_framework.parsers import FormParser, MultiPartParser  # noqa: E402

from .models import PlanVersion, Sponsorship, Voter  # noqa: E402
from .serializers import (  # noqa: E402
    AcceptanceInSerializer,
    SponsorAnswerInSerializer,
    InviteInSerializer,
    PaperBallotInSerializer,
    PetitionSerializer,
    PlanVersionSerializer,
    TextInSerializer,
    ProjectTransitionInSerializer,
)

DONE = OpenApiResponse(description="Done")


def _visible_project(request, code):
    return get_object_or_404(selectors.projects_visible_to(request.user), code=code)


def _call(service, **kwargs):
    try:
        return service(**kwargs), None
    except services.ValidationError as error:
        return None, service_error(error)


class PetitionDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PetitionSerializer, **ERRORS_SCHEMA}, summary="The petition and its sponsors (names masked)")
    def get(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            from django.http import Http404

            raise Http404
        missing = selectors.petition_shortfalls(petition)
        return Response({
            "project": code, "status": petition.status, "reason": petition.reason, "complete": not missing, "missing": missing,
            "sponsors": [{"id": s.pk, "name": s.resident.masked_name, "status": s.status} for s in petition.sponsorships.all()],
        })


class PetitionInvite(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=InviteInSerializer, responses={201: DONE, **ERRORS_SCHEMA, **errors(409)}, summary="Invite a neighbour to sponsor")
    def post(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            from django.http import Http404

            raise Http404
        data = InviteInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.sponsor_invite, petition=petition, actor=request.user, phone=data.validated_data["phone"])
        return failed or Response({"sponsorship": result.pk, "status": result.status}, status=status.HTTP_201_CREATED)


class SponsorshipAnswer(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SponsorAnswerInSerializer, responses={200: DONE, **ERRORS_SCHEMA}, summary="Sign (or decline) a petition you were invited to")
    def post(self, request, pk: int):
        sponsorship = get_object_or_404(Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk)
        data = SponsorAnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.sponsor_answer, sponsorship=sponsorship, actor=request.user, confirm=data.validated_data["confirm"])
        return failed or Response({"sponsorship": result.pk, "status": result.status})


class ProjectTransition(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ProjectTransitionInSerializer, responses={200: ProjectSerializer, **ERRORS_SCHEMA, **errors(409)},
                   summary="Decide: accept or reject a petition, start planning, hand over to maintenance (street office)")
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = ProjectTransitionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.project_transition, project=project, to=data.validated_data["to"], actor=request.user,
                               note=data.validated_data["note"])
        return failed or Response(ProjectSerializer(result).data)


class PlanList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PlanVersionSerializer(many=True), **ERRORS_SCHEMA}, summary="The plan's versions (三上三下) with their items")
    def get(self, request, code: str):
        versions = list(selectors.plan_versions(_visible_project(request, code)))
        for version in versions:
            version.item_list = list(selectors.plan_items(version))
        return Response(PlanVersionSerializer(versions, many=True).data)


def _version(request, pk):
    return get_object_or_404(PlanVersion.objects.filter(project__in=selectors.projects_visible_to(request.user)).select_related("project__estate__community"), pk=pk)


class PlanComment(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TextInSerializer, responses={201: DONE, **ERRORS_SCHEMA}, summary="Comment on a published plan version")
    def post(self, request, pk: int):
        version = _version(request, pk)
        data = TextInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.plan_comment_add, version=version, actor=request.user, text=data.validated_data["text"])
        return failed or Response({"comment": result.pk}, status=status.HTTP_201_CREATED)


class PlanPublish(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: DONE, **ERRORS_SCHEMA, **errors(409)}, summary="Publish a draft for comment (street approver)")
    def post(self, request, pk: int):
        result, failed = _call(services.plan_version_publish, version=_version(request, pk), actor=request.user)
        return failed or Response({"version": result.pk, "status": result.status})


class PaperBallot(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PaperBallotInSerializer}, responses={201: BallotOutSerializer, **ERRORS_SCHEMA, **errors(409)},
                   summary="Record a signed paper ballot with its scan (community staff)")
    def post(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        data = PaperBallotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voter = get_object_or_404(Voter.objects.filter(vote=vote), pk=data.validated_data["voter"])
        result, failed = _call(services.ballot_record_paper, vote=vote, voter=voter, choice=data.validated_data["choice"],
                               scan=data.validated_data["scan"], actor=request.user)
        if failed:
            return failed
        return Response({"vote": vote.code, "receipt": result[1], "choice": data.validated_data["choice"]}, status=status.HTTP_201_CREATED)


class AcceptanceSign(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AcceptanceInSerializer, responses={201: DONE, **ERRORS_SCHEMA, **errors(409)},
                   summary="Sign the completion acceptance (supervisor, street approver, council member)")
    def post(self, request, code: str):
        project = _visible_project(request, code)
        data = AcceptanceInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.acceptance_sign, project=project, role=data.validated_data["role"], actor=request.user,
                               opinion=data.validated_data["opinion"])
        return failed or Response({"signature": result.pk, "role": result.role}, status=status.HTTP_201_CREATED)
