"""Project reads, already scoped to the user."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from stakeholders import council_selectors
from stakeholders import permissions as stakeholder_permissions
from stakeholders.listings import running as running_listings
from stakeholders.models import Estate, Organization, Ownership, Resident

from . import permissions, rules
from .catalog_reads import catalog, catalog_name, catalog_names  # noqa: F401  (moved; callers keep this name)
from .lifecycle import OPEN_PROJECT_STATUSES, PUBLIC_STATUSES
from .models import (
    Award,
    CompletionReport,
    FundingSource,
    Need,
    NeedSupport,
    Petition,
    PlanComment,
    PlanItem,
    PlanItemFunding,
    PlanVersion,
    Project,
    ProjectEvent,
    Sponsorship,
    Vote,
    Voter,
)
from .permissions import can_start_petition
from .proxies import is_proxy_in


def projects_visible_to(user) -> QuerySet[Project]:
    qs = Project.objects.select_related("estate__community__street")
    if not user.is_authenticated:
        return qs.none()
    if stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user):
        return qs
    granted = get_objects_for_user(
        user, "projects.view_project", Project.objects.all(), accept_global_perms=False, with_superuser=False
    )
    return qs.filter(
        Q(estate_id__in=stakeholder_permissions.verified_estate_ids(user))
        | Q(estate__community_id__in=stakeholder_permissions.community_ids_staffed(user))
        | Q(pk__in=granted.values("pk"))
    )


def readable_project(user, code: str) -> Project | None:
    """A project `user` may read by its code: one they can see, or any public one (its public
    records; what is not yet public is held back by each record's own permission)."""
    return (
        Project.objects.select_related("estate__community__street")
        .filter(Q(pk__in=projects_visible_to(user).values("pk")) | Q(status__in=PUBLIC_STATUSES), code=code)
        .first()
    )


def project_events(project: Project) -> QuerySet[ProjectEvent]:
    return project.events.select_related("actor__resident").order_by("at", "id")


def sponsor_household(resident_id: int, estate_id: int, project: Project | None = None) -> Ownership | None:
    """The household a sponsor signs for: their verified household in the estate (the one they
    vote for first) — for an elevator, in its entrance."""
    owned = Ownership.objects.verified().filter(resident_id=resident_id, household__building__estate_id=estate_id)
    if project is not None and project.kind == Project.Kind.ELEVATOR:
        owned = owned.filter(household__building_id=project.building_id, household__unit=project.entrance)
    return owned.select_related("household").order_by("-is_voting_owner", "id").first()


def petition_of(project: Project) -> Petition | None:
    sponsorships = Sponsorship.objects.select_related("resident", "household__building").order_by("created_at", "id")
    petition = (
        Petition.objects.filter(project=project)
        .prefetch_related(Prefetch("sponsorships", queryset=sponsorships))
        .first()
    )
    if petition is not None:
        petition.project = project  # already loaded: no second query for petition.project
    return petition


def petition_shortfalls(petition: Petition) -> list[str]:
    """What the petition still lacks (codes of services.PETITION_ERRORS); empty when complete."""
    confirmed = [
        rules.Sponsor(person=s.resident_id, household=s.household_id, is_party_member=s.resident.is_party_member)
        for s in petition.sponsorships.all()
        if s.status == Sponsorship.Status.CONFIRMED
    ]
    shortfalls = rules.petition_shortfalls(confirmed)
    if settings.PETITION_REQUIRES_COUNCIL and not council_selectors.estates_with_council_in_term(
        [petition.project.estate_id]
    ):
        shortfalls.append("council")
    return shortfalls


def invitations_for(user) -> QuerySet[Sponsorship]:
    return Sponsorship.objects.filter(
        resident__user=user, status=Sponsorship.Status.INVITED, petition__status=Petition.Status.COLLECTING
    ).select_related("petition__project__estate", "invited_by")


def estates_with_open_projects(estate_ids) -> set[int]:
    return set(
        Project.objects.filter(
            estate_id__in=estate_ids, status__in=OPEN_PROJECT_STATUSES, kind=Project.Kind.RENOVATION
        ).values_list("estate_id", flat=True)
    )


def petitionable_estates(user):
    """Estates where the user may start a petition (verified owner, no project under way)."""

    estates = list(Estate.objects.filter(pk__in=stakeholder_permissions.verified_estate_ids(user)).order_by("name"))
    busy = estates_with_open_projects([e.pk for e in estates])
    governed = (
        council_selectors.estates_with_council_in_term([e.pk for e in estates])
        if settings.PETITION_REQUIRES_COUNCIL
        else set()
    )
    return [
        e
        for e in estates
        if can_start_petition(user, e, estate_has_open_project=e.pk in busy, council_in_term=e.pk in governed)
    ]


def elevator_entrances(user) -> list[tuple]:
    """(estate, building, entrance) where the user owns a verified household and no elevator project
    of that entrance is under way: where they may start an elevator petition (加装电梯)."""
    running = Project.objects.filter(
        kind=Project.Kind.ELEVATOR,
        status__in=OPEN_PROJECT_STATUSES,
        building_id=OuterRef("household__building_id"),
        entrance=OuterRef("household__unit"),
    )
    owned = (
        Ownership.objects.verified()
        .filter(resident__user=user)
        .exclude(Exists(running))
        .select_related("household__building__estate")
        .order_by("household__building__estate__name", "household__building__number", "household__unit")
    )
    seen, found = set(), []
    for o in owned:  # one query
        key = (o.household.building_id, o.household.unit)
        if key not in seen:
            seen.add(key)
            found.append((o.household.building.estate, o.household.building, o.household.unit))
    return found


def estates_awaiting_council(user):
    """Where the city puts the council first: the user's estates a petition could start in but for a
    filed council in term (the home page says what to do)."""
    if not settings.PETITION_REQUIRES_COUNCIL:
        return []
    estates = list(Estate.objects.filter(pk__in=stakeholder_permissions.verified_estate_ids(user)).order_by("name"))
    busy = estates_with_open_projects([e.pk for e in estates])
    governed = council_selectors.estates_with_council_in_term([e.pk for e in estates])
    return [e for e in estates if e.pk not in busy and e.pk not in governed]


def votes_visible_to(user) -> QuerySet:
    return Vote.objects.filter(project__in=projects_visible_to(user)).select_related("project__estate__community")


def vote_visible_to(user, code: str, related: tuple[str, ...] = ("project__estate",)):
    """One vote by its code, if `user` may see its project (None otherwise: a 404). Cheaper than
    filtering votes_visible_to for the hot path of casting: the vote by its unique code, then the
    same decision as the list (permissions.can_view_project) on that one project."""

    vote = Vote.objects.select_related(*related).filter(code=code).order_by()[:1]  # unique code: no sort, few joins
    vote = vote[0] if vote else None
    if vote is None:
        return None
    # A proxy (a family member) need not own anything there to cast the owner's ballot.
    if not permissions.can_view_project(user, vote.project) and not is_proxy_in(user, vote):
        return None
    return vote


def voter_for_ballot(user, code: str):
    """The user's Voter row in the vote `code`, with its vote (and the vote's estate) and resident,
    in one query; None if the user is not in its electorate (or not signed in)."""
    if not user.is_authenticated:
        return None
    return (
        Voter.objects.select_related("vote__project__estate", "resident")
        .filter(vote__code=code, resident__user=user)
        .order_by()
        .first()
    )


def voter_of(user, vote):
    resident = stakeholder_permissions.resident_profile(user)
    if resident is None:
        return None
    return Voter.objects.filter(vote=vote, resident=resident).select_related("ballot").first()


def turnout(vote):
    """Owners and area that have voted so far — the only figure shown while a vote is open."""

    figures = vote.ballots.aggregate(owners=Count("id"), area=Sum("area"))
    return {"owners": figures["owners"], "area": figures["area"] or Decimal("0.00")}


def votes_of_project(project):
    return project.votes.order_by("-opens_at", "-id")


# --- needs and plan -----------------------------------------------------------------------------


def needs_ranked(project, user):
    """The project's needs, most supported first, with whether the user supports each."""

    resident = stakeholder_permissions.resident_profile(user)
    mine = (
        Exists(NeedSupport.objects.filter(need=OuterRef("pk"), resident=resident))
        if resident is not None
        else Value(False)
    )
    owners = Ownership.objects.verified().filter(household__building__estate_id=project.estate_id)
    return (
        Need.objects.filter(project=project)
        .select_related("catalog_item", "filed_by", "plan_item", "building")
        .annotate(
            support_count=Count("supports", distinct=True),
            # Owners' support apart: only owners vote on the plan (issue 18).
            owner_support_count=Count(
                "supports",
                filter=Q(supports__resident_id__in=owners.values("resident_id")),
                distinct=True,
            ),
            supported_by_me=mine,
        )
        .order_by("-support_count", "created_at", "id")
    )


def projects_for_needs(user):
    """The projects whose needs the user may read and file: those they see, and those of estates
    where their claim stands (a resident waiting for verification asks too)."""
    if not user.is_authenticated:
        return Project.objects.none()
    claimed = stakeholder_permissions.claimed_estate_ids(user)
    return Project.objects.select_related("estate__community__street").filter(
        Q(pk__in=projects_visible_to(user).values("pk")) | Q(estate_id__in=claimed)
    )


def plan_versions(project):
    return PlanVersion.objects.filter(project=project).order_by("number")


def live_plan_version(versions):
    """The version being drafted, commented on or voted on (at most one), from a list."""

    live = (PlanVersion.Status.DRAFT, PlanVersion.Status.PUBLISHED, PlanVersion.Status.VOTING)
    return next((v for v in versions if v.status in live), None)


def needs_to_plan(project):
    """Included needs not yet linked to a plan item, most supported first: what a draft starts from."""

    return (
        Need.objects.filter(project=project, status=Need.Status.INCLUDED, plan_item__isnull=True)
        .select_related("catalog_item")
        .annotate(support_count=Count("supports"))
        .order_by("-support_count", "created_at", "id")
    )


def needs_visible_to(user):
    """Needs of the projects `user` may see (a need outside them is a 404, never a 403)."""
    return Need.objects.filter(project__in=projects_for_needs(user)).select_related("project__estate")


def draft_plan_item(project, pk: int | None):
    """The item `pk` of the project's plan draft, or None (no such item, or no draft being written)."""
    if pk is None:
        return None
    return next((item for item in draft_plan_items(project) if item.pk == pk), None)


def version_items(version):
    """The items of one plan version, for looking one up by id (another version's item is a 404)."""
    return PlanItem.objects.filter(version=version).select_related("version")


def draft_plan_items(project) -> list:
    """Items of the version being drafted (what a need can be linked to); none if no draft."""

    return list(
        PlanItem.objects.filter(version__project=project, version__status=PlanVersion.Status.DRAFT).order_by("id")
    )


def plan_items(version):
    return (
        version.items.select_related("catalog_item", "share_building", "maintainer_organization")
        .prefetch_related(Prefetch("funding", queryset=PlanItemFunding.objects.order_by("source")))
        .order_by("catalog_item__position", "id")
    )


def plan_totals(items) -> dict:
    """Total cost and the split by funding source, from already-fetched items."""

    by_source = {source: Decimal("0.00") for source in FundingSource.values}
    total = Decimal("0.00")
    for item in items:
        total += item.estimated_cost
        for line in item.funding.all():
            by_source[line.source] += line.amount
    return {
        "total": total,
        "sources": [(FundingSource(s).label, amount) for s, amount in by_source.items() if amount],
    }


def plan_comments(version):
    return version.comments.select_related("author__resident", "version__project__estate").order_by("created_at", "id")


def voters_for_paper(vote, query: str = ""):
    """The electorate for the paper-ballot desk, searchable by unit; ballot (if any) joined."""

    qs = Voter.objects.filter(vote=vote).select_related("ballot", "resident").order_by("id")
    if query:
        qs = qs.filter(label__icontains=query)
    return qs


# --- award ------------------------------------------------------------------------------------------


def award_candidates(kind: str):
    """Active organizations of `kind` with the projects they were awarded before (for the picker)."""

    return (
        Organization.objects.filter(kind=kind, is_active=True)
        .prefetch_related(
            Prefetch(
                "awards",
                queryset=Award.objects.select_related("project__estate").order_by("-awarded_at"),
                to_attr="past_awards",
            ),
            Prefetch("listings", queryset=running_listings(), to_attr="current_listings"),
        )
        # Residents' ratings (written onto the organization by feedback) first: best rated on top.
        .order_by(models.F("rating_overall").desc(nulls_last=True), "name")
    )


def awards_of(project: Project):
    return (
        Award.objects.filter(project=project).select_related("organization", "bid").order_by("role", "awarded_at", "id")
    )


def latest_completion_report(project: Project) -> CompletionReport | None:
    return CompletionReport.objects.filter(project=project).order_by("-number").first()


def public_projects_of_estates(estate_ids):
    """The estates' projects that have a public page (the street office took them on), newest first."""

    return (
        Project.objects.filter(estate_id__in=estate_ids, status__in=PUBLIC_STATUSES)
        .select_related("estate")
        .order_by("-created_at")[:3]
    )


def open_votes_of_estates(estate_ids):
    """Votes open now in these estates (the community staff's paper-ballot desks)."""

    return (
        Vote.objects.filter(project__estate_id__in=estate_ids, status=Vote.Status.OPEN, closes_at__gt=timezone.now())
        .select_related("project__estate")
        .order_by("closes_at")[:20]
    )


def project_codes_of_estates(estate_ids):
    """(estate id, project code) pairs, each estate's newest project first."""

    return (
        Project.objects.filter(estate_id__in=estate_ids)
        .order_by("estate_id", "-created_at", "-pk")
        .values_list("estate_id", "code")
    )


def public_projects():
    """Projects the public may see (their published plan versions are readable by anyone)."""
    return Project.objects.filter(status__in=PUBLIC_STATUSES).select_related("estate__community__street")


def unanswered_plan_comments(project) -> int:
    """Comments on any version of the plan still waiting for the drafters' answer (the vote waits)."""
    return PlanComment.objects.filter(version__project=project, response="").count()


def estate_owners(estate):
    """The verified owners of an estate (the committee's proxy desk chooses among them)."""
    return (
        Resident.objects.filter(ownerships__in=Ownership.objects.verified().filter(household__building__estate=estate))
        .distinct()
        .order_by("name", "id")
    )


def projects_designed_by(user):
    """Projects whose plan a designer or community planner of the user's is assigned to."""
    mine = [m.organization_id for m in stakeholder_permissions.memberships(user)] if user.is_authenticated else []
    return Project.objects.select_related("estate__community__street").filter(designers__organization_id__in=mine)
