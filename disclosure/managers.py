"""The estates' managers in public (issue 20 item 5): every property-management firm the portal
handed an estate to at acceptance, with the estates it manages and the residents' rating of its
management from the follow-up surveys (feedback.services.manager_ratings_recompute)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, OuterRef, Q, Subquery

from projects.models import Award, PlanManagement, PlanVersion, Project
from stakeholders.models import Organization

from .selectors import PUBLIC_STATUSES


def public_managers() -> list[Organization]:
    """Firms managing (or having managed) a public project, best rated first (unrated last), each
    with `estates`: the projects it manages now (two queries, whatever the number of firms)."""
    managing = Q(awards__role=Award.Role.MANAGER, awards__project__status__in=PUBLIC_STATUSES)
    firms = list(
        Organization.objects.filter(managing, kind=Organization.Kind.PROPERTY_MANAGER)
        .annotate(project_count=Count("awards__project", filter=managing, distinct=True))
        .order_by(F("rating_overall").desc(nulls_last=True), "name")
    )
    estates = defaultdict(list)
    for project in (
        Project.objects.filter(
            status__in=PUBLIC_STATUSES,
            awards__role=Award.Role.MANAGER,
            awards__ended_at__isnull=True,
            awards__organization__in=firms,
        )
        .annotate(manager_id=F("awards__organization_id"), term_ends=F("awards__term_ends"))
        .select_related("estate__community__street")
        .order_by("estate__name")
    ):
        estates[project.manager_id].append(project)
    for firm in firms:
        firm.estates = estates.get(firm.pk, [])
    return firms


def public_community_keepers() -> list[Organization]:
    """Community committees keeping an accepted estate that no firm manages (社区准物业: as the
    owners chose with the plan, or after a firm's contract ended) — not the estates the owners run
    themselves —, best rated first, each with `estates`. Two queries."""
    operator = (
        PlanManagement.objects.filter(version__project=OuterRef("pk"), version__status=PlanVersion.Status.ADOPTED)
        .order_by("-version__number")
        .values("operator")[:1]
    )
    managed = Award.objects.filter(role=Award.Role.MANAGER, ended_at__isnull=True).values("project_id")
    estates = defaultdict(list)
    for project in (
        Project.objects.filter(status__in=(Project.Status.COMPLETED, Project.Status.MAINTAINED))
        .exclude(pk__in=managed)
        .annotate(operator=Subquery(operator))
        .exclude(operator=PlanManagement.Operator.OWNERS)
        .select_related("estate__community__street")
        .order_by("estate__name")
    ):
        estates[project.estate.community_id].append(project)
    committees = list(
        Organization.objects.filter(
            kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id__in=list(estates)
        ).order_by(F("rating_overall").desc(nulls_last=True), "name")
    )
    for committee in committees:
        committee.estates = estates[committee.community_id]
    return committees
