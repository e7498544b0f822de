"""Reads, already scoped to what the user may see (HackSoft selectors). Views look objects up
through these, so an object outside the user's scope is simply not found (404)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from . import permissions
from .models import (
    Building,
    Estate,
    Household,
    Membership,
    Notification,
    NotificationPreference,
    Organization,
    Ownership,
    Residence,
    Street,
)

_OWNERSHIP_RELATED = ("resident__user", "household__building__estate__community", "reviewed_by")


def ownerships_of_user(user) -> QuerySet[Ownership]:
    """The user's own claims, newest first."""
    return Ownership.objects.filter(resident__user=user).select_related(*_OWNERSHIP_RELATED)


def ownerships_for_review(user) -> QuerySet[Ownership]:
    """Claims the user may review: those of households in the communities their committee serves."""
    qs = Ownership.objects.select_related(*_OWNERSHIP_RELATED)
    if permissions.is_platform_admin(user):
        return qs
    return qs.filter(household__building__estate__community_id__in=permissions.community_ids_staffed(user))


def ownerships_visible(user) -> QuerySet[Ownership]:
    """Claims the user may open at all (their own or in their review scope)."""
    qs = Ownership.objects.select_related(*_OWNERSHIP_RELATED)
    if permissions.is_platform_admin(user):
        return qs
    return qs.filter(
        Q(resident__user=user)
        | Q(household__building__estate__community_id__in=permissions.community_ids_staffed(user))
    )


def _count(queryset, estate_path: str) -> Coalesce:
    """A correlated COUNT per estate: evaluated only for the estates a page actually shows (a join
    with GROUP BY would count the households of every estate before LIMIT applies)."""
    counts = queryset.filter(**{estate_path: OuterRef("pk")}).order_by().values(estate_path).annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


def _estate_counts() -> dict:
    ownerships = Ownership.objects.all()
    via_household = "household__building__estate"
    return {
        "building_count": _count(Building.objects.all(), "estate"),
        "household_count": _count(Household.objects.all(), "building__estate"),
        "verified_count": _count(ownerships.filter(status=Ownership.Status.VERIFIED), via_household),
        "pending_count": _count(ownerships.filter(status=Ownership.Status.PENDING), via_household),
    }


def _estate_figures(qs: QuerySet[Estate]) -> QuerySet[Estate]:
    return qs.select_related("community__street").annotate(**_estate_counts())


def estates_for_community_staff(user) -> QuerySet[Estate]:
    return _estate_figures(Estate.objects.filter(community_id__in=permissions.community_ids_staffed(user)))


def estates_for_street_staff(user) -> QuerySet[Estate]:
    return _estate_figures(Estate.objects.filter(community__street_id__in=permissions.street_ids_staffed(user)))


def estates_of_resident(user) -> QuerySet[Estate]:
    """Estates where the user has a pending or verified claim."""
    return (
        Estate.objects.filter(
            buildings__households__ownerships__resident__user=user,
            buildings__households__ownerships__status__in=[Ownership.Status.PENDING, Ownership.Status.VERIFIED],
        )
        .distinct()
        .select_related("community__street")
    )


def public_estates() -> QuerySet[Estate]:
    """Estates with their public figures: no personal data."""
    counts = _estate_counts()
    return Estate.objects.select_related("community__street").annotate(
        building_count=counts["building_count"], household_count=counts["household_count"]
    )


def streets_with_estates() -> QuerySet[Street]:
    return Street.objects.annotate(estate_count=Count("communities__estates")).order_by("district", "name")


# Claim form choices: estate → building → entrance (单元) → room.


def claimable_estates() -> QuerySet[Estate]:
    return Estate.objects.select_related("community__street").order_by("community__street__name", "name")


def buildings_of(estate_id) -> QuerySet[Building]:
    return Building.objects.filter(estate_id=estate_id).order_by("number")


def units_of(building_id) -> list[str]:
    """The building's entrances, each once. (Household's default ordering would add its fields to
    DISTINCT and repeat every entrance once per room: the field test saw "1" twelve times.)"""
    units = Household.objects.filter(building_id=building_id).order_by("unit").values_list("unit", flat=True).distinct()
    return sorted(units, key=lambda u: (len(u), u))


def units_of_estate(estate_id) -> list[str]:
    """The entrances of the estate's buildings, each once (the same numbering repeats per building)."""
    units = (
        Household.objects.filter(building__estate_id=estate_id)
        .order_by("unit")
        .values_list("unit", flat=True)
        .distinct()
    )
    return sorted(units, key=lambda u: (len(u), u))


def households_of(building_id, unit) -> QuerySet[Household]:
    return Household.objects.filter(building_id=building_id, unit=unit).order_by("floor", "room")


def unread_notification_count(user) -> int:

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user):

    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_preference(user):

    return NotificationPreference.objects.filter(user=user).first()


def street_office_user_ids(street_id) -> set[int]:
    """Everyone who works for the street office of a street (whom its notices go to)."""
    return set(
        Membership.objects.filter(
            organization__kind=Organization.Kind.STREET_OFFICE, organization__street_id=street_id
        ).values_list("user_id", flat=True)
    )


def residences_of_user(user) -> QuerySet[Residence]:
    """The user's own residence declarations (tenant, family), newest first."""
    return Residence.objects.filter(resident__user=user).select_related("household__building__estate")


def residences_for_review(user) -> QuerySet[Residence]:
    """Declarations in the communities the user's committee serves (all of them for admins)."""
    qs = Residence.objects.select_related("household__building__estate", "resident__user")
    if permissions.is_platform_admin(user):
        return qs
    return qs.filter(household__building__estate__community_id__in=permissions.community_ids_staffed(user))


def estates_lived_in(claims, residences) -> list[Estate]:
    """The estates of a resident's standing ownership claims and residences (loaded rows)."""
    estates = {c.household.building.estate for c in claims if c.status != Ownership.Status.REJECTED}
    estates |= {r.household.building.estate for r in residences if r.status != Residence.Status.REJECTED}
    return sorted(estates, key=str)


def user_ids_living_in(estate_id: int) -> set[int]:
    """Everyone who lives in the estate by a standing claim: owners (pending or verified) and
    declared or confirmed tenants and family — whom a hearing or a meeting is announced to."""
    owners = Ownership.objects.open().filter(household__building__estate_id=estate_id)
    lived = Residence.objects.standing().filter(household__building__estate_id=estate_id)
    return set(owners.values_list("resident__user_id", flat=True)) | set(
        lived.values_list("resident__user_id", flat=True)
    )


def estates_by_ids(ids) -> QuerySet[Estate]:
    """Where some estates are (coordinates and community): for the site-neighbour rule."""
    return Estate.objects.filter(pk__in=list(ids)).only("id", "latitude", "longitude", "community_id")
