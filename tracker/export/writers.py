"""A list into a file: CSV (UTF-8 with a byte-order mark, so spreadsheet software reads
Chinese) or XLSX (typed cells, a frozen header, column widths).

Both take the columns and an iterable of rows and never hold the whole list: the CSV is a
generator of chunks, the XLSX is written by openpyxl's write-only mode, which keeps one row in
memory at a time. Both are free of Flask's request, so a command (`flask report ...`) can use
them as well as a page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.export.columns import Column, Kind, cell_functions, headers

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
NUMBER_FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.PCT: '0.00"%"',
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
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


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
    columns' widths, money with two decimals, dates as dates."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet((title or "Sheet").translate(SHEET_NAME_FORBIDDEN)[:31])
    # Write-only sheets take their layout before the first row.
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers(columns):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(c.kind) for c in columns]
    cells = cell_functions(columns)
    for row in rows:
        values = []
        for cell_of, number_format in zip(cells, formats, strict=True):
            value = cell_of(row)
            if number_format and value is not None:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = number_format
            values.append(value)
        sheet.append(values)
    book.save(out)
