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
from projects.models import Project
from projects.revision import project_touch
from stakeholders import permissions as stakeholder_permissions
from stakeholders.audit import by_actor
from stakeholders.models import Membership, Notification, Organization, User
from stakeholders.services import notify

from . import permissions
from .models import Budget, Objection

ERRORS = {
    "not_allowed": _("Residents of the estate object while the budget's public notice runs."),
    "not_allowed_answer": _("The street office answers objections, once each."),
    "text_required": _("Write your objection: what is wrong with the budget, and why."),
    "answer_required": _("Write the answer: what the street office found and will do."),
    "already_answered": _("This objection is already answered."),
    "notice_running": _("The budget is on public notice until %(until)s: the works are awarded after it ends."),
    "objections_unanswered": _("Answer every objection to the budget before the award: %(n)s still waiting."),
}
_error = errors_for(ERRORS)


def _street_staff_of(project: Project) -> set[int]:
    street = project.estate.community.street_id
    offices = Membership.objects.filter(
        organization__kind=Organization.Kind.STREET_OFFICE, organization__street_id=street
    )
    return set(offices.values_list("user_id", flat=True))


@by_actor
@transaction.atomic
def objection_file(*, project: Project, actor: User, text: str) -> Objection:
    budget = Budget.objects.select_for_update().select_related("project__estate__community").get(project=project)
    if not permissions.can_object_to_budget(actor, budget.project, budget, timezone.localdate()):
        raise PermissionDenied(ERRORS["not_allowed"])
    text = (text or "").strip()
    if not text:
        raise _error("text_required", "text")
    objection = Objection.objects.create(
        project=budget.project,
        budget=budget,
        filed_by=stakeholder_permissions.resident_profile(actor),
        text=text[:2000],
    )
    notify(
        users=_street_staff_of(budget.project),
        kind=Notification.Kind.OBJECTION_FILED,
        url=reverse("disclosure:budget", args=[budget.project.code]) + f"#objection-{objection.pk}",
        key=f"objection-filed:{objection.pk}",
        estate=budget.project.estate.name,
    )
    project_touch(project=budget.project)
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
        url=reverse("disclosure:budget", args=[locked.project.code]) + f"#objection-{locked.pk}",
        key=f"objection-answered:{locked.pk}",
        estate=locked.project.estate.name,
    )
    project_touch(project=locked.project)
    return locked


def award_hold(project: Project) -> ValidationError | None:
    """Why the works cannot be awarded yet, or None: the budget's notice still runs, or an
    objection to it waits for its answer."""
    budget = Budget.objects.filter(project=project, status=Budget.Status.PUBLISHED).first()
    if budget is None:
        return None
    if permissions.notice_running(budget, timezone.localdate()):
        return ValidationError(
            ERRORS["notice_running"], code="notice_running", params={"until": budget.notice_ends_on.isoformat()}
        )
    waiting = Objection.objects.filter(budget=budget, answered_at__isnull=True).count()
    if waiting:
        return ValidationError(ERRORS["objections_unanswered"], code="objections_unanswered", params={"n": waiting})
    return None


def budget_objections(budget: Budget | None) -> list[Objection]:
    if budget is None:
        return []
    return list(Objection.objects.filter(budget=budget).order_by("filed_at", "id"))
