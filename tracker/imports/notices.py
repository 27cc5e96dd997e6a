"""What a run says of how it read its file, beside what its rows did (issue 13): which sheet of
a workbook it read, among which, and which columns it left unread as bookkeeping (a row's
number, a remark: `headings.BOOKKEEPING`, which every adopter's spreadsheet has, and for which
the whole file was refused as "no such column").

A workbook of several sheets is read by its sheet named for the kind, else its first visible
one (`reading.data_sheet`): the reader of the run's rows must know which sheet they are rows
of. Kept on the run as codes and their arguments (`ImportRun.notices`), never as text, so that
each reader reads them in their own language: on the run's page (a dry run's, a refused one's),
in its error file and after `flask import`'s counts.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.display import said
from tracker.imports.column_types import Kind
from tracker.imports.columns import KINDS
from tracker.imports.reading import Table

SHEET, IGNORED, WAN = "sheet", "ignored", "wan"


def of(kind: Kind, table: Table, file: str = "") -> list[dict[str, Any]]:
    """What `table`, a file of `kind`, says of how it was read, as a run keeps it; `file`: its
    name, where a run reads two (the companies and their incentive grants)."""
    found: list[dict[str, Any]] = []
    if table.sheet is not None:
        found.append({"code": SHEET, "kind": kind.name, "sheet": table.sheet,
                      "sheets": list(table.sheets), "named": table.named})
    if table.ignored:
        found.append({"code": IGNORED, "columns": list(table.ignored)})
    if table.scaled:  # money columns headed in 万, read in 万 (`wan`)
        found.append({"code": WAN, "columns": list(table.scaled.values())})
    return [{**notice, "file": file} if file else notice for notice in found]


def lines(stored: list[dict[str, Any]] | None) -> list[str]:
    """Each notice in the reader's language; one whose code this version does not know is
    left out."""
    return [_("%(file)s: %(notice)s", file=notice["file"], notice=text)
            if notice.get("file") else text
            for notice in stored or [] if notice.get("code") in _SAYING
            for text in (_SAYING[notice["code"]](notice),)]


def _sheet(notice: dict[str, Any]) -> str:
    sheets = notice.get("sheets") or [notice["sheet"]]
    if len(sheets) == 1:
        return _("Sheet read: %(sheet)s.", sheet=notice["sheet"])
    kind = KINDS.get(notice.get("kind", ""))
    listed = said.listed(sheets)
    if notice.get("named") or kind is None:
        return _("Sheet read: %(sheet)s, the one named for what the file holds, of the "
                 "workbook's sheets %(sheets)s.", sheet=notice["sheet"], sheets=listed)
    return _("Sheet read: %(sheet)s, the first visible one, of the workbook's sheets "
             "%(sheets)s; a sheet named %(name)s is read before the others.",
             sheet=notice["sheet"], sheets=listed, name=str(kind.title)[:31])


def _ignored(notice: dict[str, Any]) -> str:
    columns = notice.get("columns") or []
    return ngettext("Column ignored, as row numbers and remarks are not imported: %(columns)s.",
                    "Columns ignored, as row numbers and remarks are not imported: "
                    "%(columns)s.", len(columns), columns=said.listed(columns))


def _wan(notice: dict[str, Any]) -> str:
    return _("Amounts read in 万 (ten thousand yuan) as headed, each multiplied by 10,000 and "
             "kept in yuan: %(columns)s.", columns=said.listed(notice.get("columns") or []))


_SAYING = {SHEET: _sheet, IGNORED: _ignored, WAN: _wan}
