"""API of the money and the works: the public ledger and progress (anyone may read), the street
office's ledger entries and the contractor's progress posts (multipart photos)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPage, errors, file_responses, service_error
from core.files import DOCUMENT_TYPES
from projects import selectors as project_selectors

from . import permissions, services
from . import selectors as pub
from .models import LedgerEntry, Milestone
from .serializers import (
    BudgetDraftInSerializer,
    BudgetSerializer,
    LedgerEntryDocumentSerializer,
    LedgerInSerializer,
    LedgerReverseInSerializer,
    ManagementEntryInSerializer,
    MilestoneInSerializer,
    MilestoneSerializer,
    MilestoneStatusInSerializer,
    ProgressInSerializer,
    ProgressSerializer,
    PublishInSerializer,
)
from .views import voucher_response

ERRORS = errors(400, 401, 403, 404)


def _public(code):
    project = pub.public_project(code)
    if project is None:
        raise Http404
    return project


def _acting(request, code):
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)


def _item(project, pk):
    if pk is None:
        return None
    item = next((i for i in pub.adopted_plan_items(project) if i.pk == pk), None)
    if item is None:
        raise Http404
    return item


def _document(project, seq: int) -> dict:
    return pub.entry_documents(project, pub.ledger_rows(project).filter(seq=seq))[0]


class LedgerPage(CursorPage):
    ordering = ("seq",)  # the chain's order: oldest first, as published
    page_size = 100
    max_page_size = 500


class Ledger(APIView):
    permission_classes = [drf_permissions.AllowAny]
    pagination_class = LedgerPage

    @extend_schema(
        responses={200: LedgerEntryDocumentSerializer(many=True)},
        summary="The project's ledger, as published (public)",
        description="Oldest entry first (the hash chain's order), cursor-paginated; the whole chain is at "
        "/disclosure/projects/{code}/ledger.json.",
    )
    def get(self, request, code: str):
        project = _public(code)
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(pub.ledger_rows(project), request, view=self)
        return paginator.get_paginated_response(pub.entry_documents(project, rows))

    @extend_schema(
        request={"application/json": LedgerInSerializer, "multipart/form-data": LedgerInSerializer},
        responses={201: LedgerEntryDocumentSerializer, **ERRORS},
        summary="Record income or expense, with its voucher if multipart (street staff)",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string per payment (e.g. a UUID): a request repeated with the same key "
                "returns the entry the first one recorded, never a second entry.",
            )
        ],
        examples=[
            OpenApiExample(
                "Income",
                request_only=True,
                value={
                    "date": "2026-04-02",
                    "kind": "income",
                    "amount": "500000.00",
                    "counterparty": "南宁市财政局",
                    "source": "local_finance",
                },
            ),
            OpenApiExample(
                "Expense",
                request_only=True,
                value={
                    "date": "2026-05-10",
                    "kind": "expense",
                    "amount": "120000.00",
                    "counterparty": "广西某建设有限公司",
                    "plan_item": 12,
                    "memo": "屋面防水进度款",
                },
            ),
        ],
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        data = LedgerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            entry = services.ledger_record(
                project=project,
                actor=request.user,
                date=d["date"],
                kind=d["kind"],
                amount=d["amount"],
                counterparty=d["counterparty"],
                source=d["source"],
                plan_item=_item(project, d["plan_item"]),
                memo=d["memo"],
                voucher=d["voucher"],
                submission_key=request.headers.get("Idempotency-Key", ""),
            )
        except services.ValidationError as error:
            return service_error(error)
        return Response(_document(project, entry.seq), status=status.HTTP_201_CREATED)


class ProgressPage(CursorPage):
    ordering = ("-posted_at", "-id")


class Progress(APIView):
    permission_classes = [drf_permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    pagination_class = ProgressPage  # also tells the schema the list is paginated

    @extend_schema(responses={200: ProgressSerializer(many=True)}, summary="Progress posts, newest first (public)")
    def get(self, request, code: str):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(pub.progress_updates(_public(code), limit=None), request, view=self)
        return paginator.get_paginated_response(ProgressSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ProgressInSerializer},
        responses={201: ProgressSerializer, **ERRORS},
        summary="Post progress with photos (the awarded contractor)",
        examples=[
            OpenApiExample(
                "Half the roofs", request_only=True, value={"percent": 50, "text": "屋面防水完成一半", "plan_item": 12}
            )
        ],
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        data = ProgressInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            update = services.progress_post(
                project=project,
                actor=request.user,
                percent=d["percent"],
                text=d["text"],
                plan_item=_item(project, d["plan_item"]),
                photos=request.FILES.getlist("photos"),
            )
        except services.ValidationError as error:
            return service_error(error)
        return Response(ProgressSerializer(update).data, status=status.HTTP_201_CREATED)


# --- budget and milestones ----------------------------------------------------------------------------


class BudgetDetail(APIView):
    """The published budget is public; a draft or approved one only for those who see the project."""

    permission_classes = [drf_permissions.AllowAny]

    @extend_schema(responses={200: BudgetSerializer, **ERRORS}, summary="The project's budget and its funding lines")
    def get(self, request, code: str):
        budget = pub.published_budget(_public(code)) if pub.public_project(code) else None
        if budget is None and request.user.is_authenticated:
            budget = pub.budget_of(get_object_or_404(project_selectors.projects_visible_to(request.user), code=code))
        if budget is None:
            raise Http404
        return Response(BudgetSerializer(budget).data)

    @extend_schema(
        request=BudgetDraftInSerializer,
        responses={201: BudgetSerializer, 200: BudgetSerializer, **ERRORS, **errors(409)},
        summary="Draft the budget, or correct the draft (street staff)",
        description="201 when the draft is created, 200 when corrected; once approved it is 409 `state_changed`.",
        examples=[
            OpenApiExample(
                "Three sources",
                request_only=True,
                value={
                    "total": "100000.00",
                    "lines": {"central_subsidy": "40000.00", "local_finance": "50000.00", "residents": "10000.00"},
                },
            )
        ],
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        existing = pub.budget_of(project)  # the service decides who may (403) and whether it may still change (409)
        data = BudgetDraftInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.budget_save_draft(
                project=project,
                actor=request.user,
                total=data.validated_data["total"],
                lines=data.validated_data["lines"],
            )
        except services.ValidationError as error:
            return service_error(error)
        return Response(
            BudgetSerializer(pub.budget_of(project)).data,
            status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED,
        )


class BudgetAction(APIView):
    action = ""

    @extend_schema(
        request=PublishInSerializer,
        responses={200: BudgetSerializer, **ERRORS, **errors(409)},
        summary="Approve the drafted budget, or publish (公示) the approved one (street approver)",
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        budget = pub.budget_of(project)
        if budget is None:
            raise Http404
        try:
            if self.action == "approve":
                budget = services.budget_approve(budget=budget, actor=request.user)
            else:
                data = PublishInSerializer(data=request.data)
                data.is_valid(raise_exception=True)
                budget = services.budget_publish(
                    budget=budget, actor=request.user, notice_days=data.validated_data["notice_days"]
                )
        except services.ValidationError as error:
            return service_error(error)
        return Response(BudgetSerializer(pub.budget_of(project)).data)


class MilestoneList(APIView):
    permission_classes = [drf_permissions.AllowAny]

    @extend_schema(
        responses={200: MilestoneSerializer(many=True), **ERRORS}, summary="The project's milestones (public)"
    )
    def get(self, request, code: str):
        return Response(MilestoneSerializer(pub.milestones(_public(code)), many=True).data)


# --- ledger reversals, milestones added and updated -----------------------------------------------------


class LedgerReverse(APIView):
    @extend_schema(
        request=LedgerReverseInSerializer,
        responses={201: LedgerEntryDocumentSerializer, **ERRORS, **errors(409)},
        summary="Reverse a mistaken entry: a new entry cancels it (street staff)",
        description="An entry is reversed once (409 `already_reversed`); a reversal cannot be reversed (400).",
        examples=[OpenApiExample("Wrong amount", request_only=True, value={"memo": "金额录入错误，重新登记"})],
    )
    def post(self, request, code: str, seq: int):
        project = _acting(request, code)
        entry = get_object_or_404(LedgerEntry.objects.select_related("project"), project=project, seq=seq)
        if not permissions.can_record_ledger(request.user, project, pub.budget_of(project)):
            raise PermissionDenied(services.LEDGER_ERRORS["not_allowed"])
        data = LedgerReverseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reversal = services.ledger_reverse(entry=entry, actor=request.user, memo=data.validated_data["memo"])
        except services.ValidationError as error:
            return service_error(error)
        return Response(_document(project, reversal.seq), status=status.HTTP_201_CREATED)


class MilestoneAdd(MilestoneList):
    @extend_schema(
        request=MilestoneInSerializer,
        responses={201: MilestoneSerializer, **ERRORS},
        summary="Add a milestone (the awarded contractor)",
        examples=[
            OpenApiExample(
                "Scaffolding down",
                request_only=True,
                value={"title": "外架拆除", "type": "delivery", "due_date": "2026-08-31"},
            )
        ],
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        if not permissions.can_post_progress(request.user, project):
            raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
        data = MilestoneInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = services.milestone_add(project=project, actor=request.user, **data.validated_data)
        except services.ValidationError as error:
            return service_error(error)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneStatus(APIView):
    @extend_schema(
        request=MilestoneStatusInSerializer,
        responses={200: MilestoneSerializer, **ERRORS},
        summary="Mark a milestone met, partially met, not met or scheduled (the awarded contractor)",
        examples=[OpenApiExample("Met", request_only=True, value={"status": "met", "date_met": "2026-08-28"})],
    )
    def post(self, request, code: str, pk: int):
        project = _acting(request, code)
        milestone = get_object_or_404(Milestone.objects.select_related("project"), project=project, pk=pk)
        if not permissions.can_manage_milestones(request.user, project):
            raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
        data = MilestoneStatusInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = services.milestone_update(milestone=milestone, actor=request.user, **data.validated_data)
        except services.ValidationError as error:
            return service_error(error)
        return Response(MilestoneSerializer(milestone).data)


class LedgerVoucher(APIView):
    @extend_schema(responses=file_responses(DOCUMENT_TYPES), summary="An entry's voucher (the street office)")
    def get(self, request, code: str, seq: int):

        return voucher_response(request.user, _acting(request, code), seq)


class ManagementLedger(APIView):
    @extend_schema(
        request=ManagementEntryInSerializer,
        responses={201: LedgerEntryDocumentSerializer, **ERRORS},
        summary="Record an entry of the management ledger (after acceptance: the estate's manager)",
        description="Appended to the project's ledger chain (GET /projects/{code}/ledger/ reads it), counted "
        "apart from the renovation money. Idempotency-Key as for the ledger.",
        examples=[
            OpenApiExample(
                "Parking revenue",
                request_only=True,
                value={
                    "date": "2027-01-31",
                    "category": "mgmt_parking",
                    "amount": "4320.00",
                    "counterparty": "小区停车场",
                },
            )
        ],
    )
    def post(self, request, code: str):
        project = _acting(request, code)
        data = ManagementEntryInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            entry = services.management_record(
                project=project,
                actor=request.user,
                date=d["date"],
                amount=d["amount"],
                counterparty=d["counterparty"],
                category=d["category"],
                memo=d["memo"],
                submission_key=request.headers.get("Idempotency-Key", ""),
            )
        except services.ValidationError as error:
            return service_error(error)
        return Response(_document(project, entry.seq), status=status.HTTP_201_CREATED)
