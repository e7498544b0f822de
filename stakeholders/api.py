"""API of people and places: public estates, the user's own notifications, tokens."""

from axes.helpers import get_client_ip_address
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import THROTTLED, CursorPage, errors, file_responses, service_error
from core.files import DOCUMENT_TYPES, private_file_response

from . import permissions as stakeholder_permissions
from . import selectors, services
from .models import Estate, Household, Notification, Ownership
from .notifications import CHANNELS, wanted_channels
from .serializers import (
    ClaimInSerializer,
    ClaimRejectInSerializer,
    ClaimReviewSerializer,
    ClaimVerifyInSerializer,
    EstateSerializer,
    NotificationChannelsSerializer,
    NotificationSerializer,
    RegisterCodeInSerializer,
    RegisterCodeOutSerializer,
    RegisterInSerializer,
    TokenOutSerializer,
)


class EstateFilter(filters.FilterSet):
    street = filters.CharFilter(field_name="community__street__code", help_text="Street code")

    class Meta:
        model = Estate
        fields = ["street"]


class EstateList(generics.ListAPIView):
    """Every estate in the portal (public: no personal data)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = EstateSerializer
    filterset_class = EstateFilter

    def get_queryset(self):
        return selectors.public_estates().select_related("community__street")


class NotificationList(generics.ListAPIView):
    """The signed-in user's notices, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self):
        return selectors.notifications_of(self.request.user)


@extend_schema(
    summary="Get an API token",
    description="POST username (or phone) and password; use the token as `Authorization: Token <key>`.",
)
class TokenView(ObtainAuthToken):
    """A resident's or staff member's API token for a phone, e-mail or username and its password.
    Wrong passwords count towards the sign-in lock-out (django-axes); the address is rate-limited."""

    throttle_classes = THROTTLED
    throttle_scope = "sign_in"

    @extend_schema(
        responses={200: TokenOutSerializer, **errors(400, 429)},
        summary="Sign in for a token (phone, e-mail or username, and the password)",
        description="After too many wrong passwords for an account or from an address, 429 `locked_out` for the "
        "cool-off (Retry-After says how long); too many requests from one address, 429 `throttled`.",
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class Logout(APIView):
    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works"), **errors(401)},
        summary="Sign out: revoke the token this request was made with",
    )
    def post(self, request):
        services.api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- notices read and their channels; the committee's claim reviews ---------------------------------------


ERRORS = errors(400, 401, 403, 404, 409)


class NotificationRead(APIView):
    @extend_schema(
        request=None, responses={200: NotificationSerializer, **ERRORS}, summary="Mark one of your notices read"
    )
    def post(self, request, pk: int):
        notification = get_object_or_404(selectors.notifications_of(request.user), pk=pk)
        services.notifications_mark_read(user=request.user, pk=notification.pk)
        return Response(NotificationSerializer(get_object_or_404(selectors.notifications_of(request.user), pk=pk)).data)


def _channels(user) -> dict:
    preference = selectors.notification_preference(user)
    return {"channels": {kind: sorted(wanted_channels(kind, preference)) for kind in Notification.Kind.values}}


class NotificationSettings(APIView):
    @extend_schema(
        responses={200: NotificationChannelsSerializer, **ERRORS}, summary="Which notices also come by e-mail or SMS"
    )
    def get(self, request):
        return Response(_channels(request.user))

    @extend_schema(
        request=NotificationChannelsSerializer,
        responses={200: NotificationChannelsSerializer, **ERRORS},
        summary="Choose which notices also come by e-mail or SMS (kinds left out: none)",
        examples=[
            OpenApiExample(
                "Votes by SMS", request_only=True, value={"channels": {"vote_opened": ["sms"], "need_triaged": []}}
            )
        ],
    )
    def put(self, request):
        data = NotificationChannelsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = {kind: set(channels) & set(CHANNELS) for kind, channels in data.validated_data["channels"].items()}
        services.notification_preferences_save(user=request.user, channels=chosen)
        return Response(_channels(request.user))


class ClaimPage(CursorPage):
    ordering = ("submitted_at", "id")  # oldest first: claims are handled in the order residents sent them


class ClaimReviewList(APIView):
    pagination_class = ClaimPage  # also tells the schema the list is paginated

    @extend_schema(
        responses={200: ClaimReviewSerializer(many=True), **ERRORS},
        summary="Household claims to review (community committee staff)",
        parameters=[
            OpenApiParameter("status", str, enum=list(Ownership.Status.values), description="Default: pending")
        ],
    )
    def get(self, request):
        if not stakeholder_permissions.may_review_ownerships(request.user):
            raise PermissionDenied(_("Only community committee staff verify ownership claims."))
        wanted = request.query_params.get("status", Ownership.Status.PENDING)
        if wanted not in Ownership.Status.values:
            wanted = Ownership.Status.PENDING
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.ownerships_for_review(request.user).filter(status=wanted), request, view=self
        )
        return paginator.get_paginated_response(ClaimReviewSerializer(page, many=True).data)


class ClaimReview(APIView):
    """Verify a claim (as the voting owner if the household has none, or as a co-owner), or reject it."""

    action = ""

    @extend_schema(
        request={"application/json": ClaimVerifyInSerializer},
        responses={200: ClaimReviewSerializer, **ERRORS},
        summary="Verify a household claim (community committee staff)",
        description="Without `co_owner` the claimant becomes the household's voting owner if it has none yet. "
        "409 `already_reviewed`.",
        examples=[OpenApiExample("Co-owner", request_only=True, value={"co_owner": True})],
    )
    def post(self, request, pk: int):
        ownership = get_object_or_404(
            selectors.ownerships_for_review(request.user), pk=pk
        )  # outside your communities: 404
        try:
            if self.action == "verify":
                data = ClaimVerifyInSerializer(data=request.data)
                data.is_valid(raise_exception=True)
                services.ownership_verify(
                    ownership=ownership, actor=request.user, voting=False if data.validated_data["co_owner"] else None
                )
            else:
                data = ClaimRejectInSerializer(data=request.data)
                data.is_valid(raise_exception=True)
                services.ownership_reject(ownership=ownership, actor=request.user, reason=data.validated_data["reason"])
        except services.ValidationError as error:
            return service_error(error)
        return Response(
            ClaimReviewSerializer(selectors.ownerships_for_review(request.user).get(pk=pk)).data,
            status=status.HTTP_200_OK,
        )


