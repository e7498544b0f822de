"""Writing report rows: CSV (streamed, UTF-8 with BOM so Excel shows Chinese) and XLSX (openpyxl's
write-only mode: rows go to disk as they come, memory stays flat).

Text typed by people (a ledger counterparty, a memo, a progress note) reaches a spreadsheet that
runs formulas: `=cmd|' /C calc'!A0` or `=HYPERLINK(...)` in a cell is an attack on whoever opens
the export (OWASP "CSV injection"). So a text cell that starts with = + - @, a tab or a carriage
return is neutralised — in CSV with a leading apostrophe (shown, never evaluated), in XLSX by
storing it as a string cell (openpyxl would otherwise store it as a formula). Numbers stay numbers,
exact; a negative amount is a Decimal, never text, so it is never touched."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.db import connections
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.replica import read_alias
from projects.canonical import money

FLUSH_EVERY = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The same rule for PostgreSQL's regular expressions (COPY writes the CSV itself).
FORMULA_START_SQL = r"^[=+@\t\r-]"


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet shows it but never runs it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralised_in_sql(field: str):
    """`neutralise` done by the database, for the reports PostgreSQL writes with COPY."""
    return Case(
        When(**{f"{field}__regex": FORMULA_START_SQL}, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


def csv_stream(header: list[str], rows):
    """Yield the CSV text in chunks: the BOM, the header, then FLUSH_EVERY rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if n % FLUSH_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


COPY_CHUNK = 64 * 1024


def copy_stream(header: list[str], sql: str, params):
    """Yield the CSV as PostgreSQL writes it (`COPY (sql) TO STDOUT`), after the BOM and the header,
    in chunks of about COPY_CHUNK bytes: no Python object per row, memory flat."""

    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    with connections[read_alias()].cursor() as cursor:  # the replica for a replica_ok view
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            chunk = bytearray()
            for data in copy:
                chunk += data
                if len(chunk) >= COPY_CHUNK:
                    yield bytes(chunk)
                    chunk.clear()
            if chunk:
                yield bytes(chunk)


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_write(path: str, *, title: str, header: list[str], rows, progress=None) -> int:
    """Write `rows` under `header` to an .xlsx at `path`; call progress(n) every FLUSH_EVERY rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    n = 0
    for n, row in enumerate(rows, 1):
        # Decimal stays Decimal (an exact number); text is always a string cell, never a formula.
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        if progress and n % FLUSH_EVERY == 0:
            progress(n)
    workbook.save(path)
    return n
