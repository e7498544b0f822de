"""Writing report rows: CSV (streamed, UTF-8 with BOM so Excel shows Chinese) and XLSX (openpyxl's
write-only mode: rows go to disk as they come, memory stays flat)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

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
