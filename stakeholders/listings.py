"""The housing bureau's whitelist and negative list (白名单、负面清单) of builders and supervisors
(issue 21 item 2): entries with their reason and dates, public; a negative-listed organization
cannot be awarded while its entry runs (projects.services.project_award asks `negative_entry`)."""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for

from . import permissions
from .audit import by_actor
from .models import Organization, OrganizationListing, User

LISTING_ERRORS = {
    "not_allowed": _("The housing bureau keeps the whitelist and the negative list."),
    "kind_required": _("Choose the list: the whitelist or the negative list."),
    "organization_kind": _("Only builders (施工单位) and supervisors (监理) are listed."),
    "reason_required": _("Give the reason: it is published with the entry."),
    "until_before": _("The entry cannot end before it begins."),
    "already_listed": _("%(name)s is already on this list."),
    "removed": _("This entry was already removed."),
}
_error = errors_for(LISTING_ERRORS)
LISTED_KINDS = (Organization.Kind.CONTRACTOR, Organization.Kind.SUPERVISOR)


def running(day: Date | None = None):
    day = day or timezone.localdate()
    return OrganizationListing.objects.filter(removed_at__isnull=True, listed_on__lte=day).filter(
        Q(until__isnull=True) | Q(until__gte=day)
    )


def negative_entry(organization: Organization, day: Date | None = None) -> OrganizationListing | None:
    """The negative-list entry that keeps the organization from being awarded today, if any."""
    return running(day).filter(organization=organization, kind=OrganizationListing.Kind.NEGATIVE).first()


def public_listings():
    """Every entry, current and past, for the public page (one query)."""
    return OrganizationListing.objects.select_related("organization").order_by("kind", "-listed_on", "-id")


def entries_of(organization: Organization) -> list[OrganizationListing]:
    return list(running().filter(organization=organization))


@by_actor
@transaction.atomic
def listing_add(
    *, organization: Organization, actor: User, kind: str, reason: str, listed_on: Date, until: Date | None = None
) -> OrganizationListing:
    if not permissions.can_manage_listings(actor):
        raise PermissionDenied(LISTING_ERRORS["not_allowed"])
    if kind not in OrganizationListing.Kind.values:
        raise _error("kind_required", "kind")
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.kind not in LISTED_KINDS:
        raise _error("organization_kind", "organization")
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "reason")
    if until is not None and until < listed_on:
        raise _error("until_before", "until")
    if running(listed_on).filter(organization=locked, kind=kind).exists():
        raise _error("already_listed", "organization", name=locked.name)
    return OrganizationListing.objects.create(
        organization=locked, kind=kind, reason=reason[:500], listed_on=listed_on, until=until, listed_by=actor
    )


@by_actor
@transaction.atomic
def listing_remove(*, entry: OrganizationListing, actor: User, reason: str) -> OrganizationListing:
    if not permissions.can_manage_listings(actor):
        raise PermissionDenied(LISTING_ERRORS["not_allowed"])
    locked = OrganizationListing.objects.select_for_update().get(pk=entry.pk)
    if locked.removed_at is not None:
        raise _error("removed")
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required", "reason")
    locked.removed_at, locked.removed_by, locked.removal_reason = timezone.now(), actor, reason[:500]
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    return locked
