"""The ledger page with the street office's desk (entries, reversals, vouchers) and the budget desk."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvals import selectors as approval_selectors
from core.files import private_file_response
from core.forms import form_errors
from core.replica import replica_ok
from projects import selectors as project_selectors
from projects.hearings import project_hearings
from projects.models import Hearing, Project

from .. import collection, heads, ledger, permissions, services
from .. import selectors as pub
from ..forms import (
    BudgetForm,
    LedgerEntryForm,
    ManagementEntryForm,
    PublishForm,
    ReverseForm,
)
from ..models import Budget, LedgerEntry
from .projects import LEDGER_PER_PAGE, _public_project_or_404


def _has_management(documents) -> bool:
    return any(ledger.is_management(d) for d in documents)


def _management_post(request, project):
    """The manager's entry of the management ledger: (the form, the entry recorded or None)."""
    if not permissions.can_record_management(request.user, project, pub.budget_of(project)):
        raise PermissionDenied(services.LEDGER_ERRORS["management_not_allowed"])
    form = ManagementEntryForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        entry = services.management_record(
            project=project,
            actor=request.user,
            date=data["date"],
            amount=data["amount"],
            counterparty=data["counterparty"],
            category=data["category"],
            memo=data["memo"],
            voucher=data["voucher"],
            submission_key=data["submission_key"],
        )
    except ValidationError as error:
        form_errors(form, error)
        return form, None
    return form, entry


