"""Writing report rows: CSV (streamed, UTF-8 with BOM so Excel shows Chinese) and XLSX (openpyxl's
write-only mode: rows go to disk as they come, memory stays flat)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from openpyxl import Workbook

from projects.canonical import money

FLUSH_EVERY = 500


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
    return str(value)


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
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            chunk = bytearray()
            for data in copy:
                chunk += data
                if len(chunk) >= COPY_CHUNK:
                    yield bytes(chunk)
                    chunk.clear()
            if chunk:
                yield bytes(chunk)


def xlsx_write(path: str, *, title: str, header: list[str], rows, progress=None) -> int:
    """Write `rows` under `header` to an .xlsx at `path`; call progress(n) every FLUSH_EVERY rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    n = 0
    for n, row in enumerate(rows, 1):
        sheet.append(row)  # Decimal stays Decimal: openpyxl writes it as an exact number
        if progress and n % FLUSH_EVERY == 0:
            progress(n)
    workbook.save(path)
    return n
