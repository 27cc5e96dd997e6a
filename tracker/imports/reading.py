"""Reading a spreadsheet into rows of text: CSV (UTF-8, or GB18030 as Excel saves it in
Chinese) or XLSX (openpyxl in read-only mode, streamed: a large sheet is never held whole).

Every cell comes out as the text a person would type into the form: dates as 2024-03-15,
whole numbers without ".0", amounts as written, a CSV's text without the apostrophe that
neutralises a formula (`tracker.export.columns.as_written`). Row numbers are the spreadsheet's
own (the header is row 1), so an error names the row the user sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from tracker.export.columns import as_written
from tracker.imports import merged, wan
from tracker.imports.column_types import Kind, header_in
from tracker.imports.headings import headers_of, heading_key, is_bookkeeping


class UnreadableFile(ValueError):
    """Not a CSV or XLSX file we can read; the message says why."""


def unreadable() -> str:
    """What a run says of a file `read` could not read, beside the file's name."""
    return _("This file cannot be read: save it as CSV (UTF-8) or XLSX.")


@dataclass
class Table:
    """The header row mapped to column keys, and an iterator of (row number, {key: text})."""

    columns: dict[int, str]  # position -> column key
    unknown: list[tuple[int, str]]  # (position, header) of headers no column has
    rows: Iterator[tuple[int, dict[str, str]]]
    total: int | None  # rows below the header, where the format tells without reading them
    # column key -> its header cell as the file wrote it, which a problem names it by
    # (`headings.named`): a former header, the key or the other language's header too
    written: dict[str, str] = field(default_factory=dict)
    # (position, header, position, header) of a column headed twice: the first and the
    # repeat, the same header or two of one column's (名称 and Name): refused, for the
    # last one was read and the first left out without a word (issue 13)
    repeated: list[tuple[int, str, int, str]] = field(default_factory=list)
    # row 1's one filled cell when it names no column: a title above the headers
    title: str = ""
    # the headers of the columns left unread as bookkeeping (`headings.BOOKKEEPING`), as
    # written, each once
    ignored: list[str] = field(default_factory=list)
    # an XLSX file's: the sheet read (None: a CSV file), the workbook's sheets, and whether
    # the sheet read is named for the kind (else it is the first visible one: `data_sheet`)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    named: bool = False
    # column key -> its header cell, of the money columns headed in 万 (`wan`): their
    # amounts are read in 万, the single ones here, a list cell's by its kind's reader
    scaled: dict[str, str] = field(default_factory=dict)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat(sep=" "))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Spreadsheets keep numbers as doubles: the shortest text that reads back the same.
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value).strip()


def _as_shown(cell: Any) -> object:
    """A cell's value, or, where the sheet shows a number otherwise than it keeps it, as shown:
    a number formatted as a percentage (3 % typed into Excel keeps 0.03) is the percentage
    shown, which a column of per cents asks for (a royalty rate of 3 % was imported as
    0.03 %, issue 13)."""
    value = cell.value
    if (isinstance(value, int | float) and not isinstance(value, bool)
            and "%" in (getattr(cell, "number_format", "") or "")):
        shown = format(Decimal(repr(value)) * 100, "f")
        return shown.rstrip("0").rstrip(".") if "." in shown else shown
    return value


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _csv_cell_text(value: Any) -> str:
    """A CSV cell's text: as `cell_text`, the apostrophe that neutralises a formula (or
    doubles one) dropped, as every CSV we write puts it (`tracker.export.columns.neutralised`):
    "'=1+1" is =1+1, "''quoted" is 'quoted, "'quoted" stays as it is. An XLSX cell keeps
    its apostrophe: a string cell is never a formula, so it is the text's own."""
    return as_written(cell_text(value))


# What a row of totals says in its first filled cell, or in its name or title (compared as
# `heading_key` reads a header: 合 计, Total: and TOTAL alike).
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "total", "totals", "grandtotal",
                         "subtotal", "sum"})
# What a note below the table begins its first filled cell with: 注：带*为必填项, 填表说明：…,
# 制表人：王芳, Note: amounts in CNY.
NOTE = re.compile(r"(注|注意|说明|备注|填表说明|填报说明|填表人|制表人|制表|审核人|notes?)\s*[:：]",
                  re.IGNORECASE)
# The cells that name a record beside its code columns: a row that fills one of them, or a
# code, beside its word is a record (a user named Sum, an institute coded TOTAL), no total.
_NAMING = ("name", "title")


class TotalRow(dict):
    """A row that is no record: a total (`TOTAL_WORDS`), as a spreadsheet's last row often is
    (`,合计,,,…`), or a note below the table (`NOTE`), where it created an enterprise named 合计
    or 注：带*为必填项. Refused as one (`services`), beside `column`, the column its word is
    in (the table's first where that is none of the kind's). `note`: a note, not a total."""

    def __init__(self, texts: dict[str, str], column: str, note: bool) -> None:
        super().__init__(texts)
        self.column, self.note = column, note

    def said(self) -> str:
        """Why the row is refused, in the reader's language."""
        if self.note:
            return _("This looks like a note below the table, not a record: remove it.")
        return _("This looks like a total row: remove it.")


