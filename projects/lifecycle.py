"""The project lifecycle declared in one place (adhocracy4's phases): which status may follow which,
and who moves it. Views and services read this table; nothing else decides transitions."""

import enum

from .models import Project

S = Project.Status


class By(enum.Enum):
    STREET_APPROVER = "street_approver"  # a manager of the estate's street office, by hand
    STREET_STAFF = "street_staff"  # any member of the estate's street office, by hand
    SERVICE = "service"  # only as part of another service (vote result, budget approval, award, …)


TRANSITIONS: dict[tuple[str, str], By] = {
    (S.PETITIONING, S.SUBMITTED): By.SERVICE,  # the willingness vote passed
    (S.PETITIONING, S.REJECTED): By.SERVICE,  # the willingness vote failed (rejected or no quorum)
    (S.SUBMITTED, S.ACCEPTED): By.STREET_APPROVER,  # 纳入改造计划
    (S.SUBMITTED, S.REJECTED): By.STREET_APPROVER,
    (S.ACCEPTED, S.PLANNING): By.STREET_STAFF,  # 需求征集 starts
    (S.PLANNING, S.PLAN_VOTING): By.SERVICE,  # the final plan's vote opens
    (S.PLAN_VOTING, S.PLAN_ADOPTED): By.SERVICE,  # the plan vote passed
    (S.PLAN_VOTING, S.PLANNING): By.SERVICE,  # rejected or no quorum: next plan version
    (S.PLAN_ADOPTED, S.BUDGET_APPROVED): By.SERVICE,  # budget approved and published
    (S.BUDGET_APPROVED, S.CONTRACTED): By.SERVICE,  # contractor and supervisor awarded
    (S.CONTRACTED, S.UNDER_CONSTRUCTION): By.SERVICE,  # first progress posted
    (S.UNDER_CONSTRUCTION, S.COMPLETED): By.SERVICE,  # completion acceptance signed by all three
    (S.COMPLETED, S.MAINTAINED): By.STREET_APPROVER,  # handed over to long-term management
}

# Stages of the money and the works (disclosure keeps the budget, ledger and progress).
BUDGET_PUBLISHED_STATUSES = frozenset(
    {S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION, S.COMPLETED, S.MAINTAINED}
)
PLAN_ADOPTED_STATUSES = BUDGET_PUBLISHED_STATUSES | {S.PLAN_ADOPTED}

# A project "under way": while one is, the estate cannot start another petition.
OPEN_PROJECT_STATUSES = frozenset(
    {
        S.PETITIONING,
        S.SUBMITTED,
        S.ACCEPTED,
        S.PLANNING,
        S.PLAN_VOTING,
        S.PLAN_ADOPTED,
        S.BUDGET_APPROVED,
        S.CONTRACTED,
        S.UNDER_CONSTRUCTION,
    }
)
# Needs (点单) are filed, supported and triaged from acceptance until the plan vote is called.
NEEDS_OPEN_STATUSES = frozenset({S.ACCEPTED, S.PLANNING})
# The street approver awards (or replaces) the builders from the budget's approval until completion.
AWARD_STATUSES = frozenset({S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION})
# The contractor posts milestones and progress while the works are contracted or under way.
WORKS_STATUSES = frozenset({S.CONTRACTED, S.UNDER_CONSTRUCTION})

# Transitions whose note is shown to residents as the reason.
NOTE_REQUIRED = {(S.SUBMITTED, S.REJECTED)}


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


# From the adopted plan on: the departments' approvals and the procurement record have a page.
AFTER_ADOPTION = frozenset(
    {S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION, S.COMPLETED, S.MAINTAINED}
)
# What the public sees: every project the street office has taken on (accepted onwards), and those
# it turned down. Petitions still collecting signatures are the owners' own business.
PUBLIC_STATUSES = [
    S.ACCEPTED,
    S.PLANNING,
    S.PLAN_VOTING,
    S.PLAN_ADOPTED,
    S.BUDGET_APPROVED,
    S.CONTRACTED,
    S.UNDER_CONSTRUCTION,
    S.COMPLETED,
    S.MAINTAINED,
    S.REJECTED,
]
