"""Every write about complaints, surveys and contractor ratings (HackSoft services: keyword-only
typed arguments, permission checks from permissions.py, coded errors, notices through
stakeholders' one notification service). The periodic jobs (tasks.py) call the `*_due` /
`*_overdue` functions; each is idempotent, so a late, repeated or re-delivered run is harmless."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from projects.models import Award, Project
from projects.revision import project_touch
from stakeholders.audit import by_actor
from stakeholders import permissions as people
from stakeholders.models import Household, Membership, Notification, Organization, Ownership, User
from stakeholders.notifications import Notice
from stakeholders.photos import process_photos, store_photo
from stakeholders.services import deliveries_send, notify, notify_each, organization_set_rating

from . import permissions, selectors, tokens
from .lifecycle import NOTE_REQUIRED, ROUTES, TRANSITIONS, By
from .models import Complaint, ComplaintPhoto, ComplaintUpdate, Invitation, Response, Survey

ERRORS = {
    "not_allowed": _("You may not do this with this complaint."),
    "cannot_file": _("Only residents with a household in this estate can file a complaint about its renovation."),
    "text_required": _("Say what is wrong, so the people who answer know what to look at."),
    "too_many_photos": _("Attach at most %(max)s photos."),
    "wrong_building": _("Choose a building of this estate."),
    "no_agency": _("No organization in the portal can answer this complaint yet. Please tell the community committee."),
    "bad_transition": _("A complaint cannot go from “%(from)s” to “%(to)s”."),
    "status_changed": _("The complaint changed a moment ago (it is now “%(now)s”). Reload the page and check."),
    "note_required": _("Write a message: say what was done, or why you reopen it. The other side reads it."),
    "reopen_window": _("It can no longer be reopened (%(days)s days have passed since it was resolved). File a new complaint instead."),
    "message_required": _("Write a message."),
}
SURVEY_ERRORS = {
    "closed": _("This survey is closed; answers are no longer taken."),
    "already_answered": _("This household has already answered the survey. Thank you!"),
    "not_allowed": _("You may not answer for this household."),
    "score_required": _("Choose a score from 1 to 5."),
    "forged": _("This survey link is not valid. Check that it was copied completely, or ask your community committee for a new one."),
    "expired": _("This survey link has expired. Ask your community committee for a new one if the survey is still open."),
}


def _error(messages: dict, code: str, field: str | None = None, **params) -> ValidationError:
    error = ValidationError(messages[code], code=code, params=params or None)
    return ValidationError({field: error}) if field else error


def _member_ids(*organization_ids) -> list[int]:
    return list(Membership.objects.filter(organization_id__in=[o for o in organization_ids if o]).values_list("user_id", flat=True))


def _local(dt) -> str:
    return formats.date_format(timezone.localtime(dt), "Y-m-d H:i")


# ---------------------------------------------------------------------------------------------
# Complaints


def _street_office(project: Project) -> Organization | None:
    return Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE, street_id=project.estate.community.street_id).first()


def complaint_route(*, project: Project, category: str) -> tuple[str, Organization | None, int | None]:
    """(route, the answering organization, the supervisor's organization id) for a new complaint.
    Where the category's route goes today is selectors.effective_routes (one rule, also shown on
    the form): works problems go to the street office while no contractor is awarded, a community
    without a committee in the portal sends its complaints to the street office too."""
    route = selectors.effective_routes(project)[ROUTES[category]]
    if route == Complaint.Route.WORKS:
        current = dict(Award.objects.filter(project=project, ended_at__isnull=True).values_list("role", "organization_id"))
        return route, Organization.objects.get(pk=current[Award.Role.CONTRACTOR]), current.get(Award.Role.SUPERVISOR)
    if route == Complaint.Route.COMMUNITY:
        committee = Organization.objects.filter(
            kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id=project.estate.community_id
        ).first()
        return route, committee, None
    return Complaint.Route.STREET, _street_office(project), None


@by_actor
@transaction.atomic
def complaint_file(
    *, project: Project, actor: User, category: str, text: str, location: str = "", building=None, photos=(),
    latitude=None, longitude=None, media_url: str = "",
) -> Complaint:
    """A resident's complaint, routed by its category, with deadlines from the settings; the
    answering organization is notified."""
    if not permissions.can_file_complaint(actor, project):
        raise PermissionDenied(ERRORS["cannot_file"])
    text = (text or "").strip()
    if not text:
        raise _error(ERRORS, "text_required", "text")
    photos = list(photos or [])
    if len(photos) > settings.COMPLAINT_PHOTOS_MAX:
        raise _error(ERRORS, "too_many_photos", "photos", max=settings.COMPLAINT_PHOTOS_MAX)
    if building is not None and building.estate_id != project.estate_id:
        raise _error(ERRORS, "wrong_building", "building")
    route, agency, supervisor_id = complaint_route(project=project, category=category)
    if agency is None:
        raise _error(ERRORS, "no_agency")
    processed = process_photos(photos)
    now = timezone.now()
    complaint = Complaint(
        project=project, filed_by=actor.resident, category=category, route=route, agency=agency, text=text,
        location=(location or "").strip(), building=building, filed_at=now,
        latitude=latitude, longitude=longitude, media_url=(media_url or "").strip(),
        acknowledge_due=now + timedelta(hours=settings.COMPLAINT_ACK_HOURS),
        resolve_due=now + timedelta(days=settings.COMPLAINT_RESOLVE_DAYS),
    )
    complaint.full_clean()
    complaint.save()
    for photo in processed:
        store_photo(ComplaintPhoto(complaint=complaint), photo)
    ComplaintUpdate.objects.create(complaint=complaint, author=actor, to_status=complaint.status)
    notify(
        users=_member_ids(agency.pk, supervisor_id), kind=Notification.Kind.COMPLAINT_FILED, url=complaint.get_absolute_url(),
        estate=project.estate.name, number=complaint.pk, category=category, due=_local(complaint.acknowledge_due),
    )
    project_touch(project=project)
    return complaint


def _acting_organization(actor: User, complaint: Complaint) -> Organization | None:
    """The organization the actor answers for: the routed one if they belong to it, else the
    first of theirs that may answer (supervisor, street office, committee)."""
    orgs = [m.organization for m in people.memberships(actor)]
    for org in orgs:
        if org.pk == complaint.agency_id:
            return org
    estate = complaint.project.estate
    for org in orgs:
        if (
            org.kind == Organization.Kind.SUPERVISOR
            or (org.kind == Organization.Kind.STREET_OFFICE and org.street_id == estate.community.street_id)
            or (org.kind == Organization.Kind.COMMUNITY_COMMITTEE and org.community_id == estate.community_id)
        ):
            return org
    return None


def _responder_ids(complaint: Complaint) -> list[int]:
    """Who hears from the filer: the routed organization (and the supervisor for works problems),
    and the street office once the complaint is escalated or if it is routed there."""
    ids = [complaint.agency_id]
    if complaint.route == Complaint.Route.WORKS:
        ids += list(Award.objects.filter(
            project_id=complaint.project_id, role=Award.Role.SUPERVISOR, ended_at__isnull=True
        ).values_list("organization_id", flat=True))
    if complaint.escalated_at is not None or complaint.route == Complaint.Route.STREET:
        office = _street_office(complaint.project)
        ids.append(office.pk if office else None)
    return _member_ids(*ids)


def _tell(complaint: Complaint, actor: User | None) -> None:
    """The filer hears of everything others do; the responders hear of what the filer does."""
    params = {"estate": complaint.project.estate.name, "category": complaint.category, "status": complaint.status,
              "number": complaint.pk}
    filer_user = complaint.filed_by.user_id
    if actor is None or actor.pk != filer_user:
        notify(users=[filer_user], kind=Notification.Kind.COMPLAINT_UPDATED, url=complaint.get_absolute_url(), **params)
    else:
        notify(users=_responder_ids(complaint), kind=Notification.Kind.COMPLAINT_REPLY, url=complaint.get_absolute_url(), **params)


def _locked(complaint: Complaint, expected: str) -> Complaint:
    locked = Complaint.objects.select_for_update(of=("self",)).select_related(
        "project__estate__community", "filed_by"
    ).get(pk=complaint.pk)
    if locked.status != expected:
        # Two people clicked at once: the first wins, the second is told what happened.
        raise _error(ERRORS, "status_changed", now=locked.get_status_display())
    return locked


@by_actor
@transaction.atomic
def complaint_transition(
    *, complaint: Complaint, to: str, actor: User | None, note: str = "", by_service: bool = False, now=None,
) -> Complaint:
    """Move `complaint` (as the caller last saw it) to `to`, with a message on its history.
    `by_service` is the sweep closing a resolved complaint after the reopening window."""
    now = now or timezone.now()
    expected = complaint.status
    by = TRANSITIONS.get((expected, to))
    if by is None:
        raise _error(ERRORS, "bad_transition", **{"from": Complaint.Status(expected).label, "to": Complaint.Status(to).label})
    if by_service:
        if (expected, to) != (Complaint.Status.RESOLVED, Complaint.Status.CLOSED):
            raise PermissionDenied(ERRORS["not_allowed"])
    elif actor is None or not permissions.can_transition_complaint(actor, complaint, to, now):
        if by is By.FILER and actor is not None and permissions.is_filer(actor, complaint):
            raise _error(ERRORS, "reopen_window", days=settings.COMPLAINT_REOPEN_DAYS)
        raise PermissionDenied(ERRORS["not_allowed"])
    note = (note or "").strip()
    if (expected, to) in NOTE_REQUIRED and not note:
        raise _error(ERRORS, "note_required", "note")
    locked = _locked(complaint, expected)
    S = Complaint.Status
    changed = ["status"]
    locked.status = to
    if to in (S.ACKNOWLEDGED, S.IN_PROGRESS) and locked.acknowledged_at is None:
        locked.acknowledged_at = now
        changed.append("acknowledged_at")
    if to == S.RESOLVED:
        locked.resolved_at = now
        changed.append("resolved_at")
    if to == S.CLOSED:
        locked.closed_at = now
        changed.append("closed_at")
    if expected == S.RESOLVED and to == S.IN_PROGRESS:  # reopened: a fresh deadline to resolve
        locked.reopened += 1
        locked.resolved_at = None
        locked.resolve_due = now + timedelta(days=settings.COMPLAINT_RESOLVE_DAYS)
        changed += ["reopened", "resolved_at", "resolve_due"]
    locked.save(update_fields=changed)
    ComplaintUpdate.objects.create(
        complaint=locked, author=actor, organization=_acting_organization(actor, locked) if actor else None,
        from_status=expected, to_status=to, text=note,
    )
    _tell(locked, actor)
    project_touch(project=locked.project)
    return locked


@by_actor
@transaction.atomic
def complaint_message(*, complaint: Complaint, actor: User, text: str) -> ComplaintUpdate:
    """A message on the complaint without changing its status (a question, a date for a visit)."""
    if not permissions.can_message_complaint(actor, complaint):
        raise PermissionDenied(ERRORS["not_allowed"])
    text = (text or "").strip()
    if not text:
        raise _error(ERRORS, "message_required", "text")
    update = ComplaintUpdate.objects.create(
        complaint=complaint, author=actor, organization=_acting_organization(actor, complaint), text=text,
    )
    _tell(complaint, actor)
    return update


def complaints_escalate_overdue(*, now=None) -> list[int]:
    """Escalate each complaint past a deadline to the street office — once: under the row lock only
    the first run (of two concurrent ones too) finds `escalated_at` empty."""
    now = now or timezone.now()
    escalated = []
    due = Complaint.objects.overdue(now).filter(escalated_at__isnull=True).select_related("project__estate__community", "filed_by")
    for complaint in due.order_by("id"):
        S = Complaint.Status
        reason = (
            Complaint.Escalation.ACKNOWLEDGE
            if complaint.status == S.SUBMITTED and complaint.acknowledge_due < now
            else Complaint.Escalation.RESOLVE
        )
        with transaction.atomic():
            # The row lock makes it once even when two sweeps run at the same time; save() (not
            # update()) so the audit trail records it.
            locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
            if locked.escalated_at is not None:
                continue
            locked.escalated_at, locked.escalation = now, reason
            locked.save(update_fields=["escalated_at", "escalation"])
            complaint.escalated_at, complaint.escalation = now, reason
            with translation.override(settings.LANGUAGE_CODE):
                note = str(_("Escalated to the street office: %(reason)s.") % {"reason": Complaint.Escalation(reason).label})
            ComplaintUpdate.objects.create(complaint=complaint, author=None, text=note)
            office = _street_office(complaint.project)
            notify(
                users=_member_ids(office.pk if office else None), kind=Notification.Kind.COMPLAINT_ESCALATED,
                url=complaint.get_absolute_url(), estate=complaint.project.estate.name, reason=reason,
                key=f"complaint{complaint.pk}:escalated",
            )
            _tell(complaint, None)
            project_touch(project=complaint.project)
        escalated.append(complaint.pk)
    return escalated


def complaints_close_resolved(*, now=None) -> list[int]:
    """Close resolved complaints whose reopening window has passed (the filer did not object)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMPLAINT_REOPEN_DAYS)
    closed = []
    due = Complaint.objects.filter(status=Complaint.Status.RESOLVED, resolved_at__lt=cutoff).select_related("project__estate", "filed_by")
    for complaint in due.order_by("id"):
        try:
            complaint_transition(complaint=complaint, to=Complaint.Status.CLOSED, actor=None, by_service=True, now=now)
        except ValidationError:  # reopened or closed a moment ago
            continue
        closed.append(complaint.pk)
    return closed


