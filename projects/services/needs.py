"""Needs (点单): filing, supporting and triaging what residents ask for."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.photos import process_photos
from stakeholders.audit import by_actor
from stakeholders.models import Notification, User
from stakeholders.services import notify
from stakeholders.site_plans import site_plan_of

from .. import permissions
from ..models import (
    CatalogItem,
    Need,
    NeedSupport,
    PlanItem,
    Project,
)

NEED_ERRORS = {
    "cannot_file": _("Residents of this estate file needs, while the project collects them."),
    "other_needs_text": _("For “other”, say what is needed: it is not in the catalog."),
    "bad_building": _("Choose a building of this estate."),
    "text_required": _("Describe what is needed and where, so the council can judge it."),
    "already_supported": _("You already support this need."),
    "cannot_support": _("You cannot support this need now."),
    "cannot_triage": _("Only the council and the community committee review needs."),
    "reason_required": _("Give a reason: the owner who filed the need will read it."),
    "already_triaged": _("This need has already been answered."),
    "bad_plan_item": _("Choose an item of this project's current plan draft."),
    "bad_point": _("Tap the site plan again: the point is not on it."),
}


_need_error = errors_for(NEED_ERRORS)


@by_actor
@transaction.atomic
def need_file(
    *, project: Project, actor: User, catalog_item: CatalogItem, text: str, photo=None, building=None, point=None
) -> Need:
    """`point`: (x, y) in percent of the estate's site plan, where it is needed (optional)."""
    if not permissions.can_file_need(actor, project):
        raise PermissionDenied(NEED_ERRORS["cannot_file"])
    text = (text or "").strip()
    if not text:
        raise _need_error("other_needs_text" if catalog_item.code == "other" else "text_required", "text")
    if building is not None and building.estate_id != project.estate_id:
        raise _need_error("bad_building", "building")
    need = Need(project=project, catalog_item=catalog_item, filed_by=actor.resident, text=text, building=building)
    if point is not None:
        if site_plan_of(project.estate_id) is None or not all(0 <= value <= 100 for value in point):
            raise _need_error("bad_point")  # (a forged point: the form has no picker without a plan)
        need.plan_x, need.plan_y = point
    if photo:
        # Neighbours see it: re-encoded like progress and complaint photos (no GPS, no camera, upright).
        (processed,) = process_photos([photo], field="photo")
        need.photo_content_type = processed.content_type
        need.photo.save("photo.jpg", processed.full, save=False)
    need.full_clean(exclude=["photo"])
    need.save()
    NeedSupport.objects.create(need=need, resident=actor.resident)  # the filer supports their own need
    return need


@by_actor
@transaction.atomic
def need_support(*, need: Need, actor: User) -> NeedSupport:
    """One support per owner (a database constraint): a double click gets "already supported"."""
    if not permissions.can_support_need(actor, need):
        raise PermissionDenied(NEED_ERRORS["cannot_support"])
    try:
        with transaction.atomic():
            return NeedSupport.objects.create(need=need, resident=actor.resident)
    except IntegrityError:
        raise _need_error("already_supported") from None


@by_actor
@transaction.atomic
def need_triage(*, need: Need, actor: User, include: bool, reason: str = "", plan_item: PlanItem | None = None) -> Need:
    """The council or community staff include a need (optionally linked to an item of the plan
    draft) or decline it with a reason the filer sees. Each need is answered once."""
    locked = Need.objects.select_for_update().select_related("project__estate", "catalog_item").get(pk=need.pk)
    if not permissions.can_triage_needs(actor, locked.project):
        raise PermissionDenied(NEED_ERRORS["cannot_triage"])
    if locked.status != Need.Status.OPEN:
        raise _need_error("already_triaged")
    reason = (reason or "").strip()
    if include:
        if plan_item is not None and plan_item.version.project_id != locked.project_id:
            raise _need_error("bad_plan_item", "plan_item")
        locked.status, locked.plan_item = Need.Status.INCLUDED, plan_item
    else:
        if not reason:
            raise _need_error("reason_required", "reason")
        locked.status, locked.decline_reason = Need.Status.DECLINED, reason
    locked.triaged_by = actor
    locked.save(update_fields=["status", "plan_item", "decline_reason", "triaged_by"])
    notify(
        users=[locked.filed_by.user_id],
        kind=Notification.Kind.NEED_TRIAGED,
        url=reverse("projects:needs", args=[locked.project.code]),
        item=locked.catalog_item.name_zh,
        decision="included" if include else "declined",
    )
    return locked
