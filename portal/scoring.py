"""How streets perform (issue 22 item 5): named indicators computed from the portal's own data, per
street, each with its definition; a monthly snapshot (StreetScore) so the bureau sees the trend. A
fixed number of queries at any size: every indicator is one grouped query over all streets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import Review
from disclosure.models import Budget, EvaluationReport, Milestone
from feedback.models import Complaint, Response
from stakeholders.models import Estate, Street

from .models import StreetScore


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    unit: str
    better: str  # "higher" or "lower"


INDICATORS = [
    Indicator(
        "satisfaction",
        _("Residents' satisfaction"),
        _(
            "The average overall score (1 very dissatisfied – 5 very satisfied) of every answer to the "
            "satisfaction surveys of the street's projects, after completion and in the years after."
        ),
        "/5",
        "higher",
    ),
    Indicator(
        "complaint_hours",
        _("Complaint response time"),
        _(
            "The average hours from a complaint being filed to its first acknowledgement, over the "
            "complaints about the street's projects filed in the last 365 days."
        ),
        pgettext_lazy("unit", "hours"),
        "lower",
    ),
    Indicator(
        "late_matters",
        _("Overdue approval matters"),
        _("Approval matters of the street's projects still under review after their time limit, today."),
        _("matters"),
        "lower",
    ),
    Indicator(
        "schedule_slip",
        _("Schedule slip"),
        _("Of the milestones of the street's projects whose planned date has passed, the share met late or not met."),
        "%",
        "lower",
    ),
    Indicator(
        "councils",
        _("Estates with a filed council"),
        _("The share of the street's estates whose residents' council is filed and in its term."),
        "%",
        "higher",
    ),
    Indicator(
        "spending",
        _("Spending against budget"),
        _(
            "What the ledgers record as spent, as a share of the published budgets of the street's projects "
            "(near 100% at the end of the works; far above it means overspending)."
        ),
        "%",
        "higher",
    ),
    Indicator(
        "evaluation",
        _("Third-party evaluation"),
        _(
            "The average overall score (0–100) of the published reports of the evaluators the bureau engaged "
            "for the street's projects (第三方评估)."
        ),
        "/100",
        "higher",
    ),
]
CODES = [i.code for i in INDICATORS]


def _pct(part, whole) -> float | None:
    return round(100 * float(part) / float(whole), 1) if whole else None


def compute(today: date | None = None) -> dict[int, dict[str, float | int | None]]:
    """street id → indicator code → value (None: nothing to measure yet). Seven queries and the streets."""
    today = today or timezone.localdate()
    street = "project__estate__community__street"
    out: dict[int, dict] = {pk: dict.fromkeys(CODES) for pk in Street.objects.values_list("pk", flat=True)}

    for row in Response.objects.values(f"survey__{street}").annotate(avg=Avg("overall")).order_by():
        out.setdefault(row[f"survey__{street}"], dict.fromkeys(CODES))["satisfaction"] = round(row["avg"], 2)

    wait = ExpressionWrapper(F("acknowledged_at") - F("filed_at"), output_field=DurationField())
    recent = Complaint.objects.filter(filed_at__gte=timezone.now() - timedelta(days=365), acknowledged_at__isnull=False)
    for row in recent.values(street).annotate(avg=Avg(wait)).order_by():
        if row["avg"] is not None:
            out.setdefault(row[street], dict.fromkeys(CODES))["complaint_hours"] = round(
                row["avg"].total_seconds() / 3600, 1
            )

    late = Review.objects.filter(status=Review.Status.PENDING, due_on__lt=today)
    for row in late.values(f"submission__{street}").annotate(n=Count("id")).order_by():
        out.setdefault(row[f"submission__{street}"], dict.fromkeys(CODES))["late_matters"] = row["n"]
    for values in out.values():
        values["late_matters"] = values["late_matters"] or 0

    due = Milestone.objects.filter(due_date__lt=today)
    slipped = Q(status__in=[Milestone.Status.NOT_MET, Milestone.Status.PARTIALLY_MET, Milestone.Status.SCHEDULED]) | Q(
        status=Milestone.Status.MET, date_met__gt=F("due_date")
    )
    for row in due.values(street).annotate(n=Count("id"), slipped=Count("id", filter=slipped)).order_by():
        out.setdefault(row[street], dict.fromkeys(CODES))["schedule_slip"] = _pct(row["slipped"], row["n"])

    estates = dict(
        Estate.objects.order_by()
        .values("community__street")
        .annotate(n=Count("id"))
        .values_list("community__street", "n")
    )
    in_term = Q(council__filed_on__isnull=False) & (
        Q(council__term_ends__isnull=True) | Q(council__term_ends__gte=today)
    )
    filed = dict(
        Estate.objects.filter(in_term)
        .order_by()
        .values("community__street")
        .annotate(n=Count("id"))
        .values_list("community__street", "n")
    )
    for pk, n in estates.items():
        out.setdefault(pk, dict.fromkeys(CODES))["councils"] = _pct(filed.get(pk, 0), n)

    published = Budget.objects.filter(status=Budget.Status.PUBLISHED)
    for row in published.values(street).annotate(total=Sum("total"), spent=Sum("ledger_spent")).order_by():
        out.setdefault(row[street], dict.fromkeys(CODES))["spending"] = _pct(row["spent"] or Decimal(0), row["total"])

    reports = EvaluationReport.objects.filter(status=EvaluationReport.Status.PUBLISHED)
    for row in reports.values(street).annotate(avg=Avg("overall")).order_by():
        out.setdefault(row[street], dict.fromkeys(CODES))["evaluation"] = round(float(row["avg"]), 1)
    return out


@dataclass
class Row:
    street: Street
    values: dict

    @property
    def cells(self) -> list[tuple[Indicator, float | int | None]]:
        return [(i, self.values.get(i.code)) for i in INDICATORS]


def table(today: date | None = None, month: date | None = None) -> list[Row]:
    """The streets with their indicators: computed now, or a month's snapshot."""
    streets = list(Street.objects.order_by("district", "name"))
    if month is None:
        values = compute(today)
    else:
        values = dict(StreetScore.objects.filter(month=month).values_list("street_id", "values"))
    return [Row(s, {c: values.get(s.pk, {}).get(c) for c in CODES}) for s in streets]


def months() -> list[date]:
    return list(StreetScore.objects.order_by("-month").values_list("month", flat=True).distinct())


def snapshot(today: date | None = None) -> int:
    """Keep this month's snapshot, once (the beat job runs hourly; a second run adds nothing)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    if StreetScore.objects.filter(month=month).exists():
        return 0
    values = compute(today)
    made = 0
    for street_id, row in values.items():
        if street_id is None:
            continue
        try:
            with transaction.atomic():
                StreetScore.objects.create(month=month, street_id=street_id, values=row)
                made += 1
        except IntegrityError:  # another run took it
            continue
    return made
