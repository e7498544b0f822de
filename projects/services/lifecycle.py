"""Creating a project and moving it through its lifecycle (projects/lifecycle.py's table): each status
change is one call of `project_transition`, which checks permissions.py (or is called by another
service), locks the row and records a ProjectEvent."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.audit import by_actor
from stakeholders.models import Estate, Notification, Organization, User
from stakeholders.services import notify, organization_grant

from .. import permissions
from ..lifecycle import NOTE_REQUIRED, TRANSITIONS, By
from ..models import (
    Project,
    ProjectEvent,
    Sponsorship,
)
from ..revision import project_touch

ERRORS = {
    "not_allowed": _("You may not change this project's status."),
    "bad_transition": _("A project cannot go from “%(from)s” to “%(to)s”."),
    "status_changed": _(
        "Someone changed this project's status a moment ago (it is now “%(now)s”). Reload the page and check."
    ),
    "note_required": _("Give a reason: residents will see it on the project's timeline."),
    "no_street_office": _("The estate's street has no street office in the portal yet; add it first."),
}

STREET_OFFICE_PERMS = ("projects.view_project", "projects.change_project")


def _code_for(estate: Estate) -> str:
    base = f"{estate.code}-{timezone.localdate().year}"
    taken = set(Project.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _save_with_fresh_code(build, attempts: int = 5):
    """Save a new object whose public code is derived from what exists (…-2, …-v3). Two saves at
    the same moment may derive the same code; the unique constraint refuses the second, which
    then derives the next code instead of failing."""
    for attempt in range(attempts):
        obj = build()
        obj.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                obj.save()
            return obj
        except IntegrityError:
            if attempt == attempts - 1:
                raise


@by_actor
@transaction.atomic
def project_create(
    *, estate: Estate, title: str, actor: User | None, kind: str = "renovation", building=None, entrance: str = ""
) -> Project:
    """A project in `petitioning`; the estate's street office gets its object permissions. An
    elevator project (`kind="elevator"`) names its building and entrance."""
    office = Organization.objects.filter(
        kind=Organization.Kind.STREET_OFFICE, street_id=estate.community.street_id
    ).first()
    if office is None:
        raise ValidationError(ERRORS["no_street_office"], code="no_street_office")
    project = _save_with_fresh_code(
        lambda: Project(
            estate=estate,
            title=title.strip(),
            code=_code_for(estate),
            kind=kind,
            building=building,
            entrance=entrance,
        )
    )
    for perm in STREET_OFFICE_PERMS:
        organization_grant(organization=office, perm=perm, obj=project)
    ProjectEvent.objects.create(project=project, actor=actor, from_status="", to_status=project.status)
    return project


@by_actor
@transaction.atomic
def project_transition(
    *, project: Project, to: str, actor: User | None, note: str = "", by_service: bool = False
) -> Project:
    """Move `project` (as the caller last saw it) to `to`.

    `by_service=True` is for other services (a vote's result, a budget approval, …) that have
    checked their own permission; by hand only the transitions of permissions.can_transition.
    """
    expected = project.status
    by = TRANSITIONS.get((expected, to))
    if by is None:
        raise ValidationError(
            ERRORS["bad_transition"],
            code="bad_transition",
            params={"from": Project.Status(expected).label, "to": Project.Status(to).label},
        )
    if by_service:
        if by is not By.SERVICE:
            raise PermissionDenied(ERRORS["not_allowed"])
    elif actor is None or not permissions.can_transition(actor, project, to):
        raise PermissionDenied(ERRORS["not_allowed"])
    note = (note or "").strip()
    if (expected, to) in NOTE_REQUIRED and not note:
        raise ValidationError({"note": ValidationError(ERRORS["note_required"], code="note_required")})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status != expected:
        # Two approvers clicked at once: the first wins, the second is told what happened.
        raise ValidationError(
            ERRORS["status_changed"], code="status_changed", params={"now": locked.get_status_display()}
        )
    locked.status = to
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    ProjectEvent.objects.create(project=locked, actor=actor, from_status=expected, to_status=to, note=note)
    project_touch(project=locked)
    if expected == Project.Status.SUBMITTED:
        _notify_sponsors(locked, decision="accepted" if to == Project.Status.ACCEPTED else "rejected")
    return locked


def _notify_sponsors(project: Project, *, decision: str) -> None:
    users = Sponsorship.objects.filter(petition__project=project, status=Sponsorship.Status.CONFIRMED).values_list(
        "resident__user_id", flat=True
    )
    notify(
        users=users,
        kind=Notification.Kind.PETITION_DECIDED,
        url=project.get_absolute_url(),
        estate=project.estate.name,
        decision=decision,
    )
