"""Votes: list and detail, casting a ballot, votes by hand, the paper-ballot desk and its scans."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPage, errors, file_responses, service_error
from core.files import DOCUMENT_TYPES, private_file_response

from .. import permissions, published, selectors, services
from ..models import Ballot, Vote, Voter
from ..serializers import (
    BallotInSerializer,
    BallotOutSerializer,
    PaperBallotInSerializer,
    PaperDeskVoterSerializer,
    VoteCreateInSerializer,
    VoteDetailSerializer,
    VoteSerializer,
)
from .projects import CONFLICT, ERRORS_SCHEMA, _call, _visible_project


class VoteList(generics.ListAPIView):
    serializer_class = VoteSerializer
    filterset_fields = ["status", "purpose"]

    def get_queryset(self):
        return selectors.votes_visible_to(self.request.user).select_related("project")


class VoteDetail(generics.RetrieveAPIView):
    """Turnout while open; the published result after close."""

    serializer_class = VoteDetailSerializer
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
    @extend_schema(
        request=BallotInSerializer,
        responses={201: BallotOutSerializer, **ERRORS_SCHEMA, **errors(409)},
        summary="Cast your ballot",
        description="Once per owner; a second ballot (or a concurrent one) is 409 `already_voted`.",
        examples=[OpenApiExample("Agree", request_only=True, value={"choice": "agree"})],
    )
    def post(self, request, code: str):
        # One read for an owner in the electorate: their Voter row with its vote. Anyone else is
        # decided as before (the vote if they may see it, else 404; then not_in_electorate).
        voter = selectors.voter_for_ballot(request.user, code)
        if permissions.is_in_electorate(request.user, voter):
            vote = voter.vote
        else:
            voter, vote = None, selectors.vote_visible_to(request.user, code)
        if vote is None:
            raise Http404
        data = BallotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            _ballot, receipt = services.ballot_cast(
                vote=vote, actor=request.user, choice=data.validated_data["choice"], voter=voter
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response(
            {"vote": vote.code, "receipt": receipt, "choice": data.validated_data["choice"]},
            status=status.HTTP_201_CREATED,
        )


class VoterPage(CursorPage):
    ordering = ("id",)


class PaperBallot(APIView):
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = VoterPage  # also tells the schema the list is paginated

    @extend_schema(
        responses={200: PaperDeskVoterSerializer(many=True), **ERRORS_SCHEMA},
        summary="The paper-ballot desk: the vote's electorate by units, and who has voted (community staff, approver)",
        parameters=[OpenApiParameter("q", str, description="Units containing this text, e.g. 2栋1单元")],
    )
    def get(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        if not permissions.may_see_paper_ballots(request.user, vote):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.voters_for_paper(vote, request.query_params.get("q", "").strip()[:40]), request, view=self
        )
        rows = [
            {
                "id": v.pk,
                "label": v.label,
                "area": v.area,
                "has_account": v.resident_id is not None,
                "voted": getattr(getattr(v, "ballot", None), "channel", None),
            }
            for v in page
        ]
        return paginator.get_paginated_response(PaperDeskVoterSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": PaperBallotInSerializer},
        responses={201: BallotOutSerializer, **ERRORS_SCHEMA, **errors(409)},
        summary="Record a signed paper ballot with its scan (community staff)",
    )
    def post(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        data = PaperBallotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voter = get_object_or_404(Voter.objects.filter(vote=vote), pk=data.validated_data["voter"])
        result, failed = _call(
            services.ballot_record_paper,
            vote=vote,
            voter=voter,
            choice=data.validated_data["choice"],
            scan=data.validated_data["scan"],
            actor=request.user,
        )
        if failed:
            return failed
        return Response(
            {"vote": vote.code, "receipt": result[1], "choice": data.validated_data["choice"]},
            status=status.HTTP_201_CREATED,
        )


class VoteCreate(APIView):
    @extend_schema(
        request=VoteCreateInSerializer,
        responses={201: VoteSerializer, **ERRORS_SCHEMA},
        summary="Call a vote by hand, as a draft (street approver)",
        description="Open it with POST /api/v1/votes/{code}/open/: its electorate is fixed at that moment.",
        examples=[
            OpenApiExample(
                "An elevator for one entrance",
                request_only=True,
                value={
                    "title": "3栋2单元加装电梯",
                    "matter": "special",
                    "scope": "unit",
                    "building": "3",
                    "unit": "2",
                    "opens_at": "2026-05-01T09:00:00+08:00",
                    "closes_at": "2026-05-15T18:00:00+08:00",
                },
            )
        ],
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        if not permissions.can_manage_votes(request.user, project):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        data = VoteCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        building = project.estate.buildings.filter(number=d["building"]).first() if d["building"] else None
        result, failed = _call(
            services.vote_create,
            project=project,
            purpose=Vote.Purpose.OTHER,
            title=d["title"],
            matter=d["matter"],
            scope=d["scope"],
            building=building,
            unit=d["unit"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            actor=request.user,
        )
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class VoteAction(APIView):
    """Open a draft vote (its electorate is fixed), or count an open one whose deadline has passed."""

    action = ""

    @extend_schema(
        request=None,
        responses={200: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Open a draft vote, or close (count) one past its deadline (street approver)",
        description="Opening a vote that is already open is 409 `not_draft`; closing before the deadline is 403.",
    )
    def post(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user).select_related("project__estate"), code=code)
        service = services.vote_open if self.action == "open" else services.vote_close_now
        result, failed = _call(service, vote=vote, actor=request.user)
        if failed:
            return failed
        return Response(VoteSerializer(Vote.objects.select_related("project").get(pk=result.pk)).data)


class BallotScan(APIView):
    @extend_schema(
        responses=file_responses(DOCUMENT_TYPES), summary="A paper ballot's scan (community staff, the approver)"
    )
    def get(self, request, code: str, pk: int):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        ballot = get_object_or_404(
            Ballot.objects.filter(vote=vote, channel=Ballot.Channel.PAPER).exclude(scan=""), pk=pk
        )
        if not permissions.can_view_ballot_scan(request.user, ballot):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        return private_file_response(
            ballot.scan, content_type=ballot.scan_content_type, download_name=f"ballot-{ballot.pk}"
        )