# ---------------------------------------------------------------------------------------------
# Satisfaction surveys


def _new_nonce() -> str:
    return secrets.token_hex(8)


@transaction.atomic
def survey_open(*, project: Project, kind: str, now=None) -> Survey:
    """Open the `kind` survey of `project` with one invitation per household of the estate.
    Idempotent: the unique constraints (one survey per kind, one invitation per household) make a
    second run — or two concurrent ones — add nothing."""
    now = now or timezone.now()
    survey = Survey.objects.filter(project=project, kind=kind).first()
    if survey is None:
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    project=project, kind=kind, opened_at=now,
                    remind_at=now + timedelta(days=settings.SURVEY_REMIND_DAYS),
                    closes_at=now + timedelta(days=settings.SURVEY_CLOSE_DAYS),
                )
        except IntegrityError:
            survey = Survey.objects.get(project=project, kind=kind)
    invited = set(Invitation.objects.filter(survey=survey).values_list("household_id", flat=True))
    households = Household.objects.filter(building__estate_id=project.estate_id).order_by("pk").values_list("pk", flat=True)
    Invitation.objects.bulk_create(
        [Invitation(survey=survey, household_id=pk, nonce=_new_nonce()) for pk in households if pk not in invited],
        batch_size=2000, ignore_conflicts=True,
    )
    survey.households = Invitation.objects.filter(survey=survey).count()
    survey.save(update_fields=["households"])
    project_touch(project=project)
    return survey


