"""The audit trail (全过程可溯): which records are audited, which of their fields, and the project each
log entry belongs to (so the audit page filters by project). django-auditlog writes one LogEntry per
create, change and delete — in the admin too — with the acting user (stakeholders/audit.py).

Not audited on purpose: ballots (who voted how is secret; a ballot is never changed and its own row
records when and by whom a paper ballot was entered) and residents' profiles (personal data)."""

from __future__ import annotations

from auditlog.registry import auditlog

from disclosure.models import Budget, BudgetLine, LedgerEntry
from feedback.models import Complaint
from projects.models import (
    AcceptanceSignature,
    Award,
    CompletionReport,
    Defect,
    Petition,
    PlanItem,
    PlanVersion,
    Project,
    ProjectGroupObjectPermission,
    ProjectUserObjectPermission,
    Sponsorship,
    Vote,
)
from stakeholders.models import Membership, Organization, Ownership, User


def _project_of(attr_path: str):
    """The project id reached from the instance along `attr_path` ("project_id", "version.project_id")."""

    def get(instance):
        value = instance
        for part in attr_path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    return get


def register() -> None:

    audited = [
        # model, project link, auditlog options
        (
            Ownership,
            None,
            {
                "include_fields": [
                    "status",
                    "is_voting_owner",
                    "rejection_reason",
                    "reviewed_by",
                    "household",
                    "resident",
                ]
            },
        ),
        (Project, "pk", {"include_fields": ["status", "title", "completed_on", "estate"]}),
        (Petition, "project_id", {"include_fields": ["status", "reason"]}),
        (Sponsorship, "petition.project_id", {"include_fields": ["status", "household", "resident"]}),
        (
            Vote,
            "project_id",
            {
                "include_fields": [
                    "status",
                    "title",
                    "matter",
                    "scope",
                    "opens_at",
                    "closes_at",
                    "opened_at",
                    "closed_at",
                    "electorate_owners",
                    "electorate_area",
                    "result",
                ]
            },
        ),
        (PlanVersion, "project_id", {"include_fields": ["status", "number", "summary", "published_at"]}),
        (PlanItem, "version.project_id", {}),
        (
            Budget,
            "project_id",
            {"include_fields": ["status", "total", "approved_by", "approved_at", "published_at", "notice_ends_on"]},
        ),
        (BudgetLine, "budget.project_id", {}),
        (
            Award,
            "project_id",
            {"include_fields": ["role", "organization", "contract_amount", "ended_at", "end_reason"]},
        ),
        (LedgerEntry, "project_id", {"exclude_fields": ["voucher"]}),
        (AcceptanceSignature, "project_id", {}),
        (CompletionReport, "project_id", {"exclude_fields": ["document"]}),
        (Defect, "report.project_id", {}),
        (
            Complaint,
            "project_id",
            {
                "include_fields": [
                    "status",
                    "route",
                    "agency",
                    "escalated_at",
                    "escalation",
                    "acknowledged_at",
                    "resolved_at",
                    "closed_at",
                    "reopened",
                ]
            },
        ),
        # Permission grants: object permissions on projects, memberships, groups, admin rights.
        (ProjectGroupObjectPermission, "content_object_id", {}),
        (ProjectUserObjectPermission, "content_object_id", {}),
        (Membership, None, {}),
        (Organization, None, {"include_fields": ["name", "kind", "is_active", "street", "community"]}),
        (
            User,
            None,
            {"include_fields": ["username", "is_active", "is_staff", "is_superuser"], "m2m_fields": {"groups"}},
        ),
    ]
    for model, link, options in audited:
        if auditlog.contains(model):
            continue
        if link is not None:
            getter = _project_of(link)
            model.get_additional_data = lambda self, getter=getter: {"project": getter(self)}
        auditlog.register(model, **options)
