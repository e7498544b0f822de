"""What each role sees on its home page. Each block reads through the apps' selectors with a fixed
number of queries, whatever the number of estates or claims."""

from __future__ import annotations

from django.db.models import Count, Q

from feedback import selectors as feedback_selectors
from . import oversight
from projects import selectors as project_selectors
from stakeholders import permissions, selectors
from stakeholders.models import Building, Estate, Household, Organization, Ownership


def resident_block(user) -> dict:
    claims = list(selectors.ownerships_of_user(user))
    has_verified = any(c.status == Ownership.Status.VERIFIED for c in claims)
    return {
        "invitations": list(project_selectors.invitations_for(user)),
        "petitionable": project_selectors.petitionable_estates(user) if has_verified else [],
        "claims": claims,
        "estates": sorted({c.household.building.estate for c in claims if c.status != Ownership.Status.REJECTED}, key=str),
        "has_verified": any(c.status == Ownership.Status.VERIFIED for c in claims),
        "surveys": list(feedback_selectors.invitations_for(user)),
        # 关怀模式's simple home: the estate's renovation, for the "money and progress" tile (one query).
        "care_projects": list(project_selectors.public_projects_of_estates(
            [c.household.building.estate_id for c in claims if c.status != Ownership.Status.REJECTED]
        )) if getattr(user, "care_mode", False) else [],
    }


def _with_projects(estates: list[Estate]) -> list[Estate]:
    """Each estate with `project_code`: its newest project's, for the link on its name (one query)."""
    latest = {}
    for estate_id, code in project_selectors.project_codes_of_estates([e.pk for e in estates]):
        latest.setdefault(estate_id, code)
    for estate in estates:
        estate.project_code = latest.get(estate.pk)
    return estates


def community_block(user) -> dict:
    estates = _with_projects(list(selectors.estates_for_community_staff(user)))
    return {
        "estates": estates, "pending": sum(e.pending_count for e in estates),
        # The paper-ballot desk of every open vote in their estates (one query).
        "open_votes": list(project_selectors.open_votes_of_estates([e.pk for e in estates])),
    }


def street_block(user) -> dict:
    estates = _with_projects(list(selectors.estates_for_street_staff(user)))
    return {
        "estates": estates,
        "households": sum(e.household_count for e in estates),
        "verified": sum(e.verified_count for e in estates),
        "pending": sum(e.pending_count for e in estates),
    }


def city_block() -> dict:
    """Bureau and admin: city totals in four queries (plain counts, cheap at city scale)."""
    totals = {
        "estates": Estate.objects.count(),
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
    }
    ownership = Ownership.objects.aggregate(
        verified=Count("id", filter=Q(status=Ownership.Status.VERIFIED)),
        pending=Count("id", filter=Q(status=Ownership.Status.PENDING)),
    )
    return {**totals, **ownership}


def organizations_block(user) -> list[Organization]:
    return [m.organization for m in permissions.memberships(user)]


def build(user) -> dict:
    roles = permissions.role_names(user)
    context: dict = {"roles": roles, "organizations": organizations_block(user)}
    if "resident" in roles:
        context["resident"] = resident_block(user)
    if "community" in roles:
        context["community"] = community_block(user)
    if "street" in roles:
        context["street"] = street_block(user)
    if "bureau" in roles or "admin" in roles:
        context["city"] = city_block()
    if "street" in roles:
        context["street_desk"] = oversight.street_desk(user)
    if "bureau" in roles or "admin" in roles:
        context["overview"] = oversight.city_overview()
    if "contractor" in roles or "supervisor" in roles:
        context["works"] = oversight.contractor_work(user)
    if "resident" in roles:
        context["resident"]["work"] = oversight.resident_work(user)
    if roles:
        # Complaints the user filed or must answer, open and overdue (one query).
        context["complaints"] = feedback_selectors.complaint_counts(user)
    context["charts"] = [c for block in (context.get("street_desk"), context.get("overview")) if block
                         for c in vars(block).values() if isinstance(c, oversight.Chart) and c.labels]
    return context
