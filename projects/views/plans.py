"""The plan (三上三下): a version's page, drafting, publishing, comments, the owners' vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors
from stakeholders import selectors as stakeholder_selectors
from stakeholders.models import Building

from .. import permissions, plan_changes, selectors, services
from ..forms import (
    CommentAnswerForm,
    CommentForm,
    DesignerForm,
    DrawingForm,
    PlanItemForm,
    SummaryForm,
)
from ..models import Project


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


def _readable_version(request, code: str, number: int):
    """The version as the viewer may read it: every published version is public (tenants, pending
    claimants, anyone); a draft only for those who see the project (else 404)."""
    project = (
        selectors.projects_visible_to(request.user).filter(code=code).first()
        or selectors.projects_designed_by(request.user).filter(code=code).first()
    )
    sees_project = project is not None
    if project is None:
        project = get_object_or_404(selectors.public_projects(), code=code)
    version = get_object_or_404(
        selectors.plan_versions(project).select_related("project__estate", "management__organization"), number=number
    )
    if not permissions.can_read_plan_version(request.user, version, sees_project=sees_project):
        raise Http404
    return project, version


def _answer_comment(request, version, answer_forms):
    comment_id = request.POST.get("comment", "")
    if not comment_id.isdigit():
        raise BadRequest("comment")
    comment = get_object_or_404(version.comments.select_related("version__project__estate"), pk=int(comment_id))
    if not permissions.can_answer_plan_comment(request.user, comment):
        raise PermissionDenied(services.PLAN_ERRORS["answer_not_allowed"])
    form = CommentAnswerForm(request.POST, prefix=f"c{comment.pk}")
    answer_forms[comment.pk] = form
    if form.is_valid():
        services.plan_comment_answer(comment=comment, actor=request.user, **form.cleaned_data)
        return True
    return False


def _item_form(project, data=None, initial=None) -> PlanItemForm:
    estate = project.estate_id
    if project.kind == Project.Kind.ELEVATOR:  # an elevator's cost is its entrance's, by floor
        initial = {
            "share_scope": "entrance",
            "share_building": project.building_id,
            "share_entrance": project.entrance,
            "share_method": "floor",
        } | (initial or {})
    return PlanItemForm(
        data,
        initial=initial,
        catalog=selectors.catalog(),
        buildings=Building.objects.filter(estate_id=estate).order_by("number"),
        units=lambda: stakeholder_selectors.units_of_estate(estate),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def plan_version(request, code: str, number: int):  # noqa: C901 - one page of a plan version with its six actions (add, remove, publish, comment, answer, vote)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    project, version = _readable_version(request, code, number)
    user = request.user
    answer_forms: dict = {}
    can_edit = permissions.can_edit_plan_version(user, version)
    to_plan = list(selectors.needs_to_plan(project)) if can_edit else []
    from_need = next((n for n in to_plan if str(n.pk) == request.GET.get("from_need")), None)
    forms_ = {
        "summary": SummaryForm(initial={"summary": version.summary}),
        "item": _item_form(
            project,
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
                forms_["item"] = form = _item_form(project, data=request.POST)
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
                        **form.sharing(),
                        **form.after_build(),
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
            elif action == "answer":
                if _answer_comment(request, version, answer_forms):
                    messages.success(request, _("Answer published with the plan; the resident is told."))
                    return redirect(f"{reverse('projects:plan', args=[code, number])}#comments")
                raise ValidationError({})
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
            if action == "answer":
                target = next(iter(answer_forms.values()), None)
            if target is not None:
                form_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("projects:plan", code, number)
        status = 400
    items = list(selectors.plan_items(version))
    comments = list(selectors.plan_comments(version))
    for comment in comments:
        if permissions.can_answer_plan_comment(user, comment):
            comment.answer_form = answer_forms.get(comment.pk) or CommentAnswerForm(prefix=f"c{comment.pk}")
    vote_from = services.vote_possible_from(version) if version.status == version.Status.PUBLISHED else None
    context = {
        "project": project,
        "version": version,
        "items": items,
        "totals": selectors.plan_totals(items),
        "comments": comments,
        "changes": plan_changes.changes_from_previous(version, items),
        "answered_before": list(plan_changes.answered_before(version)),
        "vote_from": vote_from,
        "vote_waits": vote_from is not None and vote_from > timezone.now(),
        "unanswered": selectors.unanswered_plan_comments(project),
        "designers": list(project.designers.select_related("organization")),
        "drawings": list(version.drawings.select_related("organization")),
        "designer_form": DesignerForm() if permissions.can_assign_designer(user, project) else None,
        "drawing_form": DrawingForm() if permissions.can_attach_drawing(user, version) else None,
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