class ClaimReject(ClaimReview):
    action = "reject"

    @extend_schema(
        request={"application/json": ClaimRejectInSerializer},
        responses={200: ClaimReviewSerializer, **ERRORS},
        summary="Reject a household claim with a reason (community committee staff)",
        examples=[OpenApiExample("Unreadable", request_only=True, value={"reason": "产权证照片看不清，请重新上传"})],
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


# --- registering and claiming a household ------------------------------------------------------------


class RegisterCode(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = THROTTLED
    throttle_scope = "register_code"

    @extend_schema(
        request=RegisterCodeInSerializer,
        responses={202: RegisterCodeOutSerializer, **errors(400, 429)},
        summary="Send a registration code to a phone or e-mail",
        description="A 6-digit code goes to the address by SMS or e-mail (valid `minutes`). If the address "
        "already has an account, the message there says so instead, and this answer is the same: it never "
        "tells whether an account exists. 429 `code_too_soon` (one a minute) or `code_limit` (per hour).",
        examples=[OpenApiExample("By phone", request_only=True, value={"identifier": "13800000000"})],
    )
    def post(self, request):
        data = RegisterCodeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sent = services.registration_code_send(
                identifier=data.validated_data["identifier"], requested_from=get_client_ip_address(request)
            )
        except services.ValidationError as error:
            answer = service_error(error)
            codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
            if codes & {"code_too_soon", "code_limit"}:
                answer.status_code = status.HTTP_429_TOO_MANY_REQUESTS
                answer["Retry-After"] = str(60 if "code_too_soon" in codes else 3600)
            return answer
        return Response({"sent_to": sent.shown, "minutes": sent.minutes}, status=status.HTTP_202_ACCEPTED)


class Register(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = THROTTLED
    throttle_scope = "register"

    @extend_schema(
        request=RegisterInSerializer,
        responses={201: TokenOutSerializer, **ERRORS, **errors(429)},
        summary="Register a resident account; answers its token",
        description="First ask for a code (POST /api/v1/auth/register/code/), then send it here with the "
        "account's name and password; then claim your household (POST /api/v1/claims/). 400 `code_invalid` "
        "for a wrong, expired or used code — also when the address already has an account.",
        examples=[
            OpenApiExample(
                "By phone",
                request_only=True,
                value={
                    "name": "张三",
                    "identifier": "13800000000",
                    "code": "123456",
                    "password": "a long passphrase 2026",
                    "consent": True,
                },
            )
        ],
    )
    def post(self, request):
        data = RegisterInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            user = services.resident_register(
                name=d["name"],
                identifier=d["identifier"],
                code=d["code"],
                password=d["password"],
                is_party_member=d["is_party_member"],
            )
        except services.ValidationError as error:
            return service_error(error)
        return Response({"token": services.api_token_issue(user=user).key}, status=status.HTTP_201_CREATED)


class Claims(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        responses={200: ClaimReviewSerializer(many=True), **ERRORS},
        summary="Your household claims and how they were reviewed",
    )
    def get(self, request):
        return Response(
            ClaimReviewSerializer(
                selectors.ownerships_of_user(request.user).order_by("-submitted_at", "-id")[:100], many=True
            ).data
        )

    @extend_schema(
        request={"multipart/form-data": ClaimInSerializer},
        responses={201: ClaimReviewSerializer, **ERRORS},
        summary="Claim a household with a proof of ownership (a resident)",
        description="The community committee verifies it; 409 `duplicate_claim` if you have claimed it already.",
    )
    def post(self, request):
        if not stakeholder_permissions.may_claim_households(request.user):
            raise PermissionDenied(_("Only residents can claim a household. Register a resident account to do so."))
        data = ClaimInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        household = (
            Household.objects.filter(
                building__estate__code=d["estate"], building__number=d["building"], unit=d["unit"], room=d["room"]
            )
            .select_related("building__estate__community")
            .first()
        )
        if household is None:
            raise services.ValidationError(
                {
                    "household": services.ValidationError(
                        _("This room is not in the chosen building and entrance. Pick the room again."), code="mismatch"
                    )
                }
            )
        try:
            ownership = services.ownership_claim(resident=request.user.resident, household=household, proof=d["proof"])
        except services.ValidationError as error:
            return service_error(error)
        return Response(
            ClaimReviewSerializer(selectors.ownerships_of_user(request.user).get(pk=ownership.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ClaimProof(APIView):
    @extend_schema(
        responses=file_responses(DOCUMENT_TYPES), summary="A claim's proof of ownership (the claimant, the committee)"
    )
    def get(self, request, pk: int):
        ownership = get_object_or_404(selectors.ownerships_visible(request.user), pk=pk)
        if not stakeholder_permissions.can_view_ownership_proof(request.user, ownership):
            raise PermissionDenied
        extension = ownership.proof.name[ownership.proof.name.rfind(".") :] if "." in ownership.proof.name else ""
        return private_file_response(
            ownership.proof, content_type=ownership.proof_content_type, download_name=f"proof-{ownership.pk}{extension}"
        )
