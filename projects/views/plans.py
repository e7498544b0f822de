"""The plan (三上三下): a version's page, drafting, publishing, comments, the owners' vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors

from .. import permissions, selectors, services
from ..forms import (
    CommentForm,
    PlanItemForm,
    SummaryForm,
)


@login_required
@require_http_methods(["POST"])
def plan_start(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    try:
        version = services.plan_version_start(project=project, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    messages.success(request, _("Version %(n)s of the plan is started.") % {"n": version.number})
    return redirect("projects:plan", project.code, version.number)


@login_required
@require_http_methods(["GET", "POST"])
def plan_version(request, code: str, number: int):  # noqa: C901 - one page of a plan version with its five actions (add, remove, publish, comment, vote)
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    version = get_object_or_404(selectors.plan_versions(project).select_related("project__estate"), number=number)
    user = request.user
    can_edit = permissions.can_edit_plan_version(user, version)
    to_plan = list(selectors.needs_to_plan(project)) if can_edit else []
    from_need = next((n for n in to_plan if str(n.pk) == request.GET.get("from_need")), None)
    forms_ = {
        "summary": SummaryForm(initial={"summary": version.summary}),
        "item": PlanItemForm(
            catalog=selectors.catalog(),
            initial={"catalog_item": from_need.catalog_item_id, "description": from_need.text[:300]}
            if from_need
            else None,
        ),
        "comment": CommentForm(),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "summary":
                forms_["summary"] = form = SummaryForm(request.POST)
                if form.is_valid():
                    services.plan_version_edit(version=version, actor=user, summary=form.cleaned_data["summary"])
                    messages.success(request, _("Summary saved."))
                    return redirect("projects:plan", code, number)
            elif action == "add_item":
                forms_["item"] = form = PlanItemForm(request.POST, catalog=selectors.catalog())
                if form.is_valid():
                    data = form.cleaned_data
                    services.plan_item_add(
                        version=version,
                        actor=user,
                        catalog_item=data["catalog_item"],
                        description=data["description"],
                        quantity=data["quantity"],
                        unit=data["unit"],
                        estimated_cost=data["estimated_cost"],
                        funding=form.funding(),
                    )
                    messages.success(request, _("Item added."))
                    return redirect("projects:plan", code, number)
            elif action == "remove_item":
                item_id = request.POST.get("item", "")
                if not item_id.isdigit():
                    raise BadRequest("item")
                item = get_object_or_404(selectors.version_items(version), pk=int(item_id))
                services.plan_item_remove(item=item, actor=user)
                messages.success(request, _("Item removed."))
                return redirect("projects:plan", code, number)
            elif action == "comment":
                forms_["comment"] = form = CommentForm(request.POST)
                if form.is_valid():
                    services.plan_comment_add(version=version, actor=user, text=form.cleaned_data["text"])
                    messages.success(request, _("Thank you: your comment is published with the plan."))
                    return redirect(f"{reverse('projects:plan', args=[code, number])}#comments")
            elif action == "publish":
                services.plan_version_publish(version=version, actor=user)
                messages.success(request, _("Published for comment; the estate's owners are notified."))
                return redirect("projects:plan", code, number)
            elif action == "vote":
                vote = services.plan_vote_call(version=version, actor=user)
                messages.success(request, _("The owners' vote on this version is open."))
                return redirect("projects:vote", vote.code)
            else:
                raise PermissionDenied(services.PLAN_ERRORS["not_allowed"])
        except ValidationError as error:
            target = forms_.get({"add_item": "item", "summary": "summary", "comment": "comment"}.get(action, ""))
            if target is not None:
                form_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("projects:plan", code, number)
        status = 400
    items = list(selectors.plan_items(version))
    context = {
        "project": project,
        "version": version,
        "items": items,
        "totals": selectors.plan_totals(items),
        "comments": selectors.plan_comments(version),
        "forms": forms_,
        "can_edit": can_edit,
        "needs_to_plan": to_plan,
        "from_need": from_need,
        "can_publish": permissions.can_publish_plan_version(user, version),
        "can_comment": permissions.can_comment_plan(user, version),
        "can_call_vote": permissions.can_call_plan_vote(user, version),
        "versions": selectors.plan_versions(project),
        "votes": version.votes.order_by("-opens_at"),
    }
    return render(request, "projects/plan.html", context, status=status)
