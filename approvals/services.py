"""The writes of the parallel approvals (issue 22 items 1–2): the bureau's catalog, the street
office's one submission (every matter it triggers opens at once in its department's queue, due in
its working days), a department's decision, a returned matter resubmitted, and overdue matters sent
up to the bureau — never back to the office that submitted them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from projects.models import Project, ProjectEvent
from projects.revision import project_touch
from stakeholders.audit import by_actor
from stakeholders.models import Membership, Notification, Organization, User
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify

from . import permissions, selectors
from .calendar import WorkCalendar, add_working_days, working_days_between
from .errors import APPROVAL_ERRORS
from .models import Matter, Review, Submission

_error = errors_for(APPROVAL_ERRORS)


def _members(organization_ids, *, kind=None) -> set[int]:
    members = Membership.objects.filter(organization__is_active=True)
    members = members.filter(organization__kind=kind) if kind else members.filter(organization_id__in=organization_ids)
    return set(members.values_list("user_id", flat=True))


def _event(project: Project, actor: User, template, **params) -> None:
    """The public timeline says what happened (the project page reads it with no query of its own),
    in the portal's language, as every timeline note."""
    with translation.override(settings.LANGUAGE_CODE):
        note = str(template) % {k: str(v) for k, v in params.items()}
        ProjectEvent.objects.create(
            project=project, actor=actor, from_status=project.status, to_status=project.status, note=note
        )


def _open(review: Review) -> None:
    notify(
        users=_members([review.department_id]),
        kind=Notification.Kind.APPROVAL_OPENED,
        url=reverse("approvals:review", args=[review.pk]),
        key=f"review:{review.pk}:opened",
        matter=review.matter.name,
        estate=review.submission.project.estate.name,
        due=review.due_on.isoformat(),
    )


@by_actor
@transaction.atomic
def matter_save(
    *,
    actor: User,
    name: str,
    department: Organization,
    time_limit: int,
    documents: str = "",
    project_kinds: list[str] = (),
    items=(),
    matter: Matter | None = None,
    is_active: bool = True,
) -> Matter:
    """Add a matter to the catalog, or change one (open reviews keep the day they were given)."""
    if not permissions.can_manage_catalog(actor):
        raise PermissionDenied(APPROVAL_ERRORS["catalog_not_allowed"])
    if department.kind not in permissions.DECIDING_KINDS:
        raise _error("department_kind", "department")
    if not 1 <= time_limit <= 120:
        raise _error("time_limit", "time_limit")
    matter = matter or Matter()
    matter.name, matter.department, matter.time_limit = name.strip(), department, time_limit
    matter.documents, matter.project_kinds, matter.is_active = documents.strip(), list(project_kinds), is_active
    try:
        with transaction.atomic():
            matter.save()
    except IntegrityError:
        raise _error("matter_exists", "name", name=matter.name) from None
    matter.items.set(items)
    return matter


