"""What a report is: its filters, its scoped and filtered query, its rows; helpers shared by the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Callable, Iterator

from django.db import connection
from django.db.models import Case, CharField, DecimalField, F, Value, When
from django.utils import timezone

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

    def filtered(self, filters: Filters, *, for_copy: bool = False):
        qs = self.queryset(filters, for_copy=True) if for_copy else self.queryset(filters)
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
        return self.filtered(filters, for_copy=True).query.sql_with_params()


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
