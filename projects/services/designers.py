"""Designers and community planners at the table (issue 18, item 9): the street office assigns a
designer (设计单位) or community planner (社区规划师) to a project's plan; its staff attach drawings
with explanations to plan versions (public with the version) and answer comments on them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from stakeholders import permissions as stakeholder_permissions
from stakeholders.audit import by_actor
from stakeholders.models import Organization, User

from .. import permissions
from ..models import PlanDesigner, PlanDrawing, PlanVersion, Project

DESIGN_KINDS = (Organization.Kind.DESIGNER, Organization.Kind.COMMUNITY_PLANNER)
DESIGN_ERRORS = {
    "not_allowed": _("The street office assigns designers while the plan is made."),
    "wrong_kind": _("Choose a designer (设计单位) or a community planner (社区规划师)."),
    "already_assigned": _("%(name)s is already at the table of this project."),
    "drawing_not_allowed": _("The project's designers attach drawings to a version being drafted or open for comment."),
    "title_required": _("Give the drawing a title."),
    "file_required": _("Upload the drawing (PDF, JPEG or PNG)."),
}
_error = errors_for(DESIGN_ERRORS)


@by_actor
@transaction.atomic
def plan_designer_assign(*, project: Project, actor: User, organization: Organization) -> PlanDesigner:
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_assign_designer(actor, locked):
        raise PermissionDenied(DESIGN_ERRORS["not_allowed"])
    if organization.kind not in DESIGN_KINDS or not organization.is_active:
        raise _error("wrong_kind", "organization")
    try:
        with transaction.atomic():
            return PlanDesigner.objects.create(project=locked, organization=organization, assigned_by=actor)
    except IntegrityError:
        raise _error("already_assigned", "organization", name=organization.name) from None


@by_actor
@transaction.atomic
def plan_drawing_add(*, version: PlanVersion, actor: User, title: str, explanation: str, file) -> PlanDrawing:
    locked = PlanVersion.objects.select_for_update(of=("self",)).select_related("project__estate").get(pk=version.pk)
    if not permissions.can_attach_drawing(actor, locked):
        raise PermissionDenied(DESIGN_ERRORS["drawing_not_allowed"])
    title = (title or "").strip()
    if not title:
        raise _error("title_required", "title")
    if not file:
        raise _error("file_required", "file")
    try:
        checked = check_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None
    mine = {m.organization_id for m in stakeholder_permissions.memberships(actor)}
    assignment = PlanDesigner.objects.filter(project=locked.project, organization_id__in=mine).first()
    drawing = PlanDrawing(
        version=locked,
        title=title[:200],
        explanation=(explanation or "").strip()[:3000],
        file_type=checked.content_type,
        organization_id=assignment.organization_id,
        uploaded_by=actor,
    )
    drawing.file.save("drawing", document_without_metadata(file, checked.content_type), save=False)
    drawing.save()
    return drawing
