"""总平面图: an estate's site plan, put up by its community committee or street office, on which
residents place their needs. Re-encoded without metadata (core.photos); a new upload replaces it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.photos import process_photos, store_photo

from . import permissions
from .audit import by_actor
from .models import Estate, SitePlan, User

NOT_ALLOWED = _("The community committee or the street office of the estate puts up its site plan.")


@by_actor
@transaction.atomic
def site_plan_upload(*, estate: Estate, actor: User, upload) -> SitePlan:
    locked = Estate.objects.select_for_update().select_related("community").get(pk=estate.pk)
    if not permissions.can_upload_site_plan(actor, locked):
        raise PermissionDenied(NOT_ALLOWED)
    (processed,) = process_photos([upload], field="site_plan")
    old = SitePlan.objects.filter(estate=locked).first()
    if old is not None:
        old.image.delete(save=False)
        old.thumb.delete(save=False)
        old.delete()
    return store_photo(SitePlan(estate=locked, uploaded_by=actor), processed)


def site_plan_of(estate_id: int) -> SitePlan | None:
    return SitePlan.objects.filter(estate_id=estate_id).first()
