"""What is wrong with a file's header row (row 1), said before any row is read: a header no
column has (with the nearest one that is), a column headed twice, a required column missing,
or a title where the headers should be (issue 13: a sheet's "2024年…名录" above its headers
was refused as "no such column 2024年…名录").
"""

from __future__ import annotations

import difflib
import re

from flask import current_app
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from tracker.display import said
from tracker.imports import headings
from tracker.imports.column_types import Kind, header_in
from tracker.imports.reading import Table

_UNIT = re.compile(r"\(([^()]*)\)$")


def errors(kind: Kind, table: Table) -> list[list]:
    """[row 1, header, message] of each problem of `table`'s header row."""
    if table.title:
        return [[1, table.title, _("The headers must be in row 1; row 1 here is a title: "
                                   "delete it, so that the headers are the first row.")]]
    names = said.listed([str(c.header) for c in kind.columns])
    found = [[1, header, _unknown(kind, header, names)] for _position, header in table.unknown]
    # A header refused and taken for a column is one problem: the column is not also missing.
    meant = {_nearest(kind, header)[0] for _position, header in table.unknown}
    found += [[1, again, _("This column is given twice: %(first)s in column %(a)s and "
                           "%(again)s in column %(b)s. A file gives each column once: keep "
                           "one of them.", first=first, again=again,
                           a=get_column_letter(at + 1), b=get_column_letter(then + 1))]
              for at, first, then, again in table.repeated]
    present = set(table.columns.values())
    found += [[1, headings.named(kind, c.key), _("This column is required.")]
              for c in kind.columns if c.required and c.key not in present | meant]
    return found


def _unknown(kind: Kind, header: str, names: str) -> str:
    near = nearest(kind, header)
    if near:
        return _("No such column in an import of %(kind)s; did you mean %(near)s? The "
                 "columns are: %(names)s.", kind=str(kind.title), near=near, names=names)
    return _("No such column in an import of %(kind)s; the columns are: %(names)s.",
             kind=str(kind.title), names=names)


def nearest(kind: Kind, header: str) -> str:
    """The header of `kind`'s nearest to `header`, in the language it is nearest in (名城:
    名称, Nmae: Name); empty when none is near."""
    return _nearest(kind, header)[1]


def _nearest(kind: Kind, header: str) -> tuple[str, str]:
    """(key, header) of `kind`'s column nearest to `header`, ("", "") when none is near: its
    header, or a former or synonymous one (`Column.aliases`, `synonyms`), in the language it
    is nearest in, the column then said by its header. Never one in another unit than
    `header` writes in its brackets: 预算总额（千元） is not 预算总额（元） renamed, and renaming
    it so imported every amount a thousand times too small (issue 13, as 万元 did before it
    was read, `wan`)."""
    written = headings.heading_key(header)
    headers = {key: (column.key, header_in(column.header, lang))
               for column in kind.columns
               for lang in current_app.config["LANGUAGES"]
               for known in (column.header, *column.aliases, *column.synonyms)
               for key in (headings.heading_key(header_in(known, lang)),)
               if not _unit(written) or _unit(key) == _unit(written)}
    close = difflib.get_close_matches(written, headers, n=1, cutoff=0.6)
    return headers[close[0]] if close else ("", "")


def _unit(key: str) -> str:
    """What a header (as `heading_key` reads it) writes in brackets at its end: its unit."""
    found = _UNIT.search(key)
    return found.group(1) if found else ""
