"""Reads of the procurement record (招标投标, issue 21 item 1): a project's tenders with their bids,
criteria, scores and committee, for the record's page, the award form and the public pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from stakeholders.listings import running as running_listings
from stakeholders.models import Organization

from .models import Award, Bid, BidScore, FlaggedAward, Project, Tender


def _bids() -> QuerySet[Bid]:
    return Bid.objects.select_related("organization", "award").prefetch_related(
        Prefetch("scores", queryset=BidScore.objects.order_by("criterion__position", "criterion_id")),
        Prefetch("flag_requests", queryset=FlaggedAward.objects.order_by("requested_at", "id"), to_attr="flag_list"),
        Prefetch("organization__listings", queryset=running_listings(), to_attr="current_listings"),
    )


def tenders_of(project: Project) -> list[Tender]:
    """The project's tenders, newest first, with their bids (ranked first) and committee."""
    return list(
        Tender.objects.filter(project=project)
        .prefetch_related(
            Prefetch("bids", queryset=_bids()),
            "criteria",
            "seats__organization",
        )
        .order_by("-created_at", "-id")
    )


def tender_of(project: Project, pk: int) -> Tender | None:
    return next((t for t in tenders_of(project) if t.pk == pk), None)


def public_tenders(project: Project) -> list[Tender]:
    """The decided tenders (awarded or failed) and the running ones' notices, for the project page."""
    return list(Tender.objects.filter(project=project).prefetch_related("bids").order_by("role", "-created_at", "-id"))


def ranked_bids(project: Project, role: str) -> list[Bid]:
    """The evaluated tender's ranked bids for `role` (the award form's choices), first-ranked first."""
    return list(
        _bids()
        .filter(tender__project=project, tender__role=role, tender__status=Tender.Status.EVALUATED, rank__isnull=False)
        .order_by("rank")
    )


def bidder_choices(tender: Tender) -> QuerySet[Organization]:
    """Who may bid: active organizations of the role's kind, not yet bidding, not on the committee."""
    kind = Organization.Kind.CONTRACTOR if tender.role == Award.Role.CONTRACTOR else Organization.Kind.SUPERVISOR
    taken = [b.organization_id for b in tender.bids.all()] + [s.organization_id for s in tender.seats.all()]
    return Organization.objects.filter(kind=kind, is_active=True).exclude(pk__in=taken).order_by("name")


def committee_choices(tender: Tender) -> QuerySet[Organization]:
    """Who may send members: any active organization that is not bidding (the expert pool, the
    buyer's office, design institutes, the bureau)."""
    bidders = [b.organization_id for b in tender.bids.all()]
    return Organization.objects.filter(is_active=True).exclude(pk__in=bidders).order_by("kind", "name")


def flagged_waiting() -> list[FlaggedAward]:
    """The requests to award a flagged organization the bureau has not decided yet (its dashboard)."""
    return list(
        FlaggedAward.objects.filter(approved__isnull=True)
        .select_related("bid__organization", "bid__tender__project__estate")
        .order_by("requested_at", "id")
    )


def committee_members(tender: Tender) -> int:
    return sum(s.members for s in tender.seats.all())
