"""Each report's query and how one of its rows reads (typed values: the writers format them)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from disclosure.models import BudgetLine, LedgerEntry, ProgressUpdate
from disclosure.selectors import ledger_category_labels, projects_with_money
from feedback.models import Complaint, Response, Survey
from projects.models import Award, FundingSource, Project, Vote
from stakeholders.models import Organization

from ..exports import neutralised_in_sql
from .base import MONEY, ZERO, Filters, _label, _label_in_sql, _local, _money


def _projects(filters: Filters):
    contractor = Award.objects.filter(project=OuterRef("pk"), role=Award.Role.CONTRACTOR, ended_at__isnull=True).values(
        "organization__name"
    )[:1]
    return (
        projects_with_money(Project.objects.all())
        .annotate(contractor_name=Subquery(contractor))
        .select_related("estate__community__street")
        .order_by("pk")
    )


def _project_row(p) -> list:
    balance = _money(p.income) - _money(p.spent)
    # The day in Asia/Shanghai: a project created at 01:45 Beijing time belongs to that day, not UTC's.
    return [
        p.code,
        p.title,
        p.estate.name,
        p.estate.community.street.name,
        _label(Project.Status.choices, p.status),
        timezone.localdate(p.created_at) if p.created_at else None,
        p.budget_total,
        p.income,
        p.spent,
        balance,
        p.progress,
        p.contractor_name or "",
        p.completed_on,
    ]


def _ledger(filters: Filters, *, for_copy: bool = False):
    # Tuples, not model instances: the biggest report (a million rows at city scale) goes 5× faster;
    # on PostgreSQL it is COPY's own CSV (copyable), another 10× — an empty memo as NULL, so both
    # writers leave the cell empty. COPY writes the cells itself, so the typed text is neutralised
    # in SQL there (portal/exports.py); the Python writers neutralise it as they write.
    counterparty, memo = "counterparty", "memo"
    if for_copy:
        counterparty, memo = neutralised_in_sql("counterparty"), neutralised_in_sql("memo")
    return LedgerEntry.objects.order_by("project_id", "seq").values_list(
        "project__code",
        "seq",
        "date",
        _label_in_sql("kind", dict(LedgerEntry.Kind.choices)),
        "amount",
        counterparty,
        _label_in_sql("category", ledger_category_labels()),
        NullIf(memo, Value("")),
        "reverses__seq",
        "hash",
    )


def _ledger_row(e) -> list:
    return list(e)


def _net_received():
    income = (
        LedgerEntry.objects.filter(project=OuterRef("budget__project"), kind="income", category=OuterRef("source"))
        .order_by()
        .values("project")
    )
    reversed_income = (
        LedgerEntry.objects.filter(
            project=OuterRef("budget__project"),
            kind="reversal",
            reverses__kind="income",
            reverses__category=OuterRef("source"),
        )
        .order_by()
        .values("project")
    )
    return Coalesce(Subquery(income.annotate(s=Sum("amount")).values("s"), output_field=MONEY), ZERO) - Coalesce(
        Subquery(reversed_income.annotate(s=Sum("amount")).values("s"), output_field=MONEY), ZERO
    )


def _funding(filters: Filters):
    return (
        BudgetLine.objects.filter(budget__status="published")
        .annotate(received=_net_received())
        .select_related("budget__project__estate__community__street")
        .order_by("budget__project_id", "source")
    )


def _funding_row(line) -> list:
    project = line.budget.project
    return [
        project.code,
        project.estate.name,
        project.estate.community.street.name,
        _label(FundingSource.choices, line.source),
        line.amount,
        line.received,
    ]


def _progress(filters: Filters):
    return ProgressUpdate.objects.select_related("project", "plan_item__catalog_item", "organization").order_by(
        "project_id", "posted_at", "id"
    )


def _progress_row(u) -> list:
    item = u.plan_item
    return [
        u.project.code,
        _local(u.posted_at),
        item.catalog_item.name if item else "",
        item.description if item else "",
        u.percent,
        u.project_percent,
        u.organization.name,
        u.text,
    ]


def _votes(filters: Filters):
    by = {}
    for choice in ("agree", "disagree", "abstain"):
        by[f"{choice}_owners"] = Count("ballots", filter=Q(ballots__choice=choice))
        by[f"{choice}_area"] = Coalesce(Sum("ballots__area", filter=Q(ballots__choice=choice)), ZERO)
    return (
        Vote.objects.filter(status=Vote.Status.CLOSED)
        .annotate(participants_owners=Count("ballots"), participants_area=Coalesce(Sum("ballots__area"), ZERO), **by)
        .select_related("project")
        .order_by("closed_at", "id")
    )


def _vote_row(v) -> list:
    return [
        v.code,
        v.project.code,
        v.title,
        _label(Vote.Purpose.choices, v.purpose),
        _label(Vote.Matter.choices, v.matter),
        _label(Vote.Scope.choices, v.scope),
        _local(v.opened_at),
        _local(v.closed_at),
        v.electorate_owners,
        v.electorate_area,
        v.participants_owners,
        v.participants_area,
        v.agree_owners,
        v.agree_area,
        v.disagree_owners,
        v.disagree_area,
        v.abstain_owners,
        v.abstain_area,
        _label(Vote.Result.choices, v.result),
    ]


def _complaints(filters: Filters):
    return Complaint.objects.select_related("project__estate__community__street", "agency").order_by("filed_at", "id")


def _on_time(done, due):
    return None if done is None else done <= due


def _complaint_row(c) -> list:
    return [
        c.pk,
        c.project.code,
        c.project.estate.name,
        c.project.estate.community.street.name,
        _label(Complaint.Category.choices, c.category),
        _label(Complaint.Route.choices, c.route),
        c.agency.name,
        _label(Complaint.Status.choices, c.status),
        _local(c.filed_at),
        _local(c.acknowledge_due),
        _local(c.acknowledged_at),
        _on_time(c.acknowledged_at, c.acknowledge_due),
        _local(c.resolve_due),
        _local(c.resolved_at),
        _on_time(c.resolved_at, c.resolve_due),
        _local(c.closed_at),
        _local(c.escalated_at),
        _label(Complaint.Escalation.choices, c.escalation),
    ]


def _surveys(filters: Filters):
    contractor = Award.objects.filter(
        project=OuterRef("project"), role=Award.Role.CONTRACTOR, ended_at__isnull=True
    ).values("organization__name")[:1]
    sums = {f"sum_{q}": Sum(f"responses__{q}") for q in Response.QUESTIONS}
    return (
        Survey.objects.annotate(n=Count("responses"), contractor_name=Subquery(contractor), **sums)
        .select_related("project__estate__community__street")
        .order_by("opened_at", "id")
    )


def _survey_row(s) -> list:
    shown = s.n >= settings.SURVEY_MIN_RESPONSES  # the privacy threshold holds in reports too
    averages = [
        (Decimal(getattr(s, f"sum_{q}")) / s.n).quantize(Decimal("0.01")) if shown else None for q in Response.QUESTIONS
    ]
    return [
        s.project.code,
        s.project.estate.name,
        s.project.estate.community.street.name,
        s.contractor_name or "",
        str(s.title),
        _label(Survey.Status.choices, s.status),
        _local(s.opened_at),
        _local(s.closed_at),
        s.households,
        s.n,
        *averages,
    ]


def _contractors(filters: Filters):
    projects = Project.objects.all()
    if filters.streets is not None:
        projects = projects.filter(estate__community__street_id__in=filters.streets)
    if filters.street:
        projects = projects.filter(estate__community__street_id=filters.street)
    if filters.status:
        projects = projects.filter(status=filters.status)
    return (
        Organization.objects.filter(kind=Organization.Kind.CONTRACTOR, awards__project__in=projects.values("pk"))
        .annotate(project_count=Count("awards__project", distinct=True))
        .order_by(F("rating_overall").desc(nulls_last=True), "name")
    )


def _contractor_row(o) -> list:
    details = o.rating_details or {}
    return [
        o.name,
        o.credit_code,
        o.project_count,
        o.rating_overall,
        o.rating_responses,
        o.rating_projects,
        *[Decimal(details[q]) if details.get(q) not in (None, "None") else None for q in Response.QUESTIONS],
    ]
