"""Satisfaction surveys (满意度调查): opening, invitations and reminders in batches, answers by link, on the
dashboard and on paper, closing."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.errors import coded_error
from projects.after_build import adopted_management
from projects.models import Award, PlanManagement, Project
from projects.revision import project_touch
from stakeholders.audit import by_actor
from stakeholders.models import Household, Notification, Organization, User
from stakeholders.notifications import Notice
from stakeholders.services import deliveries_send, notify_each

from .. import permissions, tokens
from ..letters import voting_owner_users
from ..models import Invitation, Response, Survey
from .ratings import contractor_ratings_recompute, manager_ratings_recompute, supervisor_ratings_recompute

SURVEY_ERRORS = {
    "closed": _("This survey is closed; answers are no longer taken."),
    "already_answered": _("This household has already answered the survey. Thank you!"),
    "not_allowed": _("You may not answer for this household."),
    "score_required": _("Choose a score from 1 to 5."),
    "forged": _(
        "This survey link is not valid. Check that it was copied completely, or ask your community committee "
        "for a new one."
    ),
    "expired": _(
        "This survey link has expired. Ask your community committee for a new one if the survey is still open."
    ),
}


# Satisfaction surveys

FOLLOW_UPS = (Survey.Kind.FOLLOW_UP, Survey.Kind.YEARLY)  # the surveys that also rate the estate's manager


def _new_nonce() -> str:
    return secrets.token_hex(8)


@transaction.atomic
def survey_open(*, project: Project, kind: str, year: int = 0, now=None) -> Survey:
    """Open the `kind` survey of `project` (a yearly follow-up: of its `year` after acceptance) with
    one invitation per household of the estate. Idempotent: the unique constraints (one survey per
    kind and year, one invitation per household) make a second run — or two concurrent ones — add
    nothing. The follow-ups also rate the firm managing the estate."""
    now = now or timezone.now()
    year = year if kind == Survey.Kind.YEARLY else 0
    survey = Survey.objects.filter(project=project, kind=kind, year=year).first()
    if survey is None:
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    project=project,
                    kind=kind,
                    year=year,
                    manager=_manager_to_rate(project) if kind in FOLLOW_UPS else None,
                    opened_at=now,
                    remind_at=now + timedelta(days=settings.SURVEY_REMIND_DAYS),
                    closes_at=now + timedelta(days=settings.SURVEY_CLOSE_DAYS),
                )
        except IntegrityError:
            survey = Survey.objects.get(project=project, kind=kind, year=year)
    invited = set(Invitation.objects.filter(survey=survey).values_list("household_id", flat=True))
    households = (
        Household.objects.filter(building__estate_id=project.estate_id).order_by("pk").values_list("pk", flat=True)
    )
    Invitation.objects.bulk_create(
        [Invitation(survey=survey, household_id=pk, nonce=_new_nonce()) for pk in households if pk not in invited],
        batch_size=2000,
        ignore_conflicts=True,
    )
    survey.households = Invitation.objects.filter(survey=survey).count()
    survey.save(update_fields=["households"])
    project_touch(project=project)
    return survey


def _manager_to_rate(project: Project):
    """Who manages the estate now (issue 20 item 5): the firm it was handed over to at acceptance;
    without one, its community committee (社区准物业: as the section chose, or the firm's contract
    ended) — except where the owners manage it themselves (they do not rate themselves)."""
    award = (
        Award.objects.filter(project=project, role=Award.Role.MANAGER, ended_at__isnull=True)
        .select_related("organization")
        .first()
    )
    if award is not None:
        return award.organization
    section = adopted_management(project)
    if section is not None and section.operator == PlanManagement.Operator.OWNERS:
        return None
    return Organization.objects.filter(
        kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id=project.estate.community_id
    ).first()


def surveys_due(*, now=None) -> list[tuple[Project, str, int]]:
    """(project, kind, year) of each survey due: projects completed SURVEY_AFTER_DAYS (or
    SURVEY_FOLLOW_UP_DAYS) ago without that survey, and — from the second year after acceptance —
    the yearly follow-up of the year the project is in (a missed year is not opened afterwards)."""
    today = timezone.localdate(now or timezone.now())
    done = Project.objects.filter(
        status__in=[Project.Status.COMPLETED, Project.Status.MAINTAINED], completed_on__isnull=False
    )
    due = []
    for kind, days in (
        (Survey.Kind.COMPLETION, settings.SURVEY_AFTER_DAYS),
        (Survey.Kind.FOLLOW_UP, settings.SURVEY_FOLLOW_UP_DAYS),
    ):
        qs = done.filter(completed_on__lte=today - timedelta(days=days)).exclude(surveys__kind=kind)
        due += [(project, kind, 0) for project in qs.select_related("estate").order_by("id")]
    period = settings.SURVEY_FOLLOW_UP_DAYS
    older = done.filter(completed_on__lte=today - timedelta(days=2 * period))
    held = set(Survey.objects.filter(kind=Survey.Kind.YEARLY, project__in=older).values_list("project_id", "year"))
    for project in older.select_related("estate").order_by("id"):
        year = (today - project.completed_on).days // period
        if (project.pk, year) not in held:
            due.append((project, Survey.Kind.YEARLY, year))
    return due


INVITE, REMIND = "invite", "remind"


@dataclass
class DispatchPlan:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    batches: list[tuple[int, str, int, int]] = field(default_factory=list)  # (survey, invite|remind, first id, last id)


def _chunks(ids: list[int], size: int) -> list[tuple[int, int]]:
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def surveys_dispatch(*, now=None, on_batch=None) -> DispatchPlan:
    """The periodic job's plan: open due surveys, close those past their end, and list the
    batches of invitations and reminders still to send (the caller sends each batch as one task).
    With `on_batch`, each batch is handed over as soon as it is known — a newly opened survey's
    invitations start going out while the next surveys are still being opened."""
    now = now or timezone.now()
    plan = DispatchPlan()
    size = settings.SURVEY_BATCH_SIZE

    def add(batches):
        plan.batches.extend(batches)
        for batch in batches if on_batch else ():
            on_batch(batch)

    planned = set()
    for project, kind, year in surveys_due(now=now):
        survey = survey_open(project=project, kind=kind, year=year, now=now)  # committed: its batch tasks find the rows
        plan.opened.append(survey.pk)
        unsent = list(survey.invitations.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True))
        add([(survey.pk, INVITE, a, b) for a, b in _chunks(unsent, size)])
        planned.add(survey.pk)  # a new survey has nothing to remind yet
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__lte=now).select_related("project"):
        survey_close(survey=survey, now=now)
        plan.closed.append(survey.pk)
    for survey in (
        Survey.objects.filter(status=Survey.Status.OPEN, closes_at__gt=now).exclude(pk__in=planned).order_by("id")
    ):
        unsent = list(survey.invitations.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True))
        add([(survey.pk, INVITE, a, b) for a, b in _chunks(unsent, size)])
        if now >= survey.remind_at:
            unreminded = list(
                survey.invitations.filter(
                    delivery=Invitation.Delivery.MESSAGE, reminded_at__isnull=True, response__isnull=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            add([(survey.pk, REMIND, a, b) for a, b in _chunks(unreminded, size)])
    return plan


def batch_id(survey_id: int, kind: str, first_id: int, last_id: int) -> uuid.UUID:
    """The same batch always has the same id, so a re-delivered task finds its own messages."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"portal:survey:{survey_id}:{kind}:{first_id}-{last_id}")


