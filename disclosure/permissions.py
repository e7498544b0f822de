"""Who may change the money and the works (architecture §2): the street office drafts, approves and
publishes the budget and keeps the ledger; the awarded contractor reports progress and milestones.
Seeing is public (the disclosure pages); vouchers are not (they may name people)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from projects import permissions as project_permissions
from projects.lifecycle import BUDGET_PUBLISHED_STATUSES, WORKS_STATUSES
from projects.models import Award, Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Organization
from stakeholders.viewer import viewer_of

from .ledger import VOLUNTEER_FEE_CREDIT, is_management
from .models import Budget, UtilityShare

S = Project.Status
# The ledger is kept from the budget's publication until long-term maintenance.
LEDGER_STATUSES = BUDGET_PUBLISHED_STATUSES


def _street_staff(user, project: Project) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_staff(
        user, project.estate
    )


def _street_approver(user, project: Project) -> bool:
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_street_approver(
        user, project.estate
    )


def can_draft_budget(user, project: Project, budget: Budget | None) -> bool:
    """Street staff draft the budget from the adopted plan, and correct it until it is approved."""
    return (
        project.status == S.PLAN_ADOPTED
        and (budget is None or budget.status == Budget.Status.DRAFT)
        and _street_staff(user, project)
    )


def is_budget_approver(user, project: Project) -> bool:
    """The role (whatever the state): the street approver of the project's estate."""
    return _street_approver(user, project)


def can_approve_budget(user, budget: Budget) -> bool:
    return (
        budget.status == Budget.Status.DRAFT
        and budget.project.status == S.PLAN_ADOPTED
        and _street_approver(user, budget.project)
    )


def can_publish_budget(user, budget: Budget) -> bool:
    """Publication (公示) moves the project to `budget_approved`."""
    return (
        budget.status == Budget.Status.APPROVED
        and budget.project.status == S.PLAN_ADOPTED
        and _street_approver(user, budget.project)
    )


def can_record_ledger(user, project: Project, budget: Budget | None) -> bool:
    """Street staff (finance) record income and expense once the budget is published."""
    return (
        budget is not None
        and budget.status == Budget.Status.PUBLISHED
        and project.status in LEDGER_STATUSES
        and _street_staff(user, project)
    )


MANAGEMENT_STATUSES = frozenset({Project.Status.COMPLETED, Project.Status.MAINTAINED})


def has_estate_manager(project: Project) -> bool:
    """Whether the estate was handed over to a firm at acceptance (read once per project object)."""
    if "_has_manager" not in project.__dict__:
        project.__dict__["_has_manager"] = Award.objects.filter(
            project_id=project.pk, role=Award.Role.MANAGER, ended_at__isnull=True
        ).exists()
    return project.__dict__["_has_manager"]


def can_record_management(user, project: Project, budget: Budget | None) -> bool:
    """After acceptance the ledger goes on as the estate's management ledger, kept by the firm the
    estate was handed over to — or, where no firm was (the community as interim management, the
    owners themselves, a firm still to be chosen), by the community committee."""
    return budget is not None and budget.status == Budget.Status.PUBLISHED and is_estate_keeper(user, project)


def is_estate_keeper(user, project: Project) -> bool:
    """Who keeps the estate after acceptance: the firm it was handed over to, or — where none was —
    the community committee (the management ledger, the maintenance records)."""
    if project.status not in MANAGEMENT_STATUSES:
        return False
    if project_permissions.is_project_manager(user, project):
        return True
    return not has_estate_manager(project) and stakeholder_permissions.is_community_staff(user, project.estate)


def can_post_maintenance(user, project: Project) -> bool:
    """The same keepers as the management ledger's, after acceptance (no budget needed)."""
    return is_estate_keeper(user, project)


def can_reverse_entry(user, project: Project, budget: Budget | None, entry: dict, reversed_seqs: set[int]) -> bool:
    """A published income or expense that nothing has reversed yet (`entry` as published), by whoever
    keeps its part of the ledger: the street office the renovation money, the manager the rest. A
    fee credit for volunteer points is never reversed: the points it used are spent."""
    if entry.get("category") == VOLUNTEER_FEE_CREDIT:
        return False
    keeper = can_record_management if is_management(entry) else can_record_ledger
    return entry["kind"] != "reversal" and entry["seq"] not in reversed_seqs and keeper(user, project, budget)


