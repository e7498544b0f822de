"""Project reads, already scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from stakeholders import permissions as people

from .models import Project, ProjectEvent


def projects_visible_to(user) -> QuerySet[Project]:
    qs = Project.objects.select_related("estate__community__street")
    if not user.is_authenticated:
        return qs.none()
    if people.is_platform_admin(user) or people.is_bureau_staff(user):
        return qs
    granted = get_objects_for_user(
        user, "projects.view_project", Project.objects.all(), accept_global_perms=False, with_superuser=False
    )
    return qs.filter(
        Q(estate_id__in=people.verified_estate_ids(user))
        | Q(estate__community_id__in=people.community_ids_staffed(user))
        | Q(pk__in=granted.values("pk"))
    )


def project_events(project: Project) -> QuerySet[ProjectEvent]:
    return project.events.select_related("actor").order_by("at", "id")