def answer_path(invitation: Invitation) -> str:
    return reverse("feedback:answer", args=[invitation.pk, tokens.make_token(invitation)])


@transaction.atomic
def survey_send_batch(*, survey_id: int, kind: str, first_id: int, last_id: int, now=None) -> uuid.UUID:
    """Write the notices (in-app, and SMS/e-mail as each owner prefers) for the invitations
    first_id..last_id that still need one, and mark them sent/reminded — in one transaction, each
    notice with its own key. Rows another worker holds are skipped (SKIP LOCKED). Returns the
    batch id: the caller sends its messages after the commit (deliveries_send)."""
    now = now or timezone.now()
    batch = batch_id(survey_id, kind, first_id, last_id)
    survey = Survey.objects.select_related("project__estate").get(pk=survey_id)
    if not permissions.survey_accepts_answers(survey, now):
        return batch
    qs = Invitation.objects.filter(survey=survey, pk__gte=first_id, pk__lte=last_id)
    if kind == INVITE:
        qs = qs.filter(sent_at__isnull=True)
    else:
        qs = qs.filter(delivery=Invitation.Delivery.MESSAGE, reminded_at__isnull=True, response__isnull=True)
    rows = list(qs.select_for_update(skip_locked=True, of=("self",)).order_by("pk"))
    if not rows:
        return batch
    owners = voting_owner_users(r.household_id for r in rows)
    notice_kind = Notification.Kind.SURVEY_INVITED if kind == INVITE else Notification.Kind.SURVEY_REMINDER
    params = {
        "estate": survey.project.estate.name,
        "closes": formats.date_format(timezone.localtime(survey.closes_at), "Y-m-d"),
    }
    notices = [
        Notice(
            user_id=owners[r.household_id],
            kind=notice_kind,
            params=params,
            url=reverse("feedback:my_invitation", args=[r.pk]),
            external_url=answer_path(r),
            key=f"survey{survey.pk}:{kind}:{r.pk}",
        )
        for r in rows
        if r.household_id in owners
    ]
    notify_each(notices=notices, send=False, batch=batch)
    # Two plain UPDATEs (same values for many rows), not a bulk_update's CASE per row.
    if kind == INVITE:
        by_message = [r.pk for r in rows if r.household_id in owners]
        by_print = [r.pk for r in rows if r.household_id not in owners]
        for pks, delivery in ((by_message, Invitation.Delivery.MESSAGE), (by_print, Invitation.Delivery.PRINT)):
            if pks:
                Invitation.objects.filter(pk__in=pks).update(sent_at=now, delivery=delivery)
    else:
        Invitation.objects.filter(pk__in=[r.pk for r in rows]).update(reminded_at=now)
    return batch


