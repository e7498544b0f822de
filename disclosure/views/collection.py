"""Shares and their collection (issue 19): the public shares page and shares.json once the budget
is published (no names, no rooms; the estate's desk viewers see rooms), the collection desk where
the community or the council records payments and exemptions, and a payment's receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors
from core.params import bounded_int
from core.replica import replica_ok
from projects import selectors as project_selectors
from projects.shares import shares_document
from stakeholders.models import Household, Ownership

from .. import collection, permissions, services
from .. import selectors as pub
from ..forms import ExemptionForm, PayoutForm, SharePaymentForm
from ..models import SharePayment
from .cache import _json
from .projects import _public_project_or_404


def _published(project):
    budget = pub.published_budget(project)
    if budget is None:
        raise Http404(_("The shares are public once the budget is published."))
    return budget


@replica_ok
@require_safe
def shares_json(request, code: str):
    project = _public_project_or_404(code)
    _published(project)
    found = collection.collection_of(project)
    totals = {name: f"{amount:.2f}" for name, amount in found.totals().items()}
    return _json(shares_document(project, found.computed, totals), cache_seconds=60)


@replica_ok
@require_safe
def shares_page(request, code: str):
    project = _public_project_or_404(code)
    _published(project)
    found = collection.collection_of(project)
    context = {
        "project": project,
        "found": found,
        "buildings": found.by_building(),
        "totals": found.totals(),
        "compensation": found.compensation(),
        "rooms": request.user.is_authenticated and permissions.may_see_collection_desk(request.user, project),
    }
    return render(request, "disclosure/shares.html", context)


def _record(request, project, household, action, form) -> None:
    """One desk action, recorded by the service (which decides on the locked project row)."""
    record = {"payout": services.payout_record, "exempt": services.exemption_record}.get(
        action, services.payment_record
    )
    done = record(project=project, household=household, actor=request.user, **form.cleaned_data)
    said = {
        "payout": _("Compensation paid recorded: %(h)s, ¥%(a)s."),
        "exempt": _("Exemption recorded: %(h)s."),
    }.get(action, _("Payment recorded: %(h)s, ¥%(a)s."))
    messages.success(request, said % {"h": household, "a": f"{done.amount:,.2f}"})


def _desk_rows(found, building, can_record: bool, failed) -> list:
    """Each household of the building with the forms its state allows (a failed one kept as typed)."""
    rows = []
    for row in found.households:
        if building is None or row.household.building_id != building.pk:
            continue
        forms_ = {}
        prefix = f"h{row.household.pk}"
        if can_record and row.remaining > 0:
            initial = {"amount": row.remaining, "paid_on": timezone.localdate()}
            forms_ = {"pay": SharePaymentForm(prefix=prefix, initial=initial), "exempt": ExemptionForm(prefix=prefix)}
        if can_record and row.to_receive > 0:
            initial = {"amount": row.to_receive, "paid_on": timezone.localdate()}
            forms_["payout"] = PayoutForm(prefix=prefix, initial=initial)
        if failed and failed[0] == row.household.pk and failed[1] in forms_:
            forms_[failed[1]] = failed[2]
        rows.append((row, forms_))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def collection_desk(request, code: str):
    project = get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)
    if not permissions.may_see_collection_desk(request.user, project):
        raise PermissionDenied(services.COLLECTION_ERRORS["not_allowed"])
    can_record = permissions.can_record_collection(request.user, project)
    failed, status = None, 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(services.COLLECTION_ERRORS["not_allowed"])
        household = get_object_or_404(
            Household.objects.select_related("building"),
            pk=bounded_int(request.POST.get("household")) or 0,
            building__estate_id=project.estate_id,
        )
        action = request.POST.get("action")
        action = action if action in ("exempt", "payout") else "pay"
        form_class = {"exempt": ExemptionForm, "payout": PayoutForm}.get(action, SharePaymentForm)
        form = form_class(request.POST, prefix=f"h{household.pk}")
        if form.is_valid():
            try:
                _record(request, project, household, action, form)
                return redirect(f"{request.path}?building={household.building_id}#household-{household.pk}")
            except ValidationError as error:
                form_errors(form, error)
        failed, status = (household.pk, action, form), 400
    found = collection.collection_of(project)
    buildings = sorted({h.household.building for h in found.households}, key=lambda b: b.number)
    chosen = bounded_int(request.GET.get("building") or request.POST.get("building"))
    building = next((b for b in buildings if b.pk == chosen), buildings[0] if buildings else None)
    context = {
        "project": project,
        "rows": _desk_rows(found, building, can_record, failed),
        "buildings": buildings,
        "building": building,
        "totals": found.totals(),
        "compensation": found.compensation(),
        "can_record": can_record,
    }
    return render(request, "disclosure/collection.html", context, status=status)


@login_required
@require_safe
def payment_receipt(request, pk: int):
    payment = get_object_or_404(
        SharePayment.objects.select_related("project__estate__community", "household__building", "ledger_entry"), pk=pk
    )
    owners = frozenset(
        Ownership.objects.verified().filter(household_id=payment.household_id).values_list("resident_id", flat=True)
    )
    if not permissions.can_view_payment_receipt(request.user, payment, owners):
        raise Http404
    return render(request, "disclosure/payment_receipt.html", {"payment": payment})
