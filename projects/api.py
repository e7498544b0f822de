"""API of projects and votes: reads through selectors (scoped: out of scope is 404), actions through
the services (which ask permissions.py)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from stakeholders import permissions as people
from stakeholders.api_base import CursorPage, errors, file_responses, service_error
from stakeholders.files import DOCUMENT_TYPES, IMAGE_TYPES, private_file_response
from stakeholders.models import Estate, Organization

from . import permissions as rules
from . import published, selectors, services
from .models import Ballot, CatalogItem, Need, PlanItem, PlanVersion, Sponsorship, Vote, Voter
from .serializers import (
    AcceptanceInSerializer,
    AwardInSerializer,
    AwardOutSerializer,
    BallotInSerializer,
    BallotOutSerializer,
    InviteInSerializer,
    NeedInSerializer,
    NeedSerializer,
    NeedTriageInSerializer,
    PaperBallotInSerializer,
    PaperDeskVoterSerializer,
    PetitionSerializer,
    PetitionStartInSerializer,
    PlanItemInSerializer,
    PlanItemSerializer,
    PlanSummaryInSerializer,
    PlanVersionSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectTransitionInSerializer,
    SponsorAnswerInSerializer,
    TextInSerializer,
    VoteCreateInSerializer,
    VoteDetailSerializer,
    VoteSerializer,
)

ERRORS_SCHEMA = errors(400, 401, 403, 404)
CONFLICT = errors(409)


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
                   summary="Cast your ballot", description="Once per owner; a second ballot (or a concurrent one) is 409 `already_voted`.",
                   examples=[OpenApiExample("Agree", request_only=True, value={"choice": "agree"})])
    def post(self, request, code: str):
        vote = selectors.vote_visible_to(request.user, code)
        if vote is None:
            raise Http404
        data = BallotInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            _ballot, receipt = services.ballot_cast(vote=vote, actor=request.user, choice=data.validated_data["choice"])
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"vote": vote.code, "receipt": receipt, "choice": data.validated_data["choice"]}, status=status.HTTP_201_CREATED)


class NeedPage(CursorPage):
    ordering = ("-support_count", "created_at", "id")  # as needs_ranked: most supported first


class NeedListCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = NeedPage  # also tells the schema the list is paginated

    def _project(self, request, code):
        return get_object_or_404(selectors.projects_visible_to(request.user), code=code)

    @extend_schema(responses={200: NeedSerializer(many=True)}, summary="The project's needs, most supported first (cursor-paginated)")
    def get(self, request, code: str):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.needs_ranked(self._project(request, code), request.user), request, view=self)
        return paginator.get_paginated_response(NeedSerializer(page, many=True).data)

    @extend_schema(request={"application/json": NeedInSerializer, "multipart/form-data": NeedInSerializer},
                   responses={201: NeedSerializer, **ERRORS_SCHEMA}, summary="File a need (点单), with a photo if multipart",
                   examples=[OpenApiExample("Roof", request_only=True, value={"item": "roof", "text": "3栋顶楼下雨渗水"})])
    def post(self, request, code: str):
        project = self._project(request, code)
        data = NeedInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = CatalogItem.objects.filter(code=data.validated_data["item"]).first()
        if item is None:
            return Response({"code": "unknown_item", "message": _("No catalog item has this code."), "fields": {"item": []}}, status=400)
        try:
            need = services.need_file(project=project, actor=request.user, catalog_item=item, text=data.validated_data["text"],
                                      photo=data.validated_data["photo"])
        except DjangoValidationError as error:
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
        except DjangoValidationError as error:
            return service_error(error)
        return Response({"need": need.pk, "supported": True}, status=status.HTTP_201_CREATED)


# --- petitions, decisions, plans, paper ballots, acceptance -------------------------------------------


DONE = OpenApiResponse(description="Done")


def _visible_project(request, code):
    return get_object_or_404(selectors.projects_visible_to(request.user), code=code)


def _call(service, **kwargs):
    try:
        return service(**kwargs), None
    except DjangoValidationError as error:
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

    @extend_schema(request=None, responses={201: PlanVersionSerializer, **ERRORS_SCHEMA, **CONFLICT},
                   summary="Start the plan's next version, a copy of the latest one's items (council, community committee)",
                   description="409 `version_busy` while a version is being drafted or voted on.")
    def post(self, request, code: str):
        result, failed = _call(services.plan_version_start, project=_visible_project(request, code), actor=request.user)
        return failed or Response(_version_out(result), status=status.HTTP_201_CREATED)


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


class VoterPage(CursorPage):
    ordering = ("id",)


class PaperBallot(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = VoterPage  # also tells the schema the list is paginated

    @extend_schema(responses={200: PaperDeskVoterSerializer(many=True), **ERRORS_SCHEMA},
                   summary="The paper-ballot desk: the vote's electorate by units, and who has voted (community staff, approver)",
                   parameters=[OpenApiParameter("q", str, description="Units containing this text, e.g. 2栋1单元")])
    def get(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        if not rules.may_see_paper_ballots(request.user, vote):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.voters_for_paper(vote, request.query_params.get("q", "").strip()[:40]), request, view=self)
        rows = [{"id": v.pk, "label": v.label, "area": v.area, "has_account": v.resident_id is not None,
                 "voted": getattr(getattr(v, "ballot", None), "channel", None)} for v in page]
        return paginator.get_paginated_response(PaperDeskVoterSerializer(rows, many=True).data)

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


# --- petition start and submit, votes by hand, need triage, plan drafting, award -------------------------


def _petition_body(petition, code: str) -> dict:
    missing = selectors.petition_shortfalls(petition)
    return {
        "project": code, "status": petition.status, "reason": petition.reason, "complete": not missing, "missing": missing,
        "sponsors": [{"id": s.pk, "name": s.resident.masked_name, "status": s.status} for s in petition.sponsorships.all()],
    }


class PetitionStart(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=PetitionStartInSerializer, responses={201: PetitionSerializer, **ERRORS_SCHEMA}, summary="Start a petition (a verified owner)",
        description="Creates the project in `petitioning` with you as its first sponsor; 403 if a project is already under way in the estate.",
        examples=[OpenApiExample("Leaking roofs", value={"estate": "taoyuan-xq", "reason": "屋面漏水，楼道没有照明"}, request_only=True)],
    )
    def post(self, request):
        if not people.verified_estate_ids(request.user):
            raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
        data = PetitionStartInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        estate = get_object_or_404(Estate.objects.filter(pk__in=people.verified_estate_ids(request.user)), code=data.validated_data["estate"])
        result, failed = _call(services.petition_start, resident=request.user.resident, estate=estate, reason=data.validated_data["reason"])
        if failed:
            return failed
        return Response(_petition_body(selectors.petition_of(result.project), result.project.code), status=status.HTTP_201_CREATED)


class PetitionSubmit(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
                   summary="Send the complete petition to the owners' willingness vote (a confirmed sponsor)",
                   description="400 lists what is missing (sponsors, households, party_member); 409 `already_submitted`.")
    def post(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            raise Http404
        result, failed = _call(services.petition_submit, petition=petition, actor=request.user)
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class VoteCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=VoteCreateInSerializer, responses={201: VoteSerializer, **ERRORS_SCHEMA},
        summary="Call a vote by hand, as a draft (street approver)",
        description="Open it with POST /api/v1/votes/{code}/open/: its electorate is fixed at that moment.",
        examples=[OpenApiExample("An elevator for one entrance", request_only=True, value={
            "title": "3栋2单元加装电梯", "matter": "special", "scope": "unit", "building": "3", "unit": "2",
            "opens_at": "2026-05-01T09:00:00+08:00", "closes_at": "2026-05-15T18:00:00+08:00"})],
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        if not rules.can_manage_votes(request.user, project):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        data = VoteCreateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        building = project.estate.buildings.filter(number=d["building"]).first() if d["building"] else None
        result, failed = _call(services.vote_create, project=project, purpose=Vote.Purpose.OTHER, title=d["title"], matter=d["matter"],
                               scope=d["scope"], building=building, unit=d["unit"], opens_at=d["opens_at"], closes_at=d["closes_at"],
                               actor=request.user)
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class VoteAction(APIView):
    """Open a draft vote (its electorate is fixed), or count an open one whose deadline has passed."""

    permission_classes = [permissions.IsAuthenticated]
    action = ""

    @extend_schema(request=None, responses={200: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
                   summary="Open a draft vote, or close (count) one past its deadline (street approver)",
                   description="Opening a vote that is already open is 409 `not_draft`; closing before the deadline is 403.")
    def post(self, request, code: str):
        vote = get_object_or_404(selectors.votes_visible_to(request.user).select_related("project__estate"), code=code)
        service = services.vote_open if self.action == "open" else services.vote_close_now
        result, failed = _call(service, vote=vote, actor=request.user)
        if failed:
            return failed
        return Response(VoteSerializer(Vote.objects.select_related("project").get(pk=result.pk)).data)


class NeedTriage(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=NeedTriageInSerializer, responses={200: NeedSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Include a need in the plan, or decline it with a reason (council, community committee)",
        description="Each need is answered once: a second answer is 409 `already_triaged`.",
        examples=[OpenApiExample("Decline", request_only=True, value={"decision": "decline", "reason": "不属于本次改造范围，已转物业"}),
                  OpenApiExample("Include", request_only=True, value={"decision": "include", "plan_item": 12})],
    )
    def post(self, request, pk: int):
        need = get_object_or_404(Need.objects.filter(project__in=selectors.projects_visible_to(request.user)).select_related("project__estate"), pk=pk)
        if not rules.can_triage_needs(request.user, need.project):
            raise PermissionDenied(services.NEED_ERRORS["cannot_triage"])
        data = NeedTriageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = None
        if d["plan_item"] is not None:
            item = next((i for i in selectors.draft_plan_items(need.project) if i.pk == d["plan_item"]), None)
            if item is None:
                raise DjangoValidationError({"plan_item": DjangoValidationError(services.NEED_ERRORS["bad_plan_item"], code="bad_plan_item")})
        result, failed = _call(services.need_triage, need=need, actor=request.user, include=d["decision"] == "include", reason=d["reason"], plan_item=item)
        if failed:
            return failed
        return Response(NeedSerializer(selectors.needs_ranked(result.project, request.user).get(pk=result.pk)).data)


def _version_out(version) -> dict:
    version.item_list = list(selectors.plan_items(version))
    return PlanVersionSerializer(version).data


class PlanDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: PlanVersionSerializer, **ERRORS_SCHEMA}, summary="One plan version with its items")
    def get(self, request, pk: int):
        return Response(_version_out(_version(request, pk)))

    @extend_schema(request=PlanSummaryInSerializer, responses={200: PlanVersionSerializer, **ERRORS_SCHEMA, **CONFLICT},
                   summary="Edit a draft version's summary (its drafters)",
                   examples=[OpenApiExample("Summary", request_only=True, value={"summary": "根据居民意见增加楼道照明"})])
    def patch(self, request, pk: int):
        version = _version(request, pk)
        data = PlanSummaryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(services.plan_version_edit, version=version, actor=request.user, summary=data.validated_data["summary"])
        return failed or Response(_version_out(result))


class PlanItemAdd(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=PlanItemInSerializer, responses={201: PlanItemSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Add an item with its funding split to a draft version (its drafters)",
        description="The funding amounts must add up to the estimated cost exactly (400 `funding_sum`).",
        examples=[OpenApiExample("Roof waterproofing", request_only=True, value={
            "item": "roof", "description": "1-6栋屋面防水", "quantity": "1800.00", "unit": "m²", "estimated_cost": "270000.00",
            "funding": {"central_subsidy": "150000.00", "local_finance": "90000.00", "residents": "30000.00"}})],
    )
    def post(self, request, pk: int):
        version = _version(request, pk)
        data = PlanItemInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        catalog_item = CatalogItem.objects.filter(code=d["item"]).first()
        if catalog_item is None:
            return Response({"code": "unknown_item", "message": _("No catalog item has this code."), "fields": {"item": []}}, status=400)
        result, failed = _call(services.plan_item_add, version=version, actor=request.user, catalog_item=catalog_item, description=d["description"],
                               quantity=d["quantity"], unit=d["unit"], estimated_cost=d["estimated_cost"], funding=d["funding"])
        return failed or Response(PlanItemSerializer(result).data, status=status.HTTP_201_CREATED)


class PlanItemRemove(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **ERRORS_SCHEMA, **CONFLICT}, summary="Remove an item from a draft version (its drafters)")
    def delete(self, request, pk: int, item: int):
        version = _version(request, pk)
        plan_item = get_object_or_404(PlanItem.objects.filter(version=version).select_related("version"), pk=item)
        _result, failed = _call(services.plan_item_remove, item=plan_item, actor=request.user)
        return failed or Response(status=status.HTTP_204_NO_CONTENT)


class PlanVote(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
                   summary="Put a published version to the owners' vote, a special matter (street approver)")
    def post(self, request, pk: int):
        result, failed = _call(services.plan_vote_call, version=_version(request, pk), actor=request.user)
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class AwardCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=AwardInSerializer, responses={201: AwardOutSerializer(many=True), **ERRORS_SCHEMA, **CONFLICT},
        summary="Award the works and their supervision (street approver, after the budget is published)",
        description="Answers the project's awards, current and replaced. Replacing an organization needs a `reason`.",
        examples=[OpenApiExample("Both at once", request_only=True, value={"contractor": 7, "supervisor": 9, "contract_amount": "812000.00"})],
    )
    def post(self, request, code: str):
        project = _visible_project(request, code)
        if not rules.can_award(request.user, project):
            raise PermissionDenied(services.AWARD_ERRORS["not_allowed"])
        data = AwardInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        chosen = {}
        for role in ("contractor", "supervisor"):
            chosen[role] = Organization.objects.filter(pk=d[role]).first() if d[role] is not None else None
            if d[role] is not None and chosen[role] is None:
                raise DjangoValidationError({role: DjangoValidationError(services.AWARD_ERRORS[f"wrong_kind_{role}"], code=f"wrong_kind_{role}")})
        _result, failed = _call(services.project_award, project=project, actor=request.user, contract_amount=d["contract_amount"],
                                reason=d["reason"], **chosen)
        return failed or Response(AwardOutSerializer(selectors.awards_of(project), many=True).data, status=status.HTTP_201_CREATED)


class SponsorshipWithdraw(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: DONE, **ERRORS_SCHEMA},
                   summary="Withdraw your confirmed signature, before the petition is submitted")
    def post(self, request, pk: int):
        sponsorship = get_object_or_404(Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk)
        result, failed = _call(services.sponsor_withdraw, sponsorship=sponsorship, actor=request.user)
        return failed or Response({"sponsorship": result.pk, "status": result.status})


# --- private files: a need's photo, a paper ballot's scan (the pages' checks) ----------------------------


class NeedPhoto(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=file_responses(IMAGE_TYPES), summary="A need's photo (the council, staff and the estate's owners)")
    def get(self, request, pk: int):
        need = get_object_or_404(Need.objects.filter(project__in=selectors.projects_visible_to(request.user)), pk=pk)
        if not need.photo:
            raise Http404
        return private_file_response(need.photo, content_type=need.photo_content_type, download_name=f"need-{need.pk}")


class BallotScan(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=file_responses(DOCUMENT_TYPES), summary="A paper ballot's scan (community staff, the approver)")
    def get(self, request, code: str, pk: int):
        vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
        ballot = get_object_or_404(Ballot.objects.filter(vote=vote, channel=Ballot.Channel.PAPER).exclude(scan=""), pk=pk)
        if not rules.can_view_ballot_scan(request.user, ballot):
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
        return private_file_response(ballot.scan, content_type=ballot.scan_content_type, download_name=f"ballot-{ballot.pk}")
