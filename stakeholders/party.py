"""Party membership confirmed by the community Party branch (社区党支部), not self-declared.

A resident who says "I am a Party member" (at registration) has a claim that waits for the Party
branch of a community they live in (one where they claimed a household). The branch confirms it or
not, with a reason; only a confirmed membership counts — for a petition's sponsors and in the
councils' public counts. Membership is private: never on a public page, never in an export; the
branch sees the claims of its own community only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for

from . import permissions
from .audit import by_actor
from .models import Community, Notification, Ownership, Resident, User
from .services import notify
from .viewer import viewer_of

ERRORS = {
    "not_allowed": _("The Party branch of the resident's community decides this."),
    "reason_required": _("Give a reason, so the resident knows why."),
}
_error = errors_for(ERRORS)


def communities_of(resident: Resident) -> set[int]:
    """The communities of the estates the resident claimed a household in (not rejected)."""
    return set(
        Ownership.objects.filter(resident=resident)
        .exclude(status=Ownership.Status.REJECTED)
        .values_list("household__building__estate__community_id", flat=True)
    )


@by_actor
@transaction.atomic
def party_claim_decide(*, resident: Resident, actor: User, confirm: bool, reason: str = "") -> Resident:
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    communities = communities_of(locked)
    if not permissions.can_decide_party_claim(actor, locked, communities):
        raise PermissionDenied(ERRORS["not_allowed"])
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise _error("reason_required", "reason")
    locked.party_claim = "confirmed" if confirm else "rejected"
    locked.is_party_member = confirm
    locked.party_decided_by, locked.party_decided_at, locked.party_reason = actor, timezone.now(), reason[:300]
    locked.save(
        update_fields=["party_claim", "is_party_member", "party_decided_by", "party_decided_at", "party_reason"]
    )
    community = (
        Community.objects.filter(pk__in=communities & (viewer_of(actor).party_branch_community_ids or communities))
        .order_by("pk")
        .first()
    )
    notify(
        users=[locked.user_id],
        kind=Notification.Kind.PARTY_DECIDED,
        url=reverse("home"),
        key=f"party-decided:{locked.pk}:{locked.party_decided_at.isoformat()}",
        community=community.name if community else "",
        result="party_confirmed" if confirm else "party_not_confirmed",
    )
    return locked


def claims_for(user):
    """The claims waiting for the user's Party branch (all of them for a platform admin)."""
    waiting = Resident.objects.filter(party_claim="pending").order_by("created_at", "id")
    if not permissions.is_platform_admin(user):
        communities = viewer_of(user).party_branch_community_ids
        waiting = waiting.filter(
            ownerships__household__building__estate__community_id__in=communities,
            ownerships__status__in=[Ownership.Status.PENDING, Ownership.Status.VERIFIED],
        ).distinct()
    homes = Ownership.objects.exclude(status=Ownership.Status.REJECTED).select_related("household__building__estate")
    return waiting.select_related("user").prefetch_related(Prefetch("ownerships", queryset=homes, to_attr="homes"))


def pending_count(user) -> int:
    return claims_for(user).count() if permissions.may_review_party_claims(user) else 0