def survey_send_and_deliver(*, survey_id: int, kind: str, first_id: int, last_id: int, now=None) -> dict[str, int]:
    """One batch, start to finish: write and mark (one transaction), then send its messages."""
    batch = survey_send_batch(survey_id=survey_id, kind=kind, first_id=first_id, last_id=last_id, now=now)
    return deliveries_send(batch=batch)


@transaction.atomic
def survey_close(*, survey: Survey, now=None) -> Survey:
    """Close the survey (idempotent) and recompute the ratings of the project's contractor."""
    now = now or timezone.now()
    locked = Survey.objects.select_for_update().select_related("project").get(pk=survey.pk)
    if locked.status == Survey.Status.CLOSED:
        return locked
    locked.status = Survey.Status.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    project_touch(project=locked.project)
    contractor_ratings_recompute()
    supervisor_ratings_recompute()
    manager_ratings_recompute()
    return locked


def _clean_answers(answers: dict, survey: Survey) -> dict[str, int]:
    """The six scores, and the management score when the survey rates a manager."""
    cleaned, errors = {}, {}
    for question in survey.questions:
        try:
            value = int(answers.get(question))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            errors[question] = ValidationError(SURVEY_ERRORS["score_required"], code="score_required")
        cleaned[question] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_response(
    *, invitation: Invitation, answers: dict, text: str, channel: str, entered_by: User | None, now=None
) -> Response:
    locked = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if not permissions.survey_accepts_answers(locked.survey, now):
        raise coded_error(SURVEY_ERRORS, "closed")
    if Response.objects.filter(invitation=locked).exists():
        raise coded_error(SURVEY_ERRORS, "already_answered")
    response = Response(
        invitation=locked,
        survey=locked.survey,
        text=(text or "").strip(),
        channel=channel,
        entered_by=entered_by,
        **_clean_answers(answers, locked.survey),
    )
    response.full_clean(exclude=["invitation"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # the same household's answer sent twice at once
        raise coded_error(SURVEY_ERRORS, "already_answered") from None
    return response


def invitation_by_token(*, invitation_id: int, token: str) -> Invitation:
    """The invitation a survey link opens; ValidationError coded forged/expired otherwise."""
    try:
        nonce = tokens.read_token(token, invitation_id=invitation_id)
    except tokens.BadToken as bad:
        raise coded_error(SURVEY_ERRORS, bad.code) from None
    invitation = Invitation.objects.select_related("survey__project__estate").filter(pk=invitation_id).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        raise coded_error(SURVEY_ERRORS, "forged")
    return invitation


@by_actor
@transaction.atomic
def response_submit_by_link(
    *, invitation_id: int, token: str, answers: dict, text: str = "", actor: User | None = None, now=None
) -> Response:
    invitation = invitation_by_token(invitation_id=invitation_id, token=token)
    user = actor if actor is not None and actor.is_authenticated else None
    return _store_response(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=user, now=now
    )


@by_actor
@transaction.atomic
def response_submit_as_owner(
    *, invitation: Invitation, actor: User, answers: dict, text: str = "", now=None
) -> Response:
    owner = voting_owner_users([invitation.household_id]).get(invitation.household_id)
    answered = Response.objects.filter(invitation=invitation).exists()
    if not permissions.can_answer_as_owner(actor, invitation, answered=answered, voting_owner_user_id=owner, now=now):
        if answered:
            raise coded_error(SURVEY_ERRORS, "already_answered")
        if owner == actor.pk:
            raise coded_error(SURVEY_ERRORS, "closed")
        raise PermissionDenied(SURVEY_ERRORS["not_allowed"])
    return _store_response(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=actor, now=now
    )


@by_actor
@transaction.atomic
def response_record_paper(*, invitation: Invitation, actor: User, answers: dict, text: str = "", now=None) -> Response:
    """Community staff enter a household's signed paper answer — once (the household's only answer)."""
    if not permissions.can_record_paper_response(actor, invitation.survey, now):
        raise PermissionDenied(SURVEY_ERRORS["not_allowed"])
    return _store_response(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.PAPER, entered_by=actor, now=now
    )
