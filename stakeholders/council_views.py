"""The council's desk for the community committee and the street office, and the representative's
certificate: thin views — parse, ask permissions.py, call one service in stakeholders.councils."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.files import private_file_response
from core.forms import form_errors

from . import council_selectors, councils, permissions
from .council_forms import (
    ConvertCouncilForm,
    ElectionForm,
    MeetingForm,
    MeetingRecordForm,
    ReturnElectionForm,
)
from .models import Council, CouncilMeeting, CouncilMember, Estate, MeetingAttachment


def _estate_for_desk(request, code: str) -> Estate:
    estate = get_object_or_404(Estate.objects.select_related("community__street"), code=code)
    if not permissions.can_view_council_desk(request.user, estate):
        if permissions.is_any_community_staff(request.user) or permissions.is_any_street_staff(request.user):
            raise Http404  # another community's or street's estate: outside their scope
        raise PermissionDenied(_("The council's desk is for the community committee and the street office."))
    return estate


@login_required
@require_safe
def council_desk(request, code: str):
    estate = _estate_for_desk(request, code)
    council = council_selectors.council_desk(estate)
    status = council.status_on(timezone.localdate()) if council else None
    context = {
        "estate": estate,
        "council": council,
        "status": status,
        "status_label": Council.Status(status).label if status else "",
        "can_record": permissions.can_record_council_election(request.user, estate),
        "can_convert": council is not None and permissions.can_convert_council(request.user, council),
        "convert_form": ConvertCouncilForm(),
    }
    return render(request, "stakeholders/council_desk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def election_record(request, code: str):
    estate = _estate_for_desk(request, code)
    if not permissions.can_record_council_election(request.user, estate):
        raise PermissionDenied(_("The community committee records the council's election."))
    form = ElectionForm(request.POST or None, request.FILES or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = councils.council_election_record(
                estate=estate,
                actor=request.user,
                kind=data["kind"],
                held_on=data["held_on"],
                place=data["place"],
                turnout=data["turnout"],
                term_ends=data["term_ends"],
                tally_scan=data["tally_scan"],
                candidates=data["candidates"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The election is recorded. The street office files it or returns it."))
            return redirect("stakeholders:council_election", pk=election.pk)
    return render(
        request,
        "stakeholders/council_election_form.html",
        {"estate": estate, "form": form, "electorate": councils.electorate_of(estate)},
        status=400 if form.errors else 200,
    )


def _election_or_404(request, pk: int):
    election = council_selectors.election_for(request.user, pk)
    if election is None:
        raise Http404
    return election


@login_required
@require_safe
def election_detail(request, pk: int):
    election = _election_or_404(request, pk)
    context = {
        "election": election,
        "estate": election.council.estate,
        "can_decide": permissions.can_decide_council_election(request.user, election),
        "return_form": ReturnElectionForm(),
    }
    return render(request, "stakeholders/council_election.html", context)


@login_required
@require_POST
def election_file(request, pk: int):
    election = _election_or_404(request, pk)
    try:
        councils.council_election_file(election=election, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Filed. The representatives' certificates are ready to print."))
    return redirect("stakeholders:council_desk", code=election.council.estate.code)


@login_required
@require_POST
def election_return(request, pk: int):
    election = _election_or_404(request, pk)
    form = ReturnElectionForm(request.POST)
    if form.is_valid():
        try:
            councils.council_election_return(election=election, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Returned to the community committee with your reason."))
            return redirect("stakeholders:council_desk", code=election.council.estate.code)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("stakeholders:council_election", pk=election.pk)


@login_required
@require_safe
def election_tally(request, pk: int):
    election = _election_or_404(request, pk)
    return private_file_response(
        election.tally_scan, content_type=election.tally_scan_type, download_name=f"tally-{election.pk}"
    )


@login_required
@require_POST
def seat_end(request, pk: int):
    seat = get_object_or_404(CouncilMember.objects.select_related("council__estate"), pk=pk)
    councils.council_seat_end(seat=seat, actor=request.user)  # PermissionDenied → 403
    messages.success(request, _("The seat has ended. A by-election can fill it."))
    if permissions.can_view_council_desk(request.user, seat.council.estate):
        return redirect("stakeholders:council_desk", code=seat.council.estate.code)
    return redirect("home")


@login_required
@require_POST
def council_convert(request, code: str):
    estate = _estate_for_desk(request, code)
    council = council_selectors.council_desk(estate)
    form = ConvertCouncilForm(request.POST)
    if council is None or not form.is_valid():
        messages.error(request, _("Give the date the owners' committee was filed."))
    else:
        councils.council_convert(
            council=council, actor=request.user, on=form.cleaned_data["on"], reference=form.cleaned_data["reference"]
        )
        messages.success(request, _("Recorded: the council became the owners' committee."))
    return redirect("stakeholders:council_desk", code=estate.code)


@login_required
@require_safe
def certificate(request, code: str):
    """The printable certificate (A4 or A5): full name, for the representative and the staff who
    hand it over; its QR code opens the public check page."""
    seat = council_selectors.seat_by_certificate(code)
    if seat is None or not permissions.can_print_certificate(request.user, seat):
        raise Http404
    check_url = request.build_absolute_uri(reverse("disclosure:council_certificate", args=[seat.certificate_code]))
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    qr = segno.make(check_url, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=check_url)
    context = {"seat": seat, "council": seat.council, "check_url": check_url, "qr": mark_safe(qr), "size": size}
    return render(request, "stakeholders/council_certificate.html", context)


def _council_for_meetings(request, code: str):
    estate = get_object_or_404(Estate.objects.select_related("community__street"), code=code)
    council = Council.objects.filter(estate=estate).select_related("estate__community").first()
    if council is None or not permissions.can_schedule_council_meeting(request.user, council):
        if permissions.is_any_community_staff(request.user) and not permissions.is_community_staff(
            request.user, estate
        ):
            raise Http404
        raise PermissionDenied(_("The council's representatives and the community committee call its meetings."))
    return council


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, code: str):
    council = _council_for_meetings(request, code)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            councils.council_meeting_schedule(council=council, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The meeting is announced to the estate's owners."))
            return redirect("disclosure:council", code=code)
    return render(
        request,
        "stakeholders/council_meeting_form.html",
        {"council": council, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request, pk: int):
    meeting = get_object_or_404(CouncilMeeting.objects.select_related("council__estate__community"), pk=pk)
    if not permissions.can_record_council_meeting(request.user, meeting, timezone.now()):
        if permissions.can_schedule_council_meeting(request.user, meeting.council):
            messages.error(request, _("Minutes are written once, after the meeting."))
            return redirect("disclosure:council", code=meeting.council.estate.code)
        raise Http404
    form = MeetingRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            councils.council_meeting_record(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The minutes are published on the council's page."))
            return redirect("disclosure:council", code=meeting.council.estate.code)
    return render(
        request,
        "stakeholders/council_meeting_record.html",
        {"meeting": meeting, "form": form, "rules": council_selectors.current_rules()},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def meeting_attachment(request, pk: int):
    attachment = get_object_or_404(MeetingAttachment.objects.select_related("meeting__council__estate"), pk=pk)
    if not permissions.can_view_meeting_attachments(request.user, attachment.meeting.council.estate):
        raise Http404
    return private_file_response(
        attachment.file, content_type=attachment.content_type, download_name=f"meeting-{attachment.meeting_id}-{pk}"
    )