def surveys_due(*, now=None) -> list[tuple[Project, str]]:
    """Projects completed SURVEY_AFTER_DAYS (or SURVEY_FOLLOW_UP_DAYS) ago without that survey."""
    today = timezone.localdate(now or timezone.now())
    done = Project.objects.filter(status__in=[Project.Status.COMPLETED, Project.Status.MAINTAINED], completed_on__isnull=False)
    due = []
    for kind, days in ((Survey.Kind.COMPLETION, settings.SURVEY_AFTER_DAYS), (Survey.Kind.FOLLOW_UP, settings.SURVEY_FOLLOW_UP_DAYS)):
        qs = done.filter(completed_on__lte=today - timedelta(days=days)).exclude(surveys__kind=kind)
        due += [(project, kind) for project in qs.select_related("estate").order_by("id")]
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
    for project, kind in surveys_due(now=now):
        survey = survey_open(project=project, kind=kind, now=now)  # committed: its batch tasks find the rows
        plan.opened.append(survey.pk)
        unsent = list(survey.invitations.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True))
        add([(survey.pk, INVITE, a, b) for a, b in _chunks(unsent, size)])
        planned.add(survey.pk)  # a new survey has nothing to remind yet
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__lte=now).select_related("project"):
        survey_close(survey=survey, now=now)
        plan.closed.append(survey.pk)
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__gt=now).exclude(pk__in=planned).order_by("id"):
        unsent = list(survey.invitations.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True))
        add([(survey.pk, INVITE, a, b) for a, b in _chunks(unsent, size)])
        if now >= survey.remind_at:
            unreminded = list(
                survey.invitations.filter(
                    delivery=Invitation.Delivery.MESSAGE, reminded_at__isnull=True, response__isnull=True
                ).order_by("pk").values_list("pk", flat=True)
            )
            add([(survey.pk, REMIND, a, b) for a, b in _chunks(unreminded, size)])
    return plan


