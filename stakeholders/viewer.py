"""Who is asking, derived once per request (architecture §2).

A `Viewer` holds the facts every permission predicate and scoped selector needs about the signed-in
person — their memberships (with organizations), resident profile, the estates where they own a
verified or claimed household, the councils they sit on, and the guardian grants of their groups —
each read from the database the first time it is asked for, then kept. `viewer_of(user)` returns the
one Viewer of a user object, so a page that asks forty questions reads each fact once; the
middleware puts it on the request as `request.viewer`. The predicates in permissions.py take the
user, find its viewer and decide; this module only knows facts, never decides. Code that works for
one person through several steps (the dashboards) takes the viewer and hands it down.

A Viewer lives as long as its user object: a request. A service that changes a membership does not
refresh the viewer of the request that called it; the next request reads the new facts.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q
from django.utils import timezone
from guardian.core import ObjectPermissionChecker

from .models import CouncilMember, Membership, Organization, Ownership, Residence, Resident

Kind = Organization.Kind
PARTNER_KINDS = frozenset({Kind.DESIGNER, Kind.PROPERTY_MANAGER, Kind.UTILITY})


class Viewer:
    def __init__(self, user):
        self.user = user
        self.is_authenticated = bool(user.is_authenticated)

    def __repr__(self) -> str:
        return f"<Viewer {self.user.pk if self.is_authenticated else 'anonymous'}>"

    @cached_property
    def is_admin(self) -> bool:
        return self.is_authenticated and self.user.is_active and self.user.is_superuser

    @cached_property
    def memberships(self) -> list[Membership]:
        if not self.is_authenticated:
            return []
        return list(
            Membership.objects.filter(user=self.user, organization__is_active=True).select_related("organization")
        )

    def organizations(self, kind: str | None = None, *, managers_only: bool = False) -> list[Organization]:
        return [
            m.organization
            for m in self.memberships
            if (kind is None or m.organization.kind == kind)
            and (not managers_only or m.role == Membership.Role.MANAGER)
        ]

    @cached_property
    def organization_kinds(self) -> frozenset[str]:
        return frozenset(m.organization.kind for m in self.memberships)

    @cached_property
    def resident(self) -> Resident | None:
        if not self.is_authenticated:
            return None
        try:
            return self.user.resident
        except Resident.DoesNotExist:
            return None

    @cached_property
    def verified_estate_ids(self) -> frozenset[int]:
        """Estates in which the user is a verified owner of at least one household."""
        if not self.is_authenticated:
            return frozenset()
        return frozenset(
            Ownership.objects.verified()
            .filter(resident__user=self.user)
            .values_list("household__building__estate_id", flat=True)
        )

    @cached_property
    def claimed_estate_ids(self) -> frozenset[int]:
        """Estates in which the user lives by a standing claim (an ownership or a residence)."""
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.claimed_households.values())

    @cached_property
    def claimed_households(self) -> dict[int, int]:
        """{household id: estate id} of every household the user lives in by a standing claim: an
        ownership (pending or verified) or a residence (a tenant, family; declared or confirmed)."""
        if not self.is_authenticated:
            return {}
        owned = Ownership.objects.open().filter(resident__user=self.user)
        lived = Residence.objects.standing().filter(resident__user=self.user)
        # (no ORDER BY in a UNION's parts: SQLite refuses it, and the models order by default)
        pairs = (
            owned.order_by()
            .values_list("household_id", "household__building__estate_id")
            .union(lived.order_by().values_list("household_id", "household__building__estate_id"))
        )
        return dict(pairs)

    @cached_property
    def council_estate_ids(self) -> frozenset[int]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(
            CouncilMember.objects.filter(resident__user=self.user, ended_on__isnull=True).values_list(
                "council__estate_id", flat=True
            )
        )

    @cached_property
    def serving_council_estate_ids(self) -> frozenset[int]:
        """Estates whose council the user sits on while it is filed and in term (or became the
        owners' committee): the seats that supervise the works and the money."""
        if not self.council_estate_ids:
            return frozenset()
        today = timezone.localdate()
        return frozenset(
            CouncilMember.objects.filter(
                resident__user=self.user, ended_on__isnull=True, council__filed_on__isnull=False
            )
            .filter(Q(council__term_ends__gte=today) | Q(council__converted_on__isnull=False))
            .values_list("council__estate_id", flat=True)
        )

    @cached_property
    def community_ids(self) -> frozenset[int]:
        return frozenset(org.community_id for org in self.organizations(Kind.COMMUNITY_COMMITTEE))

    @cached_property
    def party_branch_community_ids(self) -> frozenset[int]:
        return frozenset(org.community_id for org in self.organizations(Kind.PARTY_BRANCH))

    @cached_property
    def street_ids(self) -> frozenset[int]:
        return frozenset(org.street_id for org in self.organizations(Kind.STREET_OFFICE))

    @cached_property
    def managed_street_ids(self) -> frozenset[int]:
        return frozenset(org.street_id for org in self.organizations(Kind.STREET_OFFICE, managers_only=True))

    @cached_property
    def object_permissions(self) -> ObjectPermissionChecker | None:
        """guardian's checker, which caches the grants of the user's groups per object."""
        return ObjectPermissionChecker(self.user) if self.is_authenticated else None

    @cached_property
    def roles(self) -> list[str]:
        """The roles held, in the dashboard's order (architecture §2 names)."""
        kinds = self.organization_kinds
        names = []
        if self.is_admin:
            names.append("admin")
        for kind, name in [
            (Kind.HOUSING_BUREAU, "bureau"),
            (Kind.STREET_OFFICE, "street"),
            (Kind.COMMUNITY_COMMITTEE, "community"),
            (Kind.PARTY_BRANCH, "party_branch"),
            (Kind.INSPECTION, "inspection"),
            (Kind.DEPARTMENT, "department"),
            (Kind.EVALUATOR, "evaluator"),
            (Kind.CONTRACTOR, "contractor"),
            (Kind.SUPERVISOR, "supervisor"),
        ]:
            if kind in kinds:
                names.append(name)
        if kinds & PARTNER_KINDS:
            names.append("partner")
        if self.resident is not None:
            names.append("resident")
        return names


def viewer_of(user) -> Viewer:
    """The one Viewer of this user object (made on first use); a Viewer is returned as it is."""
    if isinstance(user, Viewer):
        return user
    viewer = getattr(user, "_viewer", None)
    if viewer is None:
        viewer = Viewer(user)
        user._viewer = viewer
    return viewer
