"""Report exports (/reports/): what each contains, for whom, streamed from the database.

Each report is a scoped, filtered queryset read with `.iterator()` (a server-side cursor on
PostgreSQL), turned into rows of typed values: the CSV writer formats them (UTF-8 with BOM, money
with two decimals), the XLSX job writes them natively. Memory stays constant whatever the number
of rows. Scope comes from portal/permissions.py: the bureau and admins see the city, street staff
their own streets only. Residents' names, phones, units and Party membership are in no report;
complaints carry no text; votes only their tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure.models import BudgetLine, LedgerEntry, ProgressUpdate
from disclosure.selectors import ledger_category_labels, projects_with_money
from feedback.models import Complaint, Response, Survey
from projects.models import Award, FundingSource, Project, Vote
from stakeholders.models import Organization

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
CHUNK = 2000


@dataclass
class Filters:
    """What the user asked for, already limited to their scope (`streets` None = the whole city)."""

    streets: frozenset[int] | None = None
    street: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_json(self) -> dict:
        return {
            "streets": sorted(self.streets) if self.streets is not None else None,
            "street": self.street,
            "status": self.status,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Filters":
        return cls(
            streets=frozenset(data["streets"]) if data.get("streets") is not None else None,
            street=data.get("street"),
            status=data.get("status") or "",
            date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
        )


@dataclass
class Report:
    code: str
    title: str
    description: str
    columns: list[tuple[str, object]]  # (code, translated header)
    queryset: Callable[[Filters], object]
    row: Callable[[object], list]
    project_path: str  # how the rows reach their project (for scope and status)
    date_field: str  # the field the date range filters
    # The queryset applies the scope itself (the contractors report scopes the projects it counts).
    scoped_by_queryset: bool = False
    # Its columns come out of the database exactly as the CSV shows them (text, ISO dates, numeric
    # with two decimals, NULL for empty): on PostgreSQL the CSV is then PostgreSQL's own COPY output.
    copyable: bool = False

    def filtered(self, filters: Filters):
        qs = self.queryset(filters)
        if self.scoped_by_queryset:
            return qs
        street = f"{self.project_path}estate__community__street_id"
        if filters.streets is not None:
            qs = qs.filter(**{f"{street}__in": filters.streets})
        if filters.street:
            qs = qs.filter(**{street: filters.street})
        if filters.status:
            qs = qs.filter(**{f"{self.project_path}status": filters.status})
        on_day = self.date_field if self.date_field.endswith("date") else f"{self.date_field}__date"
        if filters.date_from:
            qs = qs.filter(**{f"{on_day}__gte": filters.date_from})
        if filters.date_to:
            qs = qs.filter(**{f"{on_day}__lte": filters.date_to})
        return qs

    def count(self, filters: Filters) -> int:
        return self.filtered(filters).count()

    def rows(self, filters: Filters) -> Iterator[list]:
        for obj in self.filtered(filters).iterator(chunk_size=CHUNK):
            yield self.row(obj)

    def copy_sql(self, filters: Filters) -> tuple[str, tuple] | None:
        """The filtered query as SQL for `COPY (…) TO STDOUT`, when the report allows it here."""
        if not self.copyable or connection.vendor != "postgresql":
            return None
        return self.filtered(filters).query.sql_with_params()


def _local(dt: datetime | None):
    return timezone.localtime(dt).replace(tzinfo=None, microsecond=0) if dt else None


def _label(choices, value) -> str:
    """A stored code as people read it (reports are for people; open data keeps the codes)."""
    return str(dict(choices).get(value, value)) if value else ""


def _label_in_sql(field: str, labels: dict[str, str]):
    """The same translation done by the database, for reports PostgreSQL writes itself (COPY)."""
    return Case(
        *[When(**{field: code}, then=Value(str(label))) for code, label in labels.items()],
        default=F(field),
        output_field=CharField(),
    )


def _money(value) -> Decimal:
    return (value or Decimal("0")).quantize(Decimal("0.01"))


# --- the reports ---------------------------------------------------------------------------------------


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


def _ledger(filters: Filters):
    # Tuples, not model instances: the biggest report (a million rows at city scale) goes 5× faster;
    # on PostgreSQL it is COPY's own CSV (copyable), another 10× — an empty memo as NULL, so both
    # writers leave the cell empty.
    return LedgerEntry.objects.order_by("project_id", "seq").values_list(
        "project__code",
        "seq",
        "date",
        _label_in_sql("kind", dict(LedgerEntry.Kind.choices)),
        "amount",
        "counterparty",
        _label_in_sql("category", ledger_category_labels()),
        NullIf("memo", Value("")),
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
        _label(Survey.Kind.choices, s.kind),
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


QUESTION_HEADERS = [(f"avg_{q}", Response._meta.get_field(q).verbose_name) for q in Response.QUESTIONS]

REPORTS: dict[str, Report] = {
    r.code: r
    for r in [
        Report(
            "projects",
            _("Projects summary"),
            _("One row per project: status, budget, money in and out, progress, contractor."),
            [
                ("code", _("code")),
                ("title", _("title")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("status", _("status")),
                ("created", _("created on")),
                ("budget", _("budget (CNY)")),
                ("income", _("received (CNY)")),
                ("expense", _("spent (CNY)")),
                ("balance", _("balance (CNY)")),
                ("progress_percent", _("progress (%)")),
                ("contractor", _("contractor")),
                ("completed_on", _("completed on")),
            ],
            _projects,
            _project_row,
            "",
            "created_at",
        ),
        Report(
            "ledger",
            _("Ledger entries"),
            _("Every entry of every ledger in scope, as published (with its hash)."),
            [
                ("project", _("project")),
                ("seq", _("number")),
                ("date", _("date")),
                ("kind", _("kind")),
                ("amount", _("amount (CNY)")),
                ("counterparty", _("paid by / paid to")),
                ("category", _("category")),
                ("memo", _("memo")),
                ("reverses", _("reverses entry")),
                ("hash", _("hash")),
            ],
            _ledger,
            _ledger_row,
            "project__",
            "date",
            copyable=True,
        ),
        Report(
            "funding",
            _("Funding sources"),
            _("Each published budget's lines by source, with what has been received."),
            [
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("source_name", _("funding source")),
                ("budgeted", _("budgeted (CNY)")),
                ("received", _("received (CNY)")),
            ],
            _funding,
            _funding_row,
            "budget__project__",
            "budget__published_at",
        ),
        Report(
            "progress",
            _("Progress"),
            _("Every progress post: item, percent, the project's percent after it."),
            [
                ("project", _("project")),
                ("posted_at", _("posted at")),
                ("item", _("plan item")),
                ("description", _("what the item covers")),
                ("percent", _("percent complete")),
                ("project_percent", _("project percent complete")),
                ("contractor", _("contractor")),
                ("text", _("what was done")),
            ],
            _progress,
            _progress_row,
            "project__",
            "posted_at",
        ),
        Report(
            "votes",
            _("Votes (tallies)"),
            _("Closed votes with the electorate and the tallies by choice; no ballots."),
            [
                ("vote", _("vote")),
                ("project", _("project")),
                ("title", _("title")),
                ("purpose", _("purpose")),
                ("matter", _("matter")),
                ("scope", _("scope")),
                ("opened_at", _("opened at")),
                ("closed_at", _("closed at")),
                ("electorate_owners", _("owners in the electorate")),
                ("electorate_area", _("area of the electorate (m²)")),
                ("participants_owners", _("owners who took part")),
                ("participants_area", _("area that took part (m²)")),
                ("agree_owners", _("owners who agreed")),
                ("agree_area", _("area that agreed (m²)")),
                ("disagree_owners", _("owners who disagreed")),
                ("disagree_area", _("area that disagreed (m²)")),
                ("abstain_owners", _("owners who abstained")),
                ("abstain_area", _("area that abstained (m²)")),
                ("result", _("result")),
            ],
            _votes,
            _vote_row,
            "project__",
            "closed_at",
        ),
        Report(
            "complaints",
            _("Complaints and deadlines"),
            _("Each complaint's route, status and deadlines; never its text or its filer."),
            [
                ("id", _("number")),
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("category", _("category")),
                ("route", _("routed to")),
                ("agency", _("organization")),
                ("status", _("status")),
                ("filed_at", _("filed at")),
                ("acknowledge_due", _("acknowledge by")),
                ("acknowledged_at", _("acknowledged at")),
                ("acknowledged_on_time", _("acknowledged in time")),
                ("resolve_due", _("resolve by")),
                ("resolved_at", _("resolved at")),
                ("resolved_on_time", _("resolved in time")),
                ("closed_at", _("closed at")),
                ("escalated_at", _("escalated at")),
                ("escalation", _("escalated because")),
            ],
            _complaints,
            _complaint_row,
            "project__",
            "filed_at",
        ),
        Report(
            "surveys",
            _("Survey results by project"),
            _("Each survey's answers and averages (blank below the privacy threshold)."),
            [
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("contractor", _("contractor")),
                ("kind", _("kind")),
                ("status", _("status")),
                ("opened_at", _("opened at")),
                ("closed_at", _("closed at")),
                ("households", _("households invited")),
                ("responses", _("answers")),
                *QUESTION_HEADERS,
            ],
            _surveys,
            _survey_row,
            "project__",
            "opened_at",
        ),
        Report(
            "contractors",
            _("Survey results by contractor"),
            _("Each contractor with projects in scope and its residents' rating."),
            [
                ("contractor", _("contractor")),
                ("credit_code", _("unified social credit code")),
                ("projects", _("number of projects")),
                ("rating", _("rating (1–5)")),
                ("answers", _("answers")),
                ("rated_projects", _("projects rated")),
                *QUESTION_HEADERS,
            ],
            _contractors,
            _contractor_row,
            "",
            "created_at",
            scoped_by_queryset=True,
        ),
    ]
}
