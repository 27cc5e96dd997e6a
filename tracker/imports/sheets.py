"""Files an import hands out: each kind's empty template (CSV or XLSX, headers in the asking
person's language) and a run's errors as CSV (its text neutralised against formulas)."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tracker.export.columns import neutralised
from tracker.imports import notices
from tracker.imports.column_notes import how_to_fill
from tracker.imports.columns import Kind
from tracker.imports.models import ImportRun


def headers(kind: Kind) -> list[str]:
    return [str(c.header) for c in kind.columns]


def template_csv(kind: Kind) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(headers(kind))
    # With a byte-order mark, Excel opens the Chinese headers as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: Kind) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(kind.title)[:31]
    sheet.append(headers(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    notes = book.create_sheet(_("Columns")[:31])
    notes.append([_("Column"), _("Required"), _("How to fill it")])
    for column in kind.columns:
        notes.append([str(column.header), _("yes") if column.required else "",
                      how_to_fill(column)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The formats a template is handed out in: each its writer and its media type.
TEMPLATE_FORMATS = {
    "csv": (template_csv, "text/csv"),
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def template(kind: Kind, fmt: str) -> tuple[bytes, str]:
    """`kind`'s empty template in `fmt` (csv or xlsx), headers in the current language, and
    its media type: what the upload page offers and `flask import-template` writes."""
    write, mimetype = TEMPLATE_FORMATS[fmt]
    return write(kind), mimetype


def errors_csv(run: ImportRun) -> bytes:
    """The run's errors, after how it read its file (the sheet its rows are of, the columns
    it ignored: `notices`), each of those a line of its own, with no row nor column."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Message")])
    # A header or a holder's name the file gave may start a cell ("=HYPERLINK(...) is a
    # person: ..."): neutralised as in every CSV we write, so the spreadsheet runs nothing.
    writer.writerows([neutralised(v) if isinstance(v, str) else v for v in line] for line in [
        *(["", "", notice] for notice in notices.lines(run.notices)), *run.placed_errors])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