# --- volunteer points (志愿者积分, issue 20 item 6) ---------------------------------------------------


def can_log_volunteer_work(user, estate) -> bool:
    """Anyone living in the estate logs their volunteer work: an owner or a declared tenant or family
    member (a standing claim or residence)."""
    return stakeholder_permissions.is_resident(user) and estate.pk in stakeholder_permissions.claimed_estate_ids(user)


def may_confirm_volunteer_work(user, estate) -> bool:
    """The role: a representative of the estate's council in term."""
    return stakeholder_permissions.is_serving_council_member(user, estate)


def can_decide_volunteer_log(user, log) -> bool:
    """A council representative confirms or declines work waiting for the council — never their own."""
    return (
        log.status == "logged"
        and may_confirm_volunteer_work(user, log.estate)
        and log.resident.user_id != getattr(user, "pk", None)
    )


def can_set_volunteer_rate(user, estate) -> bool:
    """The council records the rate the estate agreed (at a meeting whose minutes it recorded)."""
    return may_confirm_volunteer_work(user, estate)


def can_redeem_points(user, project: Project, budget: Budget | None) -> bool:
    """Whoever keeps the management ledger grants the fee credit (it is an entry of that ledger)."""
    return can_record_management(user, project, budget)


def can_view_voucher(user, project: Project) -> bool:
    """Vouchers (invoices, receipts) may name people: they stay with the street office, the bureau,
    admins — and the estate's council in term, which supervises how the money is used (监督资金)."""
    return (
        _street_staff(user, project)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_serving_council_member(user, project.estate)
    )


def can_view_entry_voucher(user, project: Project, entry: dict) -> bool:
    """One entry's voucher (`entry` as published): whoever sees every voucher, and — for an entry of
    the management ledger — whoever keeps the estate (the firm reads its own receipts)."""
    return can_view_voucher(user, project) or (is_management(entry) and is_estate_keeper(user, project))


def can_post_progress(user, project: Project) -> bool:
    """Staff of the contractor currently awarded the works, while they are under way."""
    return project.status in WORKS_STATUSES and project_permissions.is_project_contractor(user, project)


can_manage_milestones = can_post_progress


def may_see_works_desk(user, project: Project) -> bool:
    """The contractor's and supervisor's own view of a project (even after completion)."""
    return project_permissions.is_project_contractor(user, project) or project_permissions.is_project_supervisor(
        user, project
    )


# --- inspection notes (施工检查记录, issue 17 item 5) -------------------------------------------------


def can_post_inspection(user, project: Project) -> bool:
    """Representatives of the estate's council in term inspect the works while they are under way."""
    return project.status in WORKS_STATUSES and stakeholder_permissions.is_serving_council_member(user, project.estate)


def can_answer_inspection(user, inspection) -> bool:
    """The project's current contractor answers a note once (also after the works ended)."""
    return inspection.answered_at is None and project_permissions.is_project_contractor(user, inspection.project)


# --- objections to the budget's public notice (公示与异议, issue 18 item 5) -------------------------


def notice_running(budget: Budget | None, today) -> bool:
    return (
        budget is not None
        and budget.status == Budget.Status.PUBLISHED
        and budget.notice_ends_on is not None
        and today <= budget.notice_ends_on
    )


def can_object_to_budget(user, project: Project, budget: Budget | None, today) -> bool:
    """Residents of the estate (a standing claim: owners, tenants, claimants) object while the
    budget's notice runs."""
    return notice_running(budget, today) and project.estate_id in stakeholder_permissions.claimed_estate_ids(user)


def can_answer_objection(user, objection) -> bool:
    """The street office answers each objection once (the office that published the notice)."""
    return objection.answered_at is None and _street_staff(user, objection.project)


def vote_notice_ends(vote):
    """A plan vote's result is on notice RESULT_NOTICE_DAYS after it closed (None if not closed)."""
    if vote is None or vote.closed_at is None:
        return None
    return vote.closed_at + timedelta(days=settings.RESULT_NOTICE_DAYS)


def vote_notice_running(vote, now) -> bool:
    ends = vote_notice_ends(vote)
    return ends is not None and vote.purpose == "plan" and now < ends


