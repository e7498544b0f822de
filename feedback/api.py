"""API of complaints and surveys (the same selectors, services and permissions as the pages)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import THROTTLED, CursorPage, errors, service_error
from projects.models import Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.notifications import absolute

from . import permissions, selectors, services
from .serializers import (
    AnswerInSerializer,
    ComplaintDetailSerializer,
    ComplaintInSerializer,
    ComplaintSerializer,
    InvitationSerializer,
    LetterSerializer,
    LinkAnswerInSerializer,
    MessageInSerializer,
    PaperAnswerInSerializer,
    TransitionInSerializer,
)

ERRORS = errors(400, 401, 403, 404, 409)


class ComplaintListCreate(generics.ListAPIView):
    """Complaints you filed or must answer (GET); file one (POST, multipart for photos)."""

    serializer_class = ComplaintSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["status", "category", "route"]

    def get_queryset(self):
        return selectors.complaints_visible_to(self.request.user)

    @extend_schema(
        request={"multipart/form-data": ComplaintInSerializer},
        responses={201: ComplaintSerializer, **ERRORS},
        summary="File a complaint",
        examples=[
            OpenApiExample(
                "Scaffolding",
                request_only=True,
                value={
                    "project": "taoyuan-xq-2026",
                    "category": "safety",
                    "text": "脚手架没有围挡，孩子放学经过",
                    "location": "3栋东侧",
                },
            )
        ],
    )
    def post(self, request):
        data = ComplaintInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = get_object_or_404(
            Project.objects.filter(
                estate_id__in=stakeholder_permissions.claimed_estate_ids(request.user)
            ).select_related("estate__community"),
            code=data.validated_data["project"],
        )
        try:
            complaint = services.complaint_file(
                project=project,
                actor=request.user,
                category=data.validated_data["category"],
                text=data.validated_data["text"],
                location=data.validated_data["location"],
                photos=request.FILES.getlist("photos"),
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetail(generics.RetrieveAPIView):
    serializer_class = ComplaintDetailSerializer

    def get_queryset(self):
        return selectors.complaints_visible_to(self.request.user)

    def get_object(self):
        complaint = super().get_object()
        complaint.update_list = list(selectors.complaint_updates(complaint))
        return complaint


class ComplaintTransition(APIView):
    @extend_schema(
        request=TransitionInSerializer,
        responses={200: ComplaintSerializer, **ERRORS},
        summary="Acknowledge, resolve, close or reopen",
    )
    def post(self, request, pk: int):
        complaint = get_object_or_404(selectors.complaints_visible_to(request.user), pk=pk)
        data = TransitionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = services.complaint_transition(
                complaint=complaint, to=data.validated_data["to"], actor=request.user, note=data.validated_data["note"]
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response(ComplaintSerializer(complaint).data)


class ComplaintMessage(APIView):
    @extend_schema(
        request=MessageInSerializer,
        responses={201: OpenApiResponse(description="Sent"), **ERRORS},
        summary="Write on a complaint",
    )
    def post(self, request, pk: int):
        complaint = get_object_or_404(selectors.complaints_visible_to(request.user), pk=pk)
        data = MessageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.complaint_message(complaint=complaint, actor=request.user, text=data.validated_data["text"])
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"complaint": complaint.pk, "sent": True}, status=status.HTTP_201_CREATED)


class MyInvitations(generics.ListAPIView):
    """Open survey invitations of the households you are the voting owner of."""

    serializer_class = InvitationSerializer
    pagination_class = None
    queryset = InvitationSerializer.Meta.model.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self):
        return selectors.invitations_for(self.request.user)


class InvitationAnswer(APIView):
    @extend_schema(
        request=AnswerInSerializer,
        responses={201: OpenApiResponse(description="Recorded"), **ERRORS},
        summary="Answer a survey for your household",
        examples=[
            OpenApiExample(
                "Satisfied",
                request_only=True,
                value={
                    "overall": 5,
                    "quality": 4,
                    "schedule": 4,
                    "communication": 5,
                    "conduct": 5,
                    "transparency": 4,
                    "text": "楼道亮了",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        invitation = selectors.invitation_of_owner(request.user, pk)
        if invitation is None:
            return Response(
                {"code": "not_found", "message": _("No invitation of yours has this number."), "fields": {}}, status=404
            )
        data = AnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.response_submit_as_owner(
                invitation=invitation, actor=request.user, answers=data.answers(), text=data.validated_data["text"]
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"invitation": invitation.pk, "recorded": True}, status=status.HTTP_201_CREATED)


# --- the survey desk (community committee staff): printed letters, paper answers -----------------------


class LetterPage(CursorPage):
    ordering = ("household_id",)  # one invitation per household and survey


class SurveyLetters(APIView):
    pagination_class = LetterPage  # also tells the schema the list is paginated

    @extend_schema(
        responses={200: LetterSerializer(many=True), **ERRORS},
        summary="The letters to print: households and their answer links (community staff)",
        description="Unanswered households the portal cannot message (all unanswered ones with `all=1`), "
        "cursor-paginated. "
        "The links are secrets: print them, do not publish them.",
        parameters=[
            OpenApiParameter("all", bool, description="Every unanswered household, not only those without an account"),
            OpenApiParameter("building", str, description="Only this building number"),
        ],
    )
    def get(self, request, pk: int):
        survey = get_object_or_404(selectors.surveys_visible_to(request.user), pk=pk)
        if not permissions.can_print_invitations(request.user, survey):
            raise PermissionDenied(_("Community committee staff print invitations while the survey is open."))
        everyone = request.query_params.get("all") in ("1", "true", "True")
        building = request.query_params.get("building", "")[:20]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.invitations_to_print(survey, only_without_account=not everyone, building=building),
            request,
            view=self,
        )
        for invitation in page:
            invitation.survey = survey
            invitation.url = absolute(services.answer_path(invitation))
        return paginator.get_paginated_response(LetterSerializer(page, many=True).data)


class SurveyPaperAnswer(APIView):
    @extend_schema(
        request=PaperAnswerInSerializer,
        responses={201: OpenApiResponse(description="Recorded"), **ERRORS},
        summary="Enter a household's signed paper answer (community staff)",
        description="Once per household: a household that has answered (online or on paper) is 409 `already_answered`.",
        examples=[
            OpenApiExample(
                "From the paper form",
                request_only=True,
                value={
                    "invitation": 4711,
                    "overall": 4,
                    "quality": 4,
                    "schedule": 3,
                    "communication": 4,
                    "conduct": 5,
                    "transparency": 4,
                    "text": "",
                },
            )
        ],
    )
    def post(self, request, pk: int):
        survey = get_object_or_404(selectors.surveys_visible_to(request.user), pk=pk)
        if not permissions.can_record_paper_response(request.user, survey):
            raise PermissionDenied(_("Community committee staff enter paper answers while the survey is open."))
        data = PaperAnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = (
            survey.invitations.select_related("household__building")
            .filter(pk=data.validated_data["invitation"])
            .first()
        )
        if invitation is None:
            raise DjangoValidationError(
                {
                    "invitation": DjangoValidationError(
                        _("This household has already answered, or is not in this survey."), code="invalid_choice"
                    )
                }
            )
        invitation.survey = survey
        try:
            services.response_record_paper(
                invitation=invitation, actor=request.user, answers=data.answers(), text=data.validated_data["text"]
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"invitation": invitation.pk, "recorded": True}, status=status.HTTP_201_CREATED)


class LinkAnswer(APIView):
    """What the printed letter's QR code opens, for an app: no account needed, the link is the key."""

    permission_classes = [AllowAny]
    throttle_classes = THROTTLED
    throttle_scope = "survey_link"

    @extend_schema(
        request=LinkAnswerInSerializer,
        responses={201: OpenApiResponse(description="Recorded"), **ERRORS, **errors(429)},
        summary="Answer a survey with a household's link (no sign-in)",
        description="400 `forged` or `expired` for a bad link, `closed` after the survey; 409 `already_answered`.",
        examples=[
            OpenApiExample(
                "From a scanned letter",
                request_only=True,
                value={
                    "invitation": 4711,
                    "token": "…from the link…",
                    "overall": 5,
                    "quality": 5,
                    "schedule": 4,
                    "communication": 4,
                    "conduct": 5,
                    "transparency": 4,
                },
            )
        ],
    )
    def post(self, request):
        data = LinkAnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.response_submit_by_link(
                invitation_id=data.validated_data["invitation"],
                token=data.validated_data["token"],
                answers=data.answers(),
                text=data.validated_data["text"],
                actor=request.user,
            )
        except DjangoValidationError as error:
            return service_error(error)
        return Response(
            {"invitation": data.validated_data["invitation"], "recorded": True}, status=status.HTTP_201_CREATED
        )
