"""A list into a file: CSV (UTF-8 with a byte-order mark, so spreadsheet software reads
Chinese) or XLSX (typed cells, a frozen header, column widths).

Both take the columns and an iterable of rows and never hold the whole list: the CSV is a
generator of chunks, the XLSX is written a few hundred rows at a time into its compressed sheet
(`tracker.export.xlsx`). Both are free of Flask's request, so a command (`flask report ...`) can use
them as well as a page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from tracker.export import xlsx
from tracker.export.columns import Column, Kind, cell_functions, headers, neutralised

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
NUMBER_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.PCT: '0.00"%"',
    Kind.MULTIPLE: '#,##0.00"×"',
    Kind.YEAR: "0",
    Kind.NUMBER: "#,##0.########",
    Kind.PRICE: "#,##0.00######",
    Kind.DATE: "yyyy-mm-dd",
    Kind.INSTANT: "yyyy-mm-dd hh:mm:ss",
}
# Sheet names: at most 31 characters, none of these.
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):  # a count, a year, a number of shares without decimals: -5
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return neutralised(str(value))  # text only: a number's minus sign is no formula


def write_csv(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV file in chunks of bytes: the header in the current language, then each row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(headers(columns))
    cells = cell_functions(columns)
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_text(cell(row)) for cell in cells])
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(columns: list[Column], rows: Iterable[Any], out: IO[bytes],
               title: str = "") -> None:
    """The XLSX workbook into `out`: one sheet named `title`, a bold frozen header, the
    columns' widths, money with two decimals, dates as dates (`tracker.export.xlsx`)."""
    xlsx.write(headers(columns), [c.width for c in columns],
               [NUMBER_FORMATS.get(c.kind) for c in columns], cell_functions(columns), rows, out,
               (title or "Sheet").translate(SHEET_NAME_FORBIDDEN)[:31])
