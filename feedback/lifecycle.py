"""Complaints declared in one place (adhocracy4's phases): where each category goes, which status
may follow which and who moves it. Views, services and permissions read these tables."""

import enum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project

from .models import Complaint

C = Complaint.Category
R = Complaint.Route
S = Complaint.Status
P = Project.Status

# Complaints are taken from the street office taking the project on until long-term maintenance.
COMPLAINT_PROJECT_STATUSES = frozenset(
    {
        P.ACCEPTED,
        P.PLANNING,
        P.PLAN_VOTING,
        P.PLAN_ADOPTED,
        P.BUDGET_APPROVED,
        P.CONTRACTED,
        P.UNDER_CONSTRUCTION,
        P.COMPLETED,
        P.MAINTAINED,
    }
)

# Works problems go to the builder and its supervisor; money and misconduct to the street office,
# never to the contractor (an integrity tip may be about them); the rest to the community committee.
# Noise and dust come from the site, so they go with the works.
ROUTES: dict[str, str] = {
    C.QUALITY: R.WORKS,
    C.SAFETY: R.WORKS,
    C.NUISANCE: R.WORKS,
    C.WASTE: R.WORKS,
    C.SCHEDULE: R.WORKS,
    C.FUND_USE: R.STREET,
    C.INTEGRITY: R.STREET,
    C.OTHER: R.COMMUNITY,
}
# What the site does to its surroundings (noise, dust, construction waste): neighbours of the site
# report it too, not only the estate's residents (issue 21 item 4).
SITE_CATEGORIES = frozenset({C.NUISANCE, C.WASTE})
# Routes the contractor and supervisor never see.
CONFIDENTIAL_ROUTES = frozenset({R.STREET})
# What is never published (not even as an Open311 request without its text): money and misconduct
# tips, whoever answers them. A works complaint that went to the street office for want of a
# contractor is an ordinary complaint and is public like the others.
CONFIDENTIAL_CATEGORIES = frozenset({C.FUND_USE, C.INTEGRITY})

# When the intended organization is not there, the street office takes the complaint; the filer is
# told where it went and why (the field test's works complaint "went silently" to the street office).
FALLBACK_REASONS = {
    R.WORKS: _("No contractor has been awarded on this project yet, so the street office deals with it."),
    R.COMMUNITY: _("The community committee does not use the portal yet, so the street office deals with it."),
}


def route_note(complaint: Complaint) -> str:
    """Why a complaint went elsewhere than its category says ("" when it went where it says)."""
    intended = ROUTES.get(complaint.category)
    if intended is None or intended == complaint.route:
        return ""
    return str(FALLBACK_REASONS.get(intended, ""))


class By(enum.Enum):
    RESPONDER = "responder"  # the organization the complaint is routed to (or the street office once escalated)
    FILER = "filer"  # the resident who filed it
    SERVICE = "service"  # the portal's own job (closing after the reopening window)


TRANSITIONS: dict[tuple[str, str], By] = {
    (S.SUBMITTED, S.ACKNOWLEDGED): By.RESPONDER,
    (S.SUBMITTED, S.IN_PROGRESS): By.RESPONDER,  # acknowledges it too
    (S.ACKNOWLEDGED, S.IN_PROGRESS): By.RESPONDER,
    (S.ACKNOWLEDGED, S.RESOLVED): By.RESPONDER,
    (S.IN_PROGRESS, S.RESOLVED): By.RESPONDER,
    (S.RESOLVED, S.CLOSED): By.FILER,  # the filer confirms; the sweep closes it after the window
    (S.RESOLVED, S.IN_PROGRESS): By.FILER,  # reopened within COMPLAINT_REOPEN_DAYS
}
# The message is required: residents must be told what was done, responders why it was reopened.
NOTE_REQUIRED = {(S.ACKNOWLEDGED, S.RESOLVED), (S.IN_PROGRESS, S.RESOLVED), (S.RESOLVED, S.IN_PROGRESS)}
OPEN_STATUSES = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.IN_PROGRESS})


# "Overdue", the one definition: not acknowledged by its deadline, or not resolved by its deadline.
# The beat job escalates these, the lists filter and count them, the pages mark them.
def acknowledgement_overdue(complaint: Complaint, now) -> bool:
    return complaint.status == S.SUBMITTED and complaint.acknowledge_due < now


def resolution_overdue(complaint: Complaint, now) -> bool:
    return complaint.status in OPEN_STATUSES and complaint.resolve_due < now


def overdue_q(now) -> Q:
    """The same rule as a filter (for querysets and aggregate counts)."""
    return Q(status=S.SUBMITTED, acknowledge_due__lt=now) | Q(status__in=OPEN_STATUSES, resolve_due__lt=now)


def next_statuses(status: str, by: By) -> list[str]:
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and who is by]