def can_object_to_vote(user, project: Project, vote, now) -> bool:
    """Residents of the estate object to a plan vote's result while it is on notice."""
    return (
        vote is not None
        and vote.project_id == project.pk
        and vote_notice_running(vote, now)
        and project.estate_id in stakeholder_permissions.claimed_estate_ids(user)
    )


# --- collection, household by household (issue 19) ------------------------------------------------


def may_see_collection_desk(user, project: Project) -> bool:
    """The shares with rooms and who paid: the estate's community committee, its council in term,
    its street office (and admins). The public sees counts and sums per building only."""
    return (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, project.estate)
        or stakeholder_permissions.is_serving_council_member(user, project.estate)
        or stakeholder_permissions.is_street_staff(user, project.estate)
    )


def can_record_collection(user, project: Project) -> bool:
    """Community or council staff record payments and exemptions once the budget is published."""
    return project.status in LEDGER_STATUSES and (
        stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_community_staff(user, project.estate)
        or stakeholder_permissions.is_serving_council_member(user, project.estate)
    )


def can_view_payment_receipt(user, payment, household_owner_ids: frozenset[int]) -> bool:
    """The household's verified owners, and those who see the desk."""
    resident = stakeholder_permissions.resident_profile(user)
    owner = resident is not None and resident.pk in household_owner_ids
    return owner or may_see_collection_desk(user, payment.project)


def can_see_workloads(user) -> bool:
    """The map's workloads layer (late approval matters, open complaints): the bureau, admins."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


# --- the utilities' shares of a budget (issue 22 item 1) ---------------------------------------------


def utility_ids(user) -> frozenset[int]:
    """The utilities (专营单位) the user works for."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        m.organization_id for m in viewer_of(user).memberships if m.organization.kind == Organization.Kind.UTILITY
    )


def can_name_utility_shares(user, budget: Budget) -> bool:
    """The street office names who carries the utility line while the budget is a draft."""
    return can_draft_budget(user, budget.project, budget)


def sees_every_utility_share(user) -> bool:
    """Admins see every utility's desk (they decide none: only the utility answers for itself)."""
    return stakeholder_permissions.is_platform_admin(user)


def may_use_utility_desk(user) -> bool:
    return bool(utility_ids(user)) or sees_every_utility_share(user)


def can_see_utility_share(user, share: UtilityShare) -> bool:
    """The utility asked, the street office, the bureau, admins (the budget is not public yet)."""
    return (
        share.organization_id in utility_ids(user)
        or stakeholder_permissions.is_platform_admin(user)
        or stakeholder_permissions.is_bureau_staff(user)
        or stakeholder_permissions.is_street_staff(user, share.budget.project.estate)
    )


def can_decide_utility_share(user, share: UtilityShare) -> bool:
    """The utility itself confirms or disputes, while it is asked and the budget still a draft."""
    return (
        share.status == UtilityShare.Status.PENDING
        and share.budget.status == Budget.Status.DRAFT
        and share.organization_id in utility_ids(user)
    )


# --- third-party evaluation (issue 22 item 6) --------------------------------------------------------


def evaluator_ids(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        m.organization_id for m in viewer_of(user).memberships if m.organization.kind == Organization.Kind.EVALUATOR
    )


def can_engage(user) -> bool:
    """The housing bureau engages evaluators (per project, or per plan year)."""
    return stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user)


def covers(engagement, project: Project) -> bool:
    return engagement.project_id == project.pk or (engagement.year is not None and engagement.year == project.plan_year)


def engagement_for(user, project: Project, engagements) -> object | None:
    """The user's organization's engagement that covers `project` (of the `engagements` loaded)."""
    mine = evaluator_ids(user)
    return next((e for e in engagements if e.evaluator_id in mine and covers(e, project)), None)


def may_use_evaluation_desk(user) -> bool:
    return bool(evaluator_ids(user)) or can_engage(user)


def can_read_evaluation_records(user, project: Project, engagements) -> bool:
    """The records an evaluation reads (never residents' names, phones or units): the evaluator
    engaged for the project, the bureau, admins."""
    return can_engage(user) or engagement_for(user, project, engagements) is not None


def can_write_evaluation(user, project: Project, engagements, report) -> bool:
    """Visits and the report: the engaged evaluator, until it publishes the report."""
    return engagement_for(user, project, engagements) is not None and (
        report is None or report.status == report.Status.DRAFT
    )
