"""The reads of hearings (听证会) and residents' meetings: a project's list with the online sign-in
counts, and whether the viewer signed in. No names."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Value

from stakeholders import permissions as stakeholder_permissions

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
        .annotate(online_signins=Count("checkins"), checked_in=mine)
        .order_by("-held_at", "-id")
    )
