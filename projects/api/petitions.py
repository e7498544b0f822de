"""Petitions: start, invite, answer or withdraw a sponsorship, submit to the willingness vote."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import errors
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Estate

from .. import selectors, services
from ..models import Sponsorship
from ..serializers import (
    InviteInSerializer,
    PetitionSerializer,
    PetitionStartInSerializer,
    SponsorAnswerInSerializer,
    VoteSerializer,
)
from .projects import CONFLICT, DONE, ERRORS_SCHEMA, _call, _visible_project


class PetitionDetail(APIView):
    @extend_schema(
        responses={200: PetitionSerializer, **ERRORS_SCHEMA}, summary="The petition and its sponsors (names masked)"
    )
    def get(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            raise Http404
        missing = selectors.petition_shortfalls(petition)
        return Response(
            {
                "project": code,
                "status": petition.status,
                "reason": petition.reason,
                "complete": not missing,
                "missing": missing,
                "sponsors": [
                    {"id": s.pk, "name": s.resident.masked_name, "status": s.status}
                    for s in petition.sponsorships.all()
                ],
            }
        )


class PetitionInvite(APIView):
    @extend_schema(
        request=InviteInSerializer,
        responses={201: DONE, **ERRORS_SCHEMA, **errors(409)},
        summary="Invite a neighbour to sponsor",
    )
    def post(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            raise Http404
        data = InviteInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.sponsor_invite, petition=petition, actor=request.user, phone=data.validated_data["phone"]
        )
        return failed or Response({"sponsorship": result.pk, "status": result.status}, status=status.HTTP_201_CREATED)


class SponsorshipAnswer(APIView):
    @extend_schema(
        request=SponsorAnswerInSerializer,
        responses={200: DONE, **ERRORS_SCHEMA, **CONFLICT},
        summary="Sign (or decline) a petition you were invited to",
        description="Each invitation is answered once: a second answer is 409 `already_answered`.",
    )
    def post(self, request, pk: int):
        sponsorship = get_object_or_404(
            Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk
        )
        data = SponsorAnswerInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result, failed = _call(
            services.sponsor_answer, sponsorship=sponsorship, actor=request.user, confirm=data.validated_data["confirm"]
        )
        return failed or Response({"sponsorship": result.pk, "status": result.status})


def _petition_body(petition, code: str) -> dict:
    missing = selectors.petition_shortfalls(petition)
    return {
        "project": code,
        "status": petition.status,
        "reason": petition.reason,
        "complete": not missing,
        "missing": missing,
        "sponsors": [
            {"id": s.pk, "name": s.resident.masked_name, "status": s.status} for s in petition.sponsorships.all()
        ],
    }


class PetitionStart(APIView):
    @extend_schema(
        request=PetitionStartInSerializer,
        responses={201: PetitionSerializer, **ERRORS_SCHEMA},
        summary="Start a petition (a verified owner)",
        description="Creates the project in `petitioning` with you as its first sponsor; 403 if a project is "
        "already under way in the estate.",
        examples=[
            OpenApiExample(
                "Leaking roofs", value={"estate": "taoyuan-xq", "reason": "屋面漏水，楼道没有照明"}, request_only=True
            )
        ],
    )
    def post(self, request):
        if not stakeholder_permissions.verified_estate_ids(request.user):
            raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
        data = PetitionStartInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        estate = get_object_or_404(
            Estate.objects.filter(pk__in=stakeholder_permissions.verified_estate_ids(request.user)),
            code=data.validated_data["estate"],
        )
        result, failed = _call(
            services.petition_start, resident=request.user.resident, estate=estate, reason=data.validated_data["reason"]
        )
        if failed:
            return failed
        return Response(
            _petition_body(selectors.petition_of(result.project), result.project.code), status=status.HTTP_201_CREATED
        )


class PetitionSubmit(APIView):
    @extend_schema(
        request=None,
        responses={201: VoteSerializer, **ERRORS_SCHEMA, **CONFLICT},
        summary="Send the complete petition to the owners' willingness vote (a confirmed sponsor)",
        description="400 lists what is missing (sponsors, households, party_member); 409 `already_submitted`.",
    )
    def post(self, request, code: str):
        petition = selectors.petition_of(_visible_project(request, code))
        if petition is None:
            raise Http404
        result, failed = _call(services.petition_submit, petition=petition, actor=request.user)
        return failed or Response(VoteSerializer(result).data, status=status.HTTP_201_CREATED)


class SponsorshipWithdraw(APIView):
    @extend_schema(
        request=None,
        responses={200: DONE, **ERRORS_SCHEMA},
        summary="Withdraw your confirmed signature, before the petition is submitted",
    )
    def post(self, request, pk: int):
        sponsorship = get_object_or_404(
            Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk
        )
        result, failed = _call(services.sponsor_withdraw, sponsorship=sponsorship, actor=request.user)
        return failed or Response({"sponsorship": result.pk, "status": result.status})
