"""The reads of hearings (听证会) and residents' meetings: a project's list with the online sign-in
counts, and whether the viewer signed in. No names."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Value

from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Building, Household

from .models import Hearing, HearingCheckIn


def project_hearings(project, user):
    resident = stakeholder_permissions.resident_profile(user) if user.is_authenticated else None
    mine = (
        Exists(HearingCheckIn.objects.filter(hearing=OuterRef("pk"), resident=resident))
        if resident is not None
        else Value(False)
    )
    return (
        Hearing.objects.filter(project=project)
        .select_related("plan_version")
        .annotate(
            signins=Count("checkins"),
            desk_signins=Count("checkins", filter=Q(checkins__signed_in_by__isnull=False)),
            checked_in=mine,
        )
        .order_by("-held_at", "-id")
    )


def desk_buildings(hearing) -> list[Building]:
    return list(Building.objects.filter(estate_id=hearing.project.estate_id).order_by("number"))


def desk_households(hearing, building: Building, query: str = ""):
    """One building's households for the door's sign-in list, each marked signed in or not (online
    or at the desk). Staff only: room numbers are not public."""
    signed = HearingCheckIn.objects.filter(hearing=hearing, household=OuterRef("pk"))
    households = Household.objects.filter(building=building).annotate(signed_in=Exists(signed))
    if query:
        households = households.filter(room__icontains=query)
    return households.select_related("building").order_by("unit", "floor", "room")


def signin_count(hearing) -> int:
    return HearingCheckIn.objects.filter(hearing=hearing).count()