@by_actor
@transaction.atomic
def submit(*, project: Project, actor: User, note: str = "", document=None) -> Submission:
    """一口受理: submit the adopted plan once; each matter it triggers opens at once."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_submit(actor, locked):
        if permissions.can_submit(actor, Project(status=Project.Status.PLAN_ADOPTED, estate=locked.estate)):
            raise _error("status", status=locked.get_status_display())
        raise PermissionDenied(APPROVAL_ERRORS["submit_not_allowed"])
    if Submission.objects.filter(project=locked).exists():
        raise _error("submitted")
    version = selectors.adopted_version(locked)
    if version is None:
        raise _error("no_plan")
    matters = selectors.triggered_matters(locked, version)
    submission = Submission(project=locked, plan_version=version, note=(note or "").strip(), submitted_by=actor)
    if document:
        try:
            checked = check_upload(document)
        except ValidationError as error:
            raise ValidationError({"document": error}) from None
        submission.document_content_type = checked.content_type
        submission.document.save("shared", document_without_metadata(document, checked.content_type), save=False)
    submission.save()
    today = timezone.localdate()
    reviews = []
    for matter in matters:
        review = Review.objects.create(
            submission=submission,
            matter=matter,
            department=matter.department,
            opened_on=today,
            due_on=add_working_days(today, matter.time_limit),
        )
        review.matter = matter
        review.submission = submission
        reviews.append(review)
    for review in reviews:
        _open(review)
    names = "、".join(f"{m.department.name}·{m.name}" for m in matters)
    if names:
        _event(locked, actor, _("Submitted once to the departments (并联审批): %(matters)s"), matters=names)
    project_touch(project=locked)
    return submission


DECISIONS = {
    "approve": Review.Status.APPROVED,
    "conditions": Review.Status.CONDITIONS,
    "return": Review.Status.RETURNED,
}


@by_actor
@transaction.atomic
def decide(*, review: Review, actor: User, decision: str, text: str = "") -> Review:
    """The department approves, approves with conditions, or returns the matter with reasons."""
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("matter", "department", "submission__project__estate__community")
        .get(pk=review.pk)
    )
    if not permissions.can_decide(actor, locked):
        if locked.department_id in permissions.department_ids(actor):
            raise _error("decided", status=locked.get_status_display())
        raise PermissionDenied(APPROVAL_ERRORS["decide_not_allowed"])
    if decision not in DECISIONS:
        raise _error("decision", "decision")
    text = (text or "").strip()
    if decision != "approve" and not text:
        raise _error("text_required", "text")
    today = timezone.localdate()
    locked.status, locked.text, locked.decided_by, locked.decided_on = DECISIONS[decision], text, actor, today
    locked.working_days = working_days_between(locked.opened_on, today)
    locked.save(update_fields=["status", "text", "decided_by", "decided_on", "working_days"])
    project = locked.submission.project
    _event(
        project,
        actor,
        _("%(department)s · %(matter)s: %(decision)s after %(days)s working days. %(text)s"),
        department=locked.department.name,
        matter=locked.matter.name,
        decision=Review.Status(locked.status).label,
        days=locked.working_days,
        text=text,
    )
    notify(
        users=street_office_user_ids(project.estate.community.street_id),
        kind=Notification.Kind.APPROVAL_DECIDED,
        url=reverse("approvals:project", args=[project.code]),
        key=f"review:{locked.pk}:decided",
        matter=locked.matter.name,
        estate=project.estate.name,
        review=str(locked.status),
    )
    project_touch(project=project)
    return locked


@by_actor
@transaction.atomic
def resubmit(*, review: Review, actor: User, note: str) -> Review:
    """The street office answers a returned matter (what it changed): the next round opens, due anew."""
    locked = (
        Review.objects.select_for_update().select_related("matter", "submission__project__estate").get(pk=review.pk)
    )
    latest = not Review.objects.filter(
        submission=locked.submission, matter=locked.matter, round__gt=locked.round
    ).exists()
    if not permissions.can_resubmit(actor, locked, latest=latest):
        raise PermissionDenied(APPROVAL_ERRORS["resubmit_not_allowed"])
    note = (note or "").strip()
    if not note:
        raise _error("note_required", "note")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            nxt = Review.objects.create(
                submission=locked.submission,
                matter=locked.matter,
                department=locked.department,
                round=locked.round + 1,
                opened_on=today,
                due_on=add_working_days(today, locked.matter.time_limit),
                resubmit_note=note,
            )
    except IntegrityError:  # sent twice at once: the first stands
        raise _error("resubmitted") from None
    nxt.matter, nxt.submission = locked.matter, locked.submission
    _open(nxt)
    _event(
        locked.submission.project,
        actor,
        _("Resubmitted to %(department)s · %(matter)s: %(note)s"),
        department=locked.department.name,
        matter=locked.matter.name,
        note=note,
    )
    project_touch(project=locked.submission.project)
    return nxt


def escalate_overdue(now: datetime | None = None) -> int:
    """Matters past their day go up to the housing bureau's people, once each (the beat job)."""
    today = timezone.localdate(now)
    late = list(
        Review.objects.filter(status=Review.Status.PENDING, due_on__lt=today, escalated_at__isnull=True).select_related(
            "matter", "department", "submission__project__estate"
        )
    )
    bureau = _members(None, kind=Organization.Kind.HOUSING_BUREAU)
    calendar = WorkCalendar(min((r.opened_on for r in late), default=today), today)
    for review in late:
        with transaction.atomic():
            if not Review.objects.filter(pk=review.pk, escalated_at__isnull=True).update(escalated_at=timezone.now()):
                continue  # another run took it
            notify(
                users=bureau,
                kind=Notification.Kind.APPROVAL_OVERDUE,
                url=reverse("approvals:review", args=[review.pk]),
                key=f"review:{review.pk}:overdue",
                department=review.department.name,
                matter=review.matter.name,
                estate=review.submission.project.estate.name,
                due=review.due_on.isoformat(),
                days=working_days_between(review.opened_on, today, calendar),
            )
    return len(late)
