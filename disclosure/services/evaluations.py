"""第三方评估 (issue 22 item 6): the housing bureau engages an evaluator for a project or a plan year;
the evaluator reads the project's records (without residents' personal data), records its site
visits and writes a report — a score per indicator, findings, a PDF — published on the project's
evaluation page and on its public timeline, and counted in the street scoring."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
from stakeholders.services import notify

from .. import permissions
from ..models import EVALUATION_INDICATORS, Engagement, EvaluationReport, SiteVisit
from .errors import EVALUATION_ERRORS

_error = errors_for(EVALUATION_ERRORS)


@by_actor
@transaction.atomic
def engagement_add(
    *, actor: User, evaluator: Organization, project: Project | None = None, year: int | None = None, scope: str = ""
) -> Engagement:
    if not permissions.can_engage(actor):
        raise PermissionDenied(EVALUATION_ERRORS["not_allowed"])
    if evaluator.kind != Organization.Kind.EVALUATOR or not evaluator.is_active:
        raise _error("not_evaluator", "evaluator")
    if (project is None) == (year is None):
        raise _error("scope")
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                evaluator=evaluator, project=project, year=year, scope=(scope or "").strip(), engaged_by=actor
            )
    except IntegrityError:
        raise _error("engaged") from None
    with translation.override(settings.LANGUAGE_CODE):
        what = project.estate.name if project else str(_("every project of the %(year)s plan") % {"year": year})
    notify(
        users=Membership.objects.filter(organization=evaluator).values_list("user_id", flat=True),
        kind=Notification.Kind.EVALUATION_ENGAGED,
        url=reverse("disclosure:evaluation_desk"),
        key=f"engagement:{engagement.pk}",
        evaluator=evaluator.name,
        scope=what,
    )
    return engagement


def _engagement(actor: User, project: Project) -> Engagement:
    found = permissions.engagement_for(
        actor, project, Engagement.objects.filter(evaluator__in=permissions.evaluator_ids(actor))
    )
    if found is None:
        raise PermissionDenied(EVALUATION_ERRORS["not_allowed"])
    return found


@by_actor
@transaction.atomic
def site_visit_record(*, project: Project, actor: User, visited_on, note: str) -> SiteVisit:
    engagement = _engagement(actor, project)
    report = EvaluationReport.objects.filter(engagement=engagement, project=project).first()
    if not permissions.can_write_evaluation(actor, project, [engagement], report):
        raise _error("published")
    if visited_on > timezone.localdate():
        raise _error("future", "visited_on")
    if not (note or "").strip():
        raise _error("note_required", "note")
    return SiteVisit.objects.create(
        engagement=engagement, project=project, visited_on=visited_on, note=note.strip(), recorded_by=actor
    )


def _scores(scores: dict) -> dict[str, int]:
    clean = {}
    for code, _label in EVALUATION_INDICATORS:
        value = scores.get(code)
        if value is None or not 0 <= int(value) <= 100:
            raise _error("score", f"score_{code}")
        clean[code] = int(value)
    return clean


@by_actor
@transaction.atomic
def report_save(*, project: Project, actor: User, scores: dict, findings: str, document=None) -> EvaluationReport:
    """Write or correct the draft report (the overall score is the mean of the indicators)."""
    engagement = _engagement(actor, project)
    report = EvaluationReport.objects.select_for_update().filter(
        engagement=engagement, project=project
    ).first() or EvaluationReport(engagement=engagement, project=project, written_by=actor)
    if not permissions.can_write_evaluation(actor, project, [engagement], report if report.pk else None):
        raise _error("published")
    clean = _scores(scores)
    if not (findings or "").strip():
        raise _error("findings_required", "findings")
    report.scores, report.findings, report.written_by = clean, findings.strip(), actor
    report.overall = (Decimal(sum(clean.values())) / len(clean)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if document:
        try:
            checked = check_upload(document)
        except ValidationError as error:
            raise ValidationError({"document": error}) from None
        if checked.content_type != "application/pdf":
            raise ValidationError({"document": ValidationError(_("The report must be a PDF."), code="not_pdf")})
        report.document.save("report", document_without_metadata(document, checked.content_type), save=False)
    report.save()
    return report


@by_actor
@transaction.atomic
def report_publish(*, report: EvaluationReport, actor: User) -> EvaluationReport:
    locked = (
        EvaluationReport.objects.select_for_update()
        .select_related("engagement__evaluator", "project")
        .get(pk=report.pk)
    )
    if locked.status == EvaluationReport.Status.PUBLISHED:
        raise _error("published")
    if not permissions.can_write_evaluation(actor, locked.project, [locked.engagement], locked):
        raise PermissionDenied(EVALUATION_ERRORS["not_allowed"])
    locked.status, locked.published_at = EvaluationReport.Status.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    project = locked.project
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_("Third-party evaluation by %(evaluator)s published: overall %(score)s of 100.")) % {
            "evaluator": locked.engagement.evaluator.name,
            "score": locked.overall,
        }
    ProjectEvent.objects.create(
        project=project, actor=actor, from_status=project.status, to_status=project.status, note=note
    )
    project_touch(project=project)
    return locked
