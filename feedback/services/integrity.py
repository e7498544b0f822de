"""Integrity and fund-use reports (廉洁、资金使用问题举报, issue 21 item 3): filed with or without an
account, received by the discipline-inspection office and the housing bureau — never the street
office they may concern —, followed by the reporter through a tracking code shown once, answered by
the inspection office, escalated up (the bureau's and the office's leadership) when late. Every
write decides on the locked row."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.codes import new_code, normalise_code
from core.errors import errors_for
from projects.models import Project
from stakeholders.models import Membership, Notification, Organization, Resident, Street, User
from stakeholders.services import notify

from .. import permissions
from ..models import IntegrityMessage, IntegrityReport

INTEGRITY_ERRORS = {
    "kind_required": _("Choose what the report is about: misconduct, or the use of the money."),
    "street_required": _("Choose the street (街道) where it happened."),
    "text_required": _("Say what happened: who, what, when, where, as far as you know."),
    "project_elsewhere": _("This project is not in the street you chose."),
    "no_office": _("The portal has no discipline-inspection office or housing bureau to receive reports yet."),
    "not_allowed": _("The discipline-inspection office handles integrity reports."),
    "answer_required": _("Write the answer the reporter will read through the tracking code."),
    "message_required": _("Write what you want to add."),
    "closed": _("This report is closed: nothing more can be added."),
}
_error = errors_for(INTEGRITY_ERRORS)
TRACKING_GROUPS = 4  # "K7QH-3MPA-X9CD-2TRE", like a ballot's receipt (core.codes), one group longer


def new_tracking_code() -> str:
    return new_code(TRACKING_GROUPS)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code, TRACKING_GROUPS).encode()).hexdigest()


def _office() -> Organization | None:
    """The city's discipline-inspection office; without one on the portal, the housing bureau."""
    for kind in (Organization.Kind.INSPECTION, Organization.Kind.HOUSING_BUREAU):
        found = Organization.objects.filter(kind=kind, is_active=True).order_by("id").first()
        if found is not None:
            return found
    return None


def _receivers(*, managers_only: bool = False) -> set[int]:
    """The inspection office's and the housing bureau's people (their managers, for an escalation)."""
    members = Membership.objects.filter(
        organization__kind__in=(Organization.Kind.INSPECTION, Organization.Kind.HOUSING_BUREAU),
        organization__is_active=True,
    )
    if managers_only:
        members = members.filter(role=Membership.Role.MANAGER)
    return set(members.values_list("user_id", flat=True))


@transaction.atomic
def integrity_file(
    *,
    kind: str,
    street: Street | None,
    text: str,
    project: Project | None = None,
    contact: str = "",
    actor: User | None = None,
    link_account: bool = False,
    submission_key: str = "",
) -> tuple[IntegrityReport, str | None]:
    """File a report; returns it and its tracking code (shown once: only its hash is kept). With
    `link_account`, a signed-in resident is recorded as the reporter — seen by the inspection office
    only — and told when it is answered; otherwise nobody on the portal can tell who filed it. The
    same form sent again (its `submission_key`) returns the first report and no code (the caller
    shows the one it kept)."""
    submission_key = (submission_key or "").strip()[:64]
    if submission_key and (earlier := IntegrityReport.objects.filter(submission_key=submission_key).first()):
        return earlier, None
    if kind not in IntegrityReport.Kind.values:
        raise _error("kind_required", "kind")
    if street is None:
        raise _error("street_required", "street")
    text = (text or "").strip()
    if not text:
        raise _error("text_required", "text")
    if project is not None and project.estate.community.street_id != street.pk:
        raise _error("project_elsewhere", "project")
    office = _office()
    if office is None:
        raise _error("no_office")
    reporter = None
    if link_account and actor is not None and actor.is_authenticated:
        reporter = Resident.objects.filter(user=actor).first()
    now = timezone.now()
    for _attempt in range(3):
        code = new_tracking_code()
        if submission_key and (earlier := IntegrityReport.objects.filter(submission_key=submission_key).first()):
            return earlier, None
        try:
            with transaction.atomic():
                report = IntegrityReport.objects.create(
                    kind=kind,
                    street=street,
                    project=project,
                    text=text[:4000],
                    reporter=reporter,
                    contact=(contact or "").strip()[:100],
                    tracking_hash=code_hash(code),
                    agency=office,
                    filed_at=now,
                    acknowledge_due=now + timedelta(days=settings.INTEGRITY_ACKNOWLEDGE_DAYS),
                    answer_due=now + timedelta(days=settings.INTEGRITY_ANSWER_DAYS),
                    submission_key=submission_key,
                )
            break
        except IntegrityError:  # the same form at once (its key), or the same code twice in 31^16
            continue
    else:  # three codes in a row already taken: not in this universe
        raise RuntimeError("no free tracking code")
    notify(
        users=_receivers(),
        kind=Notification.Kind.INTEGRITY_FILED,
        url=reverse("feedback:integrity_report", args=[report.pk]),
        key=f"integrity:{report.pk}:filed",
        street=street.name,
        number=report.pk,
    )
    return report, code