def batch_id(survey_id: int, kind: str, first_id: int, last_id: int) -> uuid.UUID:
    """The same batch always has the same id, so a re-delivered task finds its own messages."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"portal:survey:{survey_id}:{kind}:{first_id}-{last_id}")


def answer_path(invitation: Invitation) -> str:
    return reverse("feedback:answer", args=[invitation.pk, tokens.make_token(invitation)])


def voting_owner_users(household_ids) -> dict[int, int]:
    """household id → the user id of its verified voting owner (households without one: absent)."""
    return dict(
        Ownership.objects.filter(household_id__in=list(household_ids), is_voting_owner=True)
        .values_list("household_id", "resident__user_id")
    )


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
    params = {"estate": survey.project.estate.name, "closes": formats.date_format(timezone.localtime(survey.closes_at), "Y-m-d")}
    notices = [
        Notice(
            user_id=owners[r.household_id], kind=notice_kind, params=params,
            url=reverse("feedback:my_invitation", args=[r.pk]), external_url=answer_path(r),
            key=f"survey{survey.pk}:{kind}:{r.pk}",
        )
        for r in rows if r.household_id in owners
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
    return locked


# --- answers -------------------------------------------------------------------------------------


def _clean_answers(answers: dict) -> dict[str, int]:
    cleaned, errors = {}, {}
    for question in Response.QUESTIONS:
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


def _store_response(*, invitation: Invitation, answers: dict, text: str, channel: str, entered_by: User | None, now=None) -> Response:
    locked = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if not permissions.survey_accepts_answers(locked.survey, now):
        raise _error(SURVEY_ERRORS, "closed")
    if Response.objects.filter(invitation=locked).exists():
        raise _error(SURVEY_ERRORS, "already_answered")
    response = Response(
        invitation=locked, survey=locked.survey, text=(text or "").strip(), channel=channel, entered_by=entered_by,
        **_clean_answers(answers),
    )
    response.full_clean(exclude=["invitation"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # the same household's answer sent twice at once
        raise _error(SURVEY_ERRORS, "already_answered") from None
    return response


def invitation_by_token(*, invitation_id: int, token: str) -> Invitation:
    """The invitation a survey link opens; ValidationError coded forged/expired otherwise."""
    try:
        nonce = tokens.read_token(token, invitation_id=invitation_id)
    except tokens.BadToken as bad:
        raise _error(SURVEY_ERRORS, bad.code) from None
    invitation = Invitation.objects.select_related("survey__project__estate").filter(pk=invitation_id).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        raise _error(SURVEY_ERRORS, "forged")
    return invitation


@by_actor
@transaction.atomic
def response_submit_by_link(*, invitation_id: int, token: str, answers: dict, text: str = "", actor: User | None = None, now=None) -> Response:
    invitation = invitation_by_token(invitation_id=invitation_id, token=token)
    user = actor if actor is not None and actor.is_authenticated else None
    return _store_response(invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=user, now=now)


@by_actor
@transaction.atomic
def response_submit_as_owner(*, invitation: Invitation, actor: User, answers: dict, text: str = "", now=None) -> Response:
    owner = voting_owner_users([invitation.household_id]).get(invitation.household_id)
    answered = Response.objects.filter(invitation=invitation).exists()
    if not permissions.can_answer_as_owner(actor, invitation, answered=answered, voting_owner_user_id=owner, now=now):
        if answered:
            raise _error(SURVEY_ERRORS, "already_answered")
        if owner == actor.pk:
            raise _error(SURVEY_ERRORS, "closed")
        raise PermissionDenied(SURVEY_ERRORS["not_allowed"])
    return _store_response(invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=actor, now=now)


@by_actor
@transaction.atomic
def response_record_paper(*, invitation: Invitation, actor: User, answers: dict, text: str = "", now=None) -> Response:
    """Community staff enter a household's signed paper answer — once (the household's only answer)."""
    if not permissions.can_record_paper_response(actor, invitation.survey, now):
        raise PermissionDenied(SURVEY_ERRORS["not_allowed"])
    return _store_response(invitation=invitation, answers=answers, text=text, channel=Response.Channel.PAPER, entered_by=actor, now=now)


# --- contractor ratings ------------------------------------------------------------------------------


def _average(total, n) -> Decimal | None:
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.01")) if n else None


def contractor_ratings_recompute() -> dict[int, Decimal | None]:
    """Each contractor's rating over all closed surveys (with at least SURVEY_MIN_RESPONSES answers,
    the privacy threshold) of the projects it built, weighted by answers, written onto its
    Organization (stakeholders), where the award picker reads it."""
    eligible = (
        Survey.objects.filter(status=Survey.Status.CLOSED).annotate(n=Count("responses"))
        .filter(n__gte=settings.SURVEY_MIN_RESPONSES).values("pk")
    )
    builder_of = dict(
        Award.objects.filter(role=Award.Role.CONTRACTOR, ended_at__isnull=True).values_list("project_id", "organization_id")
    )
    figures: dict[int, dict] = {}
    rows = (
        Response.objects.filter(survey__in=eligible).values("survey__project_id")
        .annotate(n=Count("id"), **{q: Sum(q) for q in Response.QUESTIONS})
    )
    for row in rows:
        org = builder_of.get(row["survey__project_id"])
        if org is None:
            continue
        f = figures.setdefault(org, {"n": 0, "projects": set(), **{q: 0 for q in Response.QUESTIONS}})
        f["n"] += row["n"]
        f["projects"].add(row["survey__project_id"])
        for q in Response.QUESTIONS:
            f[q] += row[q]
    result = {}
    for org in Organization.objects.filter(kind=Organization.Kind.CONTRACTOR).values_list("pk", flat=True):
        f = figures.get(org)
        if f is None:
            organization_set_rating(organization_id=org, overall=None, responses=0, projects=0, details={})
            result[org] = None
            continue
        details = {q: str(_average(f[q], f["n"])) for q in Response.QUESTIONS}
        overall = _average(f["overall"], f["n"])
        organization_set_rating(organization_id=org, overall=overall, responses=f["n"], projects=len(f["projects"]), details=details)
        result[org] = overall
    return result