def naming(kind: Kind) -> frozenset[str]:
    """The columns of `kind` that name a record: its codes, its name, its title."""
    return frozenset(c.key for c in kind.columns if c.is_code or c.key in _NAMING)


def _no_record(texts: dict[str, str], first: str, at: str | None, names: frozenset[str],
               beside: str) -> TotalRow | None:
    """The row as a `TotalRow` when it says it is one: its first filled cell (`first`, in the
    column `at`) a total word or a note, or its name or title a total word, and no other cell
    that names a record filled."""
    said = [key for key, text in ((at, first), *((k, texts.get(k, "")) for k in _NAMING))
            if heading_key(text) in TOTAL_WORDS]
    note = not said and NOTE.match(first.strip()) is not None
    if not said and not note:
        return None
    column = said[0] if said else at
    if any(texts.get(key) for key in names - {column}):
        return None
    return TotalRow(texts, column or beside, note)


def _rows_of(raw_rows: Iterator[tuple[int, list]], columns: dict[int, str],
             names: frozenset[str], read_cell: Callable[[Any], str] = cell_text,
             in_wan: frozenset[str] = frozenset()):
    """(number, {key: text}) of each row with a filled cell, a `TotalRow` for a total or a
    note (`names`: the columns that name a record); `in_wan`: the columns of one amount the
    file heads in 万, read in 元 (`wan`)."""
    beside = columns[min(columns)] if columns else ""
    for number, cells in raw_rows:
        texts = {key: read_cell(cells[i]) if i < len(cells) else ""
                 for i, key in columns.items()}
        for key in in_wan:  # an amount in 万 is the form's in 元 (`wan`)
            texts[key] = wan.in_yuan(texts[key])
        if any(texts.values()):
            at, first = next(((i, text) for i, text in enumerate(map(read_cell, cells))
                              if text), (0, ""))
            yield number, _no_record(texts, first, columns.get(at), names, beside) or texts


def _table(kind: Kind, languages: tuple[str, ...], header: list, raw_rows, total,
           read_cell: Callable[[Any], str] = cell_text) -> Table:
    known, in_wan = headers_of(kind, languages), wan.headers_of(kind, languages)
    columns, unknown, written, repeated, first, ignored = {}, [], {}, [], {}, {}
    scaled = {}
    for i, text in enumerate(header):
        if not cell_text(text):
            continue
        key = known.get(heading_key(cell_text(text)))
        if key is None and (key := in_wan.get(heading_key(cell_text(text)))) is not None:
            scaled[key] = cell_text(text)
        if key is None and is_bookkeeping(cell_text(text)):
            ignored[cell_text(text)] = i
        elif key is None:
            unknown.append((i, cell_text(text)))
        elif key in first:
            repeated.append((first[key], written[key], i, cell_text(text)))
        else:
            columns[i], first[key] = key, i
            written[key] = cell_text(text)
    filled = [cell_text(text) for text in header if cell_text(text)]
    title = filled[0] if len(filled) == 1 and not columns and not ignored else ""
    scaled = {key: text for key, text in scaled.items() if written[key] == text}  # read
    single = frozenset(key for key in scaled if not kind.column(key).amounts)
    rows = _rows_of(raw_rows, columns, naming(kind), read_cell, single)
    return Table(columns, [] if title else unknown, rows, total, written, repeated, title,
                 list(ignored), scaled=scaled)


def data_sheet(kind: Kind, book: Any, languages: tuple[str, ...]) -> tuple[Any, bool]:
    """The sheet of `book` an import reads, and whether it is named for the kind: the one
    named so (as its template names it, in either language), else the first visible one. A
    hidden first sheet (a 字典 of lookups) was read instead of the data (issue 13)."""
    names = {heading_key(header_in(kind.title, lang)[:31]) for lang in languages}
    visible = [s for s in book.worksheets if s.sheet_state == "visible"] or book.worksheets
    named = next((s for s in visible if heading_key(s.title) in names), None)
    return (named, True) if named is not None else (visible[0], False)


def read(kind: Kind, filename: str, stream: IO[bytes], languages: tuple[str, ...]) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(str(error)) from None
        sheet, named = data_sheet(kind, book, languages)
        rows = ([_as_shown(cell) for cell in row] for row in sheet.iter_rows())
        header = list(next(rows, ()) or ())
        total = max(sheet.max_row - 1, 0) if sheet.max_row else None
        table = _table(kind, languages, header,
                       merged.filled(enumerate(rows, start=2), merged.down(sheet)), total)
        table.sheet, table.sheets, table.named = sheet.title, book.sheetnames, named
        return table
    if name.endswith(".csv"):
        try:
            text = _decode(stream.read())
        except UnicodeDecodeError:
            raise UnreadableFile("not UTF-8 or GB18030 text") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        total = max(text.count("\n") - 1, 0)
        return _table(kind, languages, header, enumerate(reader, start=2), total,
                      _csv_cell_text)
    raise UnreadableFile("not .csv or .xlsx")
