"""志愿者积分 (issue 20 item 6): one page per estate. Everyone reads the totals (no names); a
resident of the estate logs work and sees their own points; the council's representatives confirm
work and record the agreed rate; whoever keeps the estate after acceptance exchanges points for a
fee credit in the management ledger. Each person sees only the forms they may use."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_errors
from stakeholders import permissions as stakeholder_permissions

from .. import permissions, services
from .. import volunteers as reads
from ..models import VolunteerLog
from ..volunteer_forms import PointsRedeemForm, VolunteerDecideForm, VolunteerLogForm, VolunteerRateForm

ERRORS = services.VOLUNTEER_ERRORS


def _estate_or_404(code: str):
    estate = reads.public_estate(code)
    if estate is None:
        raise Http404
    return estate


def _signed_in(request):
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))


def _page(request, estate, *, log_form=None, decide_forms=None, rate_form=None, redeem_form=None, status=200):
    user = request.user
    project = reads.management_project(estate)
    budget = getattr(project, "budget", None) if project else None
    context = {
        "estate": estate,
        "totals": reads.totals(estate),
        "rate": reads.current_rate(estate),
        "project": project,
        "points_per_hour": settings.VOLUNTEER_POINTS_PER_HOUR,
        "has_council": reads.has_public_council(estate),
    }
    resident = stakeholder_permissions.resident_profile(user) if user.is_authenticated else None
    if permissions.can_log_volunteer_work(user, estate):
        context.update(
            log_form=log_form or VolunteerLogForm(),
            balance=reads.balance(resident, estate),
            own_logs=reads.own_logs(resident, estate),
            own_redemptions=reads.own_redemptions(resident, estate),
        )
    if permissions.may_confirm_volunteer_work(user, estate):
        decide_forms = decide_forms or {}
        waiting = list(reads.waiting_logs(estate))
        for log in waiting:
            log.estate = estate  # the page's estate (no query per row)
            log.may_decide = permissions.can_decide_volunteer_log(user, log)
            log.form = decide_forms.get(log.pk) or VolunteerDecideForm(log=log)
        context["council_desk"], context["waiting"] = True, waiting
        current = context["rate"]
        context["rate_form"] = rate_form or VolunteerRateForm(
            meetings=reads.recorded_meetings(estate),
            initial={"yuan_per_point": current.yuan_per_point, "meeting": current.meeting_id} if current else None,
        )
    if project is not None and permissions.can_redeem_points(user, project, budget):
        context["redeem_form"] = redeem_form or PointsRedeemForm(holders=reads.balances(estate))
    return render(request, "disclosure/volunteers.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def volunteers_page(request, code: str):
    estate = _estate_or_404(code)
    if request.method != "POST":
        return _page(request, estate)
    _signed_in(request)
    if not permissions.can_log_volunteer_work(request.user, estate):
        raise PermissionDenied(ERRORS["not_allowed_log"])
    form = VolunteerLogForm(request.POST)
    if form.is_valid():
        try:
            services.volunteer_log(estate=estate, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Logged. The council confirms it, and you are told."))
            return redirect(f"{request.path}#own")
    return _page(request, estate, log_form=form, status=400)


@require_POST
def volunteer_decide(request, pk: int):
    _signed_in(request)
    log = get_object_or_404(VolunteerLog.objects.select_related("estate__community__street", "resident"), pk=pk)
    if not permissions.may_confirm_volunteer_work(request.user, log.estate):
        raise Http404  # another estate's work: not in this person's scope
    if not permissions.can_decide_volunteer_log(request.user, log):
        raise PermissionDenied(ERRORS["not_allowed_decide"])
    form = VolunteerDecideForm(request.POST, log=log)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.volunteer_decide(
                log=log,
                actor=request.user,
                confirm=data["decision"] == "confirm",
                hours=data["hours"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Decided. The resident is told."))
            return redirect(reverse("disclosure:volunteers", args=[log.estate.code]) + "#waiting")
    return _page(request, log.estate, decide_forms={log.pk: form}, status=400)


@require_POST
def volunteer_rate(request, code: str):
    estate = _estate_or_404(code)
    _signed_in(request)
    if not permissions.can_set_volunteer_rate(request.user, estate):
        raise PermissionDenied(ERRORS["not_allowed_rate"])
    form = VolunteerRateForm(request.POST, meetings=reads.recorded_meetings(estate))
    if form.is_valid():
        try:
            services.volunteer_rate_set(estate=estate, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The rate is recorded. Exchanges use it from now on."))
            return redirect(reverse("disclosure:volunteers", args=[estate.code]))
    return _page(request, estate, rate_form=form, status=400)


@require_POST
def points_redeem(request, code: str):
    estate = _estate_or_404(code)
    _signed_in(request)
    project = reads.management_project(estate)
    if project is None or not permissions.can_redeem_points(request.user, project, project.budget):
        raise PermissionDenied(ERRORS["not_allowed_redeem"])
    earlier = reads.redemption_by_key(project, request.POST.get("submission_key", ""))
    if earlier is not None:  # the same form sent again (a double tap): the exchange it already made
        messages.info(
            request,
            _("This exchange is already recorded: management ledger entry %(seq)s.") % {"seq": earlier.entry.seq},
        )
        return redirect(reverse("disclosure:volunteers", args=[estate.code]))
    form = PointsRedeemForm(request.POST, holders=reads.balances(estate))
    if form.is_valid():
        try:
            redemption = services.points_redeem(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(points)s points exchanged for a fee credit of ¥%(amount)s: management ledger entry %(seq)s.")
                % {
                    "points": redemption.points,
                    "amount": f"{redemption.entry.amount:,.2f}",
                    "seq": redemption.entry.seq,
                },
            )
            return redirect(reverse("disclosure:volunteers", args=[estate.code]))
    return _page(request, estate, redeem_form=form, status=400)