def integrity_by_code(code: str) -> IntegrityReport | None:
    if not (code or "").strip():
        return None
    return (
        IntegrityReport.objects.select_related("street", "project__estate")
        .filter(tracking_hash=code_hash(code))
        .first()
    )


def _locked(report: IntegrityReport) -> IntegrityReport:
    return IntegrityReport.objects.select_for_update(of=("self",)).select_related("street").get(pk=report.pk)


@transaction.atomic
def integrity_write_by_code(*, report: IntegrityReport, text: str) -> IntegrityMessage:
    """The reporter adds to the report through the tracking code (no account needed)."""
    locked = _locked(report)
    if not permissions.can_write_by_code(locked):
        raise _error("closed")
    text = (text or "").strip()
    if not text:
        raise _error("message_required", "text")
    message = IntegrityMessage.objects.create(report=locked, from_office=False, text=text[:4000])
    notify(
        users=set(Membership.objects.filter(organization=locked.agency).values_list("user_id", flat=True)),
        kind=Notification.Kind.INTEGRITY_FILED,
        url=reverse("feedback:integrity_report", args=[locked.pk]),
        key=f"integrity:{locked.pk}:msg{message.pk}",
        street=locked.street.name,
        number=locked.pk,
    )
    return message


@transaction.atomic
def integrity_acknowledge(*, report: IntegrityReport, actor: User) -> IntegrityReport:
    locked = _locked(report)
    if not permissions.can_acknowledge_integrity(actor, locked):
        raise PermissionDenied(INTEGRITY_ERRORS["not_allowed"])
    locked.status, locked.acknowledged_at = IntegrityReport.Status.ACKNOWLEDGED, timezone.now()
    locked.save(update_fields=["status", "acknowledged_at"])
    return locked


@transaction.atomic
def integrity_answer(*, report: IntegrityReport, actor: User, answer: str) -> IntegrityReport:
    """The inspection office answers (what it found and did, for the reporter to read): the report is
    taken on if it was not yet; a linked reporter is told (without the content)."""
    locked = _locked(report)
    if not permissions.can_answer_integrity(actor, locked):
        raise PermissionDenied(INTEGRITY_ERRORS["not_allowed"])
    answer = (answer or "").strip()
    if not answer:
        raise _error("answer_required", "answer")
    now = timezone.now()
    locked.acknowledged_at = locked.acknowledged_at or now
    locked.status, locked.answer, locked.answered_at = IntegrityReport.Status.ANSWERED, answer[:4000], now
    locked.save(update_fields=["status", "acknowledged_at", "answer", "answered_at"])
    IntegrityMessage.objects.create(report=locked, from_office=True, author=actor, text=locked.answer)
    if locked.reporter_id:
        notify(
            users=[locked.reporter.user_id],
            kind=Notification.Kind.INTEGRITY_ANSWERED,
            url=reverse("feedback:integrity_track"),
            key=f"integrity:{locked.pk}:answer:{now.timestamp()}",
            number=locked.pk,
        )
    return locked


@transaction.atomic
def integrity_close(*, report: IntegrityReport, actor: User) -> IntegrityReport:
    locked = _locked(report)
    if not permissions.can_close_integrity(actor, locked):
        raise PermissionDenied(INTEGRITY_ERRORS["not_allowed"])
    locked.status, locked.closed_at = IntegrityReport.Status.CLOSED, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked


def integrity_escalate_overdue(now=None) -> int:
    """The beat job: a report not taken on, or not answered, in time goes up — to the housing
    bureau's and the inspection office's managers, once — never back to the street office."""
    now = now or timezone.now()
    late = IntegrityReport.objects.filter(escalated_at__isnull=True).filter(
        Q(status=IntegrityReport.Status.SUBMITTED, acknowledge_due__lt=now)
        | Q(status__in=(IntegrityReport.Status.SUBMITTED, IntegrityReport.Status.ACKNOWLEDGED), answer_due__lt=now)
    )
    escalated = 0
    for report in late.select_related("street"):
        with transaction.atomic():
            if not IntegrityReport.objects.filter(pk=report.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            notify(
                users=_receivers(managers_only=True),
                kind=Notification.Kind.INTEGRITY_OVERDUE,
                url=reverse("feedback:integrity_report", args=[report.pk]),
                key=f"integrity:{report.pk}:overdue",
                street=report.street.name,
                number=report.pk,
            )
            escalated += 1
    return escalated
