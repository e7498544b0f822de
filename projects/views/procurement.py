"""The procurement record's pages (issue 21 item 1): a project's tenders (and the notice form), and
one tender's record, where the street office enters the bids, committee and scores, the approver
asks the bureau about a flagged winner, and the bureau decides. Public: the notices, and the whole
record once the tender is decided."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import permissions, procurement, selectors
from ..models import Bid, FlaggedAward, Tender
from ..procurement_forms import (
    BidForm,
    EvaluateForm,
    FailForm,
    FlagAskForm,
    FlagDecideForm,
    RejectForm,
    ScoreForm,
    SeatForm,
    TenderForm,
)
from ..services import procurement as services


def _project(request, code: str):
    project = selectors.readable_project(request.user, code)
    if project is None:
        raise Http404
    return project


@require_http_methods(["GET", "POST"])
def tenders(request, code: str):
    project = _project(request, code)
    may_keep = permissions.can_keep_tender_record(request.user, project)
    form = TenderForm(request.POST or None) if may_keep else None
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied(services.TENDER_ERRORS["not_allowed"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                tender = services.tender_open(
                    project=project,
                    actor=request.user,
                    role=data["role"],
                    method=data["method"],
                    requirements=data["requirements"],
                    published_on=data["published_on"],
                    bids_due=data["bids_due"],
                    ceiling=data["ceiling"],
                    direct_reason=data["direct_reason"],
                    direct_details=data["direct_details"],
                    criteria=data["criteria"],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The notice is recorded and public. Record the bids when they are opened."))
                return redirect("projects:tender", project.code, tender.pk)
    return render(
        request,
        "projects/tenders.html",
        {"project": project, "tenders": procurement.tenders_of(project), "form": form, "may_keep": may_keep},
        status=400 if request.method == "POST" else 200,
    )


def _forms(request, tender: Tender, may_keep: bool, action: str | None, bid: Bid | None):
    """The record's forms: the one posted is bound to the request, the others are blank."""
    data = request.POST if request.method == "POST" else None

    def bound(name):
        return data if action == name else None

    forms = {}
    if may_keep and tender.status == Tender.Status.OPEN:
        forms["bid"] = BidForm(bound("bid"), bidders=procurement.bidder_choices(tender), prefix="bid")
        forms["reject"] = RejectForm(bound("reject"), prefix="reject")
        forms["evaluate"] = EvaluateForm(bound("evaluate"), prefix="evaluate")
        if tender.method != Tender.Method.DIRECT:
            forms["seat"] = SeatForm(bound("seat"), organizations=procurement.committee_choices(tender), prefix="seat")
            criteria = list(tender.criteria.all())
            for b in tender.bids.all():
                if not b.rejected_reason:
                    posted = action == "score" and bid is not None and bid.pk == b.pk
                    b.score_form = ScoreForm(data if posted else None, criteria=criteria, bid=b, prefix=f"score{b.pk}")
    if may_keep and tender.status in (Tender.Status.OPEN, Tender.Status.EVALUATED):
        forms["fail"] = FailForm(bound("fail"), prefix="fail")
    if tender.status == Tender.Status.EVALUATED:
        if permissions.can_ask_flagged_award(request.user, tender):
            forms["ask"] = FlagAskForm(bound("ask"), prefix="ask")
        if permissions.can_decide_flagged_award(request.user, tender):
            forms["decide"] = FlagDecideForm(bound("decide"), prefix="decide")
    return forms


def _act(request, tender: Tender, action: str, form, bid: Bid | None):  # noqa: C901 - one branch per form
    user = request.user
    if action == "bid":
        services.bid_record(tender=tender, actor=user, **form.cleaned_data)
        return _("Bid recorded.")
    if action == "reject":
        services.bid_reject(bid=bid, actor=user, reason=form.cleaned_data["reason"])
        return _("The bid is rejected, with its reason.")
    if action == "seat":
        services.committee_seat_set(tender=tender, actor=user, **form.cleaned_data)
        return _("Committee updated.")
    if action == "score":
        services.bid_score(bid=bid, actor=user, points=form.points())
        return _("Scores recorded.")
    if action == "evaluate":
        services.tender_evaluate(tender=tender, actor=user, evaluated_on=form.cleaned_data["evaluated_on"])
        return _("The evaluation is closed and the bids ranked: the approver may award the winner.")
    if action == "fail":
        services.tender_fail(tender=tender, actor=user, reason=form.cleaned_data["reason"])
        return _("The tender ended without an award. Record a new notice to tender again.")
    if action == "ask":
        services.flagged_award_ask(bid=bid, actor=user, reason=form.cleaned_data["reason"])
        return _("Sent to the housing bureau. You will be told of its decision.")
    request_ = FlaggedAward.objects.filter(
        bid__tender=tender, approved__isnull=True, pk=request.POST.get("request")
    ).first()
    if request_ is None:
        raise ValidationError(services.TENDER_ERRORS["already_decided"], code="already_decided")
    services.flagged_award_decide(
        request=request_, actor=user, approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"]
    )
    return _("Decision recorded. The street office is told.")


@require_http_methods(["GET", "POST"])
def tender(request, code: str, pk: int):
    project = _project(request, code)
    record = procurement.tender_of(project, pk)
    if record is None:
        raise Http404
    record.project = project
    may_keep = permissions.can_keep_tender_record(request.user, project)
    action = request.POST.get("action") if request.method == "POST" else None
    bid = None
    if action in ("reject", "score", "ask"):
        bid = next((b for b in record.bids.all() if str(b.pk) == request.POST.get("bid")), None)
        if bid is None:
            raise Http404
    forms = _forms(request, record, may_keep, action, bid)
    if request.method == "POST":
        form = bid.score_form if action == "score" and hasattr(bid, "score_form") else forms.get(action)
        if form is None:
            raise PermissionDenied(services.TENDER_ERRORS["not_allowed"])
        if form.is_valid():
            try:
                done = _act(request, record, action, form, bid)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(reverse("projects:tender", args=[project.code, record.pk]) + f"#{action}")
    return render(
        request,
        "projects/tender.html",
        {
            "project": project,
            "tender": record,
            "show_record": permissions.can_see_tender_record(request.user, record),
            "may_keep": may_keep,
            "forms": forms,
            "posted_bid": bid,
            "criteria": list(record.criteria.all()),
            "committee_members": procurement.committee_members(record),
            "perms_award": permissions.can_award(request.user, project),
            "waiting_request": next((r for b in record.bids.all() for r in b.flag_list if r.approved is None), None),
        },
        status=400 if request.method == "POST" else 200,
    )
