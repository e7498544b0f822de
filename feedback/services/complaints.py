"""Complaints (投诉): routing, filing, answering, messages, escalation of overdue ones, closing resolved
ones."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import coded_error
from core.photos import process_photos, store_photo
from projects import after_build
from projects.models import Award, PlanItem, PlanVersion, Project
from projects.revision import project_touch
from stakeholders import permissions as stakeholder_permissions
from stakeholders.audit import by_actor
from stakeholders.models import Notification, Organization, User
from stakeholders.services import notify

from .. import permissions, selectors
from ..lifecycle import CONFIDENTIAL_CATEGORIES, NOTE_REQUIRED, ROUTES, TRANSITIONS, By, overdue_q
from ..models import Complaint, ComplaintPhoto, ComplaintUpdate
from .common import _local, _member_ids

ERRORS = {
    "not_allowed": _("You may not do this with this complaint."),
    "cannot_file": _("Only residents with a household in this estate can file a complaint about its renovation."),
    "text_required": _("Say what is wrong, so the people who answer know what to look at."),
    "neighbour_site_only": _(
        "As a neighbour of the works you may report what the site does around it: noise, dust, construction "
        "waste. Everything else is reported by the estate's residents."
    ),
    "use_integrity_channel": _(
        "Misuse of the money and misconduct go to the discipline-inspection office, not the street office: report "
        "them at /feedback/integrity/new/ (anonymously if you wish)."
    ),
    "too_many_photos": _("Attach at most %(max)s photos."),
    "wrong_building": _("Choose a building of this estate."),
    "no_agency": _("No organization in the portal can answer this complaint yet. Please tell the community committee."),
    "bad_transition": _("A complaint cannot go from “%(from)s” to “%(to)s”."),
    "status_changed": _("The complaint changed a moment ago (it is now “%(now)s”). Reload the page and check."),
    "note_required": _("Write a message: say what was done, or why you reopen it. The other side reads it."),
    "reopen_window": _(
        "It can no longer be reopened (%(days)s days have passed since it was resolved). File a new complaint instead."
    ),
    "message_required": _("Write a message."),
    "item_not_in_plan": _("Choose an item of this project's adopted plan."),
}


# Complaints


def _street_office(project: Project) -> Organization | None:
    return Organization.objects.filter(
        kind=Organization.Kind.STREET_OFFICE, street_id=project.estate.community.street_id
    ).first()


def complaint_route(*, project: Project, category: str) -> tuple[str, Organization | None, int | None]:
    """(route, the answering organization, the supervisor's organization id) for a new complaint.
    Where the category's route goes today is selectors.effective_routes (one rule, also shown on
    the form): works problems go to the street office while no contractor is awarded, a community
    without a committee in the portal sends its complaints to the street office too."""
    route = selectors.effective_routes(project)[ROUTES[category]]
    if route == Complaint.Route.WORKS:
        current = dict(
            Award.objects.filter(project=project, ended_at__isnull=True).values_list("role", "organization_id")
        )
        return route, Organization.objects.get(pk=current[Award.Role.CONTRACTOR]), current.get(Award.Role.SUPERVISOR)
    if route == Complaint.Route.COMMUNITY:
        committee = Organization.objects.filter(
            kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id=project.estate.community_id
        ).first()
        return route, committee, None
    return Complaint.Route.STREET, _street_office(project), None


def warranty_route(*, project: Project, category: str, plan_item: PlanItem, today=None):
    """After acceptance, a works complaint about a renovated item: inside the item's warranty to
    the contractor (with the warranty's last day), after it to whoever maintains the item — its
    utility or the managing firm on the portal, else the community committee. None where this does
    not apply (before acceptance; money and integrity tips keep their confidential route)."""
    until = after_build.warranty_end(project.completed_on, plan_item.warranty_months)
    if until is None or ROUTES[category] != Complaint.Route.WORKS:
        return None
    today = today or timezone.localdate()
    if today <= until:
        route, agency, supervisor_id = complaint_route(project=project, category=category)
        return route, agency, supervisor_id, until
    maintainer = after_build.maintainer_organization(plan_item)
    if maintainer is not None:
        return Complaint.Route.MAINTAINER, maintainer, None, None
    route, agency, _supervisor = complaint_route(project=project, category=Complaint.Category.OTHER)
    return route, agency, None, None


@by_actor
@transaction.atomic
def complaint_file(
    *,
    project: Project,
    actor: User,
    category: str,
    text: str,
    location: str = "",
    building=None,
    photos=(),
    latitude=None,
    longitude=None,
    media_url: str = "",
    plan_item: PlanItem | None = None,
) -> Complaint:
    """A resident's complaint, routed by its category, with deadlines from the settings; the
    answering organization is notified."""
    if not permissions.can_file_complaint(actor, project):
        raise PermissionDenied(ERRORS["cannot_file"])
    if category in CONFIDENTIAL_CATEGORIES:  # issue 21 item 3: never to the office they may concern
        raise coded_error(ERRORS, "use_integrity_channel", "category")
    if category in Complaint.Category.values and category not in permissions.complaint_categories_for(actor, project):
        raise coded_error(ERRORS, "neighbour_site_only", "category")  # a neighbour: what the site does
    text = (text or "").strip()
    if not text:
        raise coded_error(ERRORS, "text_required", "text")
    photos = list(photos or [])
    if len(photos) > settings.COMPLAINT_PHOTOS_MAX:
        raise coded_error(ERRORS, "too_many_photos", "photos", max=settings.COMPLAINT_PHOTOS_MAX)
    if building is not None and building.estate_id != project.estate_id:
        raise coded_error(ERRORS, "wrong_building", "building")
    if (
        plan_item is not None
        and not PlanItem.objects.filter(
            pk=plan_item.pk, version__project=project, version__status=PlanVersion.Status.ADOPTED
        ).exists()
    ):
        raise coded_error(ERRORS, "item_not_in_plan", "plan_item")
    routed = warranty_route(project=project, category=category, plan_item=plan_item) if plan_item else None
    route, agency, supervisor_id, warranty_until = routed or (
        *complaint_route(project=project, category=category),
        None,
    )
    if agency is None:
        raise coded_error(ERRORS, "no_agency")
    processed = process_photos(photos)
    now = timezone.now()
    complaint = Complaint(
        project=project,
        filed_by=actor.resident,
        category=category,
        route=route,
        agency=agency,
        text=text,
        location=(location or "").strip(),
        building=building,
        plan_item=plan_item,
        warranty_until=warranty_until,
        filed_at=now,
        latitude=latitude,
        longitude=longitude,
        media_url=(media_url or "").strip(),
        acknowledge_due=now + timedelta(hours=settings.COMPLAINT_ACK_HOURS),
        resolve_due=now + timedelta(days=settings.COMPLAINT_RESOLVE_DAYS),
    )
    complaint.full_clean()
    complaint.save()
    for photo in processed:
        store_photo(ComplaintPhoto(complaint=complaint), photo)
    ComplaintUpdate.objects.create(complaint=complaint, author=actor, to_status=complaint.status)
    notify(
        users=_member_ids(agency.pk, supervisor_id),
        kind=Notification.Kind.COMPLAINT_FILED,
        url=complaint.get_absolute_url(),
        estate=project.estate.name,
        number=complaint.pk,
        category=category,
        due=_local(complaint.acknowledge_due),
    )
    project_touch(project=project)
    return complaint


def _acting_organization(actor: User, complaint: Complaint) -> Organization | None:
    """The organization the actor answers for: the routed one if they belong to it, else the
    first of theirs that may answer (supervisor, street office, committee)."""
    orgs = [m.organization for m in stakeholder_permissions.memberships(actor)]
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
        ids += list(
            Award.objects.filter(
                project_id=complaint.project_id, role=Award.Role.SUPERVISOR, ended_at__isnull=True
            ).values_list("organization_id", flat=True)
        )
    if complaint.escalated_at is not None or complaint.route == Complaint.Route.STREET:
        office = _street_office(complaint.project)
        ids.append(office.pk if office else None)
    return _member_ids(*ids)


def _tell(complaint: Complaint, actor: User | None) -> None:
    """The filer hears of everything others do; the responders hear of what the filer does."""
    params = {
        "estate": complaint.project.estate.name,
        "category": complaint.category,
        "status": complaint.status,
        "number": complaint.pk,
    }
    filer_user = complaint.filed_by.user_id
    if actor is None or actor.pk != filer_user:
        notify(users=[filer_user], kind=Notification.Kind.COMPLAINT_UPDATED, url=complaint.get_absolute_url(), **params)
    else:
        notify(
            users=_responder_ids(complaint),
            kind=Notification.Kind.COMPLAINT_REPLY,
            url=complaint.get_absolute_url(),
            **params,
        )


def _locked(complaint: Complaint, expected: str) -> Complaint:
    locked = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("project__estate__community", "filed_by")
        .get(pk=complaint.pk)
    )
    if locked.status != expected:
        # Two people clicked at once: the first wins, the second is told what happened.
        raise coded_error(ERRORS, "status_changed", now=locked.get_status_display())
    return locked


@by_actor
@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    actor: User | None,
    note: str = "",
    by_service: bool = False,
    now=None,
) -> Complaint:
    """Move `complaint` (as the caller last saw it) to `to`, with a message on its history.
    `by_service` is the sweep closing a resolved complaint after the reopening window."""
    now = now or timezone.now()
    expected = complaint.status
    by = TRANSITIONS.get((expected, to))
    if by is None:
        raise coded_error(
            ERRORS, "bad_transition", **{"from": Complaint.Status(expected).label, "to": Complaint.Status(to).label}
        )
    if by_service:
        if (expected, to) != (Complaint.Status.RESOLVED, Complaint.Status.CLOSED):
            raise PermissionDenied(ERRORS["not_allowed"])
    elif actor is None or not permissions.can_transition_complaint(actor, complaint, to, now):
        if by is By.FILER and actor is not None and permissions.is_filer(actor, complaint):
            raise coded_error(ERRORS, "reopen_window", days=settings.COMPLAINT_REOPEN_DAYS)
        raise PermissionDenied(ERRORS["not_allowed"])
    note = (note or "").strip()
    if (expected, to) in NOTE_REQUIRED and not note:
        raise coded_error(ERRORS, "note_required", "note")
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
        complaint=locked,
        author=actor,
        organization=_acting_organization(actor, locked) if actor else None,
        from_status=expected,
        to_status=to,
        text=note,
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
        raise coded_error(ERRORS, "message_required", "text")
    update = ComplaintUpdate.objects.create(
        complaint=complaint,
        author=actor,
        organization=_acting_organization(actor, complaint),
        text=text,
    )
    _tell(complaint, actor)
    return update


def complaints_escalate_overdue(*, now=None) -> list[int]:
    """Escalate each complaint past a deadline to the street office — once: under the row lock only
    the first run (of two concurrent ones too) finds `escalated_at` empty."""
    now = now or timezone.now()
    escalated = []
    due = Complaint.objects.filter(overdue_q(now), escalated_at__isnull=True).select_related(
        "project__estate__community", "filed_by"
    )
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
                note = str(
                    _("Escalated to the street office: %(reason)s.") % {"reason": Complaint.Escalation(reason).label}
                )
            ComplaintUpdate.objects.create(complaint=complaint, author=None, text=note)
            office = _street_office(complaint.project)
            notify(
                users=_member_ids(office.pk if office else None),
                kind=Notification.Kind.COMPLAINT_ESCALATED,
                url=complaint.get_absolute_url(),
                estate=complaint.project.estate.name,
                reason=reason,
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
    due = Complaint.objects.filter(status=Complaint.Status.RESOLVED, resolved_at__lt=cutoff).select_related(
        "project__estate", "filed_by"
    )
    for complaint in due.order_by("id"):
        try:
            complaint_transition(complaint=complaint, to=Complaint.Status.CLOSED, actor=None, by_service=True, now=now)
        except ValidationError:  # reopened or closed a moment ago
            continue
        closed.append(complaint.pk)
    return closed