def _acting_project(request, code: str) -> Project:
    """For actions: the project as the signed-in user may see it (404 outside their scope)."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    return get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)


@replica_ok
@require_http_methods(["GET", "HEAD", "POST"])
def ledger_page(request, code: str):
    project = _public_project_or_404(code)
    budget = pub.budget_of(project)
    can_record = permissions.can_record_ledger(request.user, project, budget)
    items = pub.adopted_plan_items(project)
    unbatched = collection.unbatched_payments(project)
    form = LedgerEntryForm(items=items, payments=unbatched) if can_record else None
    manages = permissions.can_record_management(request.user, project, budget)
    management_form = ManagementEntryForm() if manages else None
    status = 200
    if request.method == "POST" and request.POST.get("part") == "management":
        project = _acting_project(request, code)
        management_form, entry = _management_post(request, project)
        if entry is not None:
            messages.success(request, _("Entry %(seq)s recorded and published.") % {"seq": entry.seq})
            return redirect("disclosure:ledger", code=project.code)
        status = 400
    elif request.method == "POST":
        project = _acting_project(request, code)
        budget = pub.budget_of(project)
        if not permissions.can_record_ledger(request.user, project, budget):
            raise PermissionDenied(services.LEDGER_ERRORS["not_allowed"])
        form = LedgerEntryForm(request.POST, request.FILES, items=items, payments=unbatched)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.ledger_record(
                    project=project,
                    actor=request.user,
                    date=data["date"],
                    kind=data["kind"],
                    amount=data["amount"],
                    counterparty=data["counterparty"],
                    source=data["source"],
                    plan_item=data["plan_item"],
                    memo=data["memo"],
                    voucher=data["voucher"],
                    submission_key=data["submission_key"],
                    payments=[p.pk for p in data["payments"]],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Entry %(seq)s recorded and published.") % {"seq": entry.seq})
                return redirect("disclosure:ledger", code=project.code)
        status = 400
    documents = pub.ledger_documents(project)
    rows = pub.with_running_totals(documents)
    page = Paginator(list(reversed(rows)), LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    reversed_seqs = {d["reverses"] for d in documents if d["reverses"]}
    sees_vouchers = permissions.can_view_voucher(request.user, project)
    # The estate's keeper opens the vouchers of the management ledger (its own receipts).
    keeps = not sees_vouchers and permissions.is_estate_keeper(request.user, project)
    vouchers = pub.seqs_with_voucher(project, management_only=keeps) if sees_vouchers or keeps else set()
    context = {
        "project": project,
        "page": page,
        "rows": page.object_list,
        "totals": ledger.totals(documents),
        "management_totals": ledger.totals(documents, management=True)
        if manages or _has_management(documents)
        else None,
        "check": heads.chain_check(project, documents),
        "form": form,
        "management_form": management_form,
        "reversible": {
            row["seq"]
            for row in page.object_list
            if permissions.can_reverse_entry(request.user, project, budget, row, reversed_seqs)
        },
        "can_view_vouchers": bool(vouchers),
        "vouchers": vouchers,
        "page_query": "",
    }
    return render(request, "disclosure/ledger.html", context, status=status)


def _act_and_report(request, form, act, success, back):
    """A small POST form that calls one service: the outcome (or the errors) as a message."""
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success(result))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return back


@require_POST
def ledger_reverse(request, code: str, seq: int):
    project = _acting_project(request, code)
    entry = get_object_or_404(LedgerEntry.objects.select_related("project"), project=project, seq=seq)
    if not permissions.can_record_ledger(request.user, project, pub.budget_of(project)):
        raise PermissionDenied(services.LEDGER_ERRORS["not_allowed"])
    return _act_and_report(
        request,
        ReverseForm(request.POST),
        lambda data: services.ledger_reverse(entry=entry, actor=request.user, memo=data["memo"]),
        lambda reversal: _("Entry %(seq)s reverses entry %(target)s.") % {"seq": reversal.seq, "target": entry.seq},
        redirect("disclosure:ledger", code=project.code),
    )


@require_safe
def ledger_voucher(request, code: str, seq: int):
    return voucher_response(request.user, _acting_project(request, code), seq)


def voucher_response(user, project: Project, seq: int):
    """An entry's private voucher, for the street office (the page and the API) — and a management
    entry's for the estate's keeper."""
    entry = get_object_or_404(LedgerEntry, project=project, seq=seq)
    if not permissions.can_view_entry_voucher(user, project, {"category": entry.category}):
        raise PermissionDenied(_("Vouchers are kept by the street office."))
    if not entry.voucher:
        raise Http404
    return private_file_response(
        entry.voucher, content_type=entry.voucher_content_type, download_name=f"{project.code}-{seq}"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def budget(request, code: str):  # noqa: C901 - one page: the public budget, the draft form and its lines, the approval
    project = get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)
    budget = pub.budget_of(project)
    can_draft = permissions.can_draft_budget(request.user, project, budget)
    can_approve = budget is not None and permissions.can_approve_budget(request.user, budget)
    can_publish = budget is not None and permissions.can_publish_budget(request.user, budget)
    form = BudgetForm(initial=pub.budget_prefill(project, budget)) if can_draft else None
    publish_form = PublishForm() if can_publish else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draft":
                if not can_draft:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                form = BudgetForm(request.POST)
                if form.is_valid():
                    services.budget_save_draft(
                        project=project, actor=request.user, total=form.cleaned_data["total"], lines=form.funding()
                    )
                    messages.success(request, _("Budget draft saved."))
                    return redirect("disclosure:budget", code=code)
                status = 400
            elif action == "approve":
                if budget is None or not can_approve:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                services.budget_approve(budget=budget, actor=request.user)
                messages.success(request, _("Budget approved. Publish it to start the public notice."))
                return redirect("disclosure:budget", code=code)
            elif action == "publish":
                if budget is None or not can_publish:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                publish_form = PublishForm(request.POST)
                if publish_form.is_valid():
                    services.budget_publish(
                        budget=budget, actor=request.user, notice_days=publish_form.cleaned_data["notice_days"]
                    )
                    messages.success(
                        request,
                        _(
                            "Budget published (公示). Residents may object while the notice runs; the works are "
                            "awarded after it ends and every objection is answered."
                        ),
                    )
                    return redirect("disclosure:budget", code=code)
                status = 400
            else:
                raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
        except ValidationError as error:
            if action == "draft" and form is not None:
                form_errors(form, error)
            elif action == "publish" and publish_form is not None:
                form_errors(publish_form, error)
            else:
                messages.error(request, " ".join(error.messages))
            status = 400
    context = {
        "project": project,
        "budget": budget,
        "sources": pub.sources_of(budget),
        "form": form,
        "publish_form": publish_form,
        "can_approve": can_approve,
        "hearings": project_hearings(project, request.user).filter(subject=Hearing.Subject.BUDGET),
        "share": pub.residents_share(
            request.user, project, budget if budget and budget.status == Budget.Status.PUBLISHED else None
        ),
        "my_payments": pub.payments_of_owner(request.user, project),
        # 并联审批 (issue 22): what the budget's approval still waits for, said before the buttons.
        # 专营单位出资 (issue 22 item 1): what the utilities have not yet confirmed, while a draft.
        "utility_problems": services.utility_problems(budget)
        if budget and budget.status == Budget.Status.DRAFT
        else [],
        "approvals_waiting": approval_selectors.blocking(project)
        if budget is None or budget.status != Budget.Status.PUBLISHED
        else [],
    }
    return render(request, "disclosure/budget.html", context, status=status)
