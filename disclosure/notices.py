"""公示与异议 (issue 18, item 5): residents object to the budget's public notice while it runs; the
street office answers each objection (public, no names); the works are awarded only once the
notice period is over and every objection is answered (projects.services.works.AWARD_HOLDS, which
this app fills in its AppConfig.ready). Writes and reads of one subject."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from projects.models import Project, Vote
from projects.revision import project_touch
from stakeholders import permissions as stakeholder_permissions
from stakeholders import selectors as stakeholder_selectors
from stakeholders.audit import by_actor
from stakeholders.models import Notification, User
from stakeholders.services import notify

from . import permissions
from .models import Budget, Objection

ERRORS = {
    "not_allowed": _("Residents of the estate object while the budget's public notice runs."),
    "not_allowed_vote": _("Residents of the estate object to a plan vote's result while it is on notice."),
    "text_required_vote": _("Write your objection: what is wrong with the vote's result, and why."),
    "result_notice_running": _(
        "The plan vote's result is on public notice until %(until)s: the budget is drafted after it ends."
    ),
    "result_objections_unanswered": _(
        "Answer every objection to the plan vote's result before the budget: %(n)s still waiting."
    ),
    "not_allowed_answer": _("The street office answers objections, once each."),
    "text_required": _("Write your objection: what is wrong with the budget, and why."),
    "answer_required": _("Write the answer: what the street office found and will do."),
    "already_answered": _("This objection is already answered."),
    "notice_running": _("The budget is on public notice until %(until)s: the works are awarded after it ends."),
    "objections_unanswered": _("Answer every objection to the budget before the award: %(n)s still waiting."),
}
_error = errors_for(ERRORS)


def last_plan_vote(project: Project) -> Vote | None:
    """The project's latest closed plan vote (its result may be on notice)."""
    return (
        Vote.objects.filter(project=project, purpose=Vote.Purpose.PLAN, status=Vote.Status.CLOSED)
        .order_by("-closed_at", "-id")
        .first()
    )


@by_actor
@transaction.atomic
def objection_file(*, project: Project, actor: User, text: str, to_vote: bool = False) -> Objection:
    """An objection to the budget's notice, or (`to_vote`) to the latest plan vote's result."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    budget, vote = None, None
    if to_vote:
        vote = last_plan_vote(locked)
        if not permissions.can_object_to_vote(actor, locked, vote, timezone.now()):
            raise PermissionDenied(ERRORS["not_allowed_vote"])
    else:
        budget = Budget.objects.filter(project=locked).first()
        if not permissions.can_object_to_budget(actor, locked, budget, timezone.localdate()):
            raise PermissionDenied(ERRORS["not_allowed"])
    text = (text or "").strip()
    if not text:
        raise _error("text_required_vote" if to_vote else "text_required", "text")
    objection = Objection.objects.create(
        project=locked,
        budget=budget,
        vote=vote,
        filed_by=stakeholder_permissions.resident_profile(actor),
        text=text[:2000],
    )
    notify(
        users=stakeholder_selectors.street_office_user_ids(locked.estate.community.street_id),
        kind=Notification.Kind.OBJECTION_FILED,
        url=reverse("disclosure:objections", args=[locked.code]) + f"#objection-{objection.pk}",
        key=f"objection-filed:{objection.pk}",
        estate=locked.estate.name,
    )
    project_touch(project=locked)
    return objection


@by_actor
@transaction.atomic
def objection_answer(*, objection: Objection, actor: User, answer: str) -> Objection:
    locked = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("project__estate__community", "filed_by")
        .get(pk=objection.pk)
    )
    if locked.answered_at is not None:
        raise _error("already_answered")
    if not permissions.can_answer_objection(actor, locked):
        raise PermissionDenied(ERRORS["not_allowed_answer"])
    answer = (answer or "").strip()
    if not answer:
        raise _error("answer_required", "answer")
    locked.answer, locked.answered_by, locked.answered_at = answer[:2000], actor, timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(
        users=[locked.filed_by.user_id],
        kind=Notification.Kind.OBJECTION_ANSWERED,
        url=reverse("disclosure:objections", args=[locked.project.code]) + f"#objection-{locked.pk}",
        key=f"objection-answered:{locked.pk}",
        estate=locked.project.estate.name,
    )
    project_touch(project=locked.project)
    return locked


def award_hold(project: Project) -> ValidationError | None:
    """Why the works cannot be awarded yet, or None: the budget's notice still runs, and/or
    objections to it wait for their answers (each reason said, so the office knows both)."""
    budget = Budget.objects.filter(project=project, status=Budget.Status.PUBLISHED).first()
    if budget is None:
        return None
    reasons = []
    if permissions.notice_running(budget, timezone.localdate()):
        until = {"until": budget.notice_ends_on.isoformat()}
        reasons.append(ValidationError(ERRORS["notice_running"], code="notice_running", params=until))
    waiting = Objection.objects.filter(budget=budget, answered_at__isnull=True).count()
    if waiting:
        params = {"n": waiting}
        reasons.append(ValidationError(ERRORS["objections_unanswered"], code="objections_unanswered", params=params))
    return ValidationError(reasons) if reasons else None


def budget_hold(project: Project) -> ValidationError | None:
    """Why the budget cannot be drafted yet, or None: the latest plan vote's result is still on
    notice, or an objection to it waits for its answer."""
    vote = last_plan_vote(project)
    if vote is None:
        return None
    if permissions.vote_notice_running(vote, timezone.now()):
        until = timezone.localtime(permissions.vote_notice_ends(vote)).strftime("%Y-%m-%d %H:%M")
        return ValidationError(ERRORS["result_notice_running"], code="result_notice_running", params={"until": until})
    waiting = Objection.objects.filter(vote=vote, answered_at__isnull=True).count()
    if waiting:
        return ValidationError(
            ERRORS["result_objections_unanswered"], code="result_objections_unanswered", params={"n": waiting}
        )
    return None


def budget_objections(budget: Budget | None) -> list[Objection]:
    if budget is None:
        return []
    return list(Objection.objects.filter(budget=budget).order_by("filed_at", "id"))


def vote_objections(vote: Vote | None) -> list[Objection]:
    if vote is None:
        return []
    return list(Objection.objects.filter(vote=vote).order_by("filed_at", "id"))
