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
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from tracker.display import said
from tracker.imports import headings, wan
from tracker.imports.column_types import Column, Kind, header_in
from tracker.imports.reading import Table

# A title row that states the unit of the amounts: 单位：万元, 金额单位：元, Unit: 10k CNY.
_UNIT_LINE = re.compile(r"单位\s*[:：]|\bunits?\s*[:：]|\bin\s+(10k|10,000|ten thousand)",
                        re.IGNORECASE)


def errors(kind: Kind, table: Table) -> list[list]:
    """[row 1, header, message] of each problem of `table`'s header row."""
    if table.title and _UNIT_LINE.search(table.title):
        return [[1, table.title, _(
            "The headers must be in row 1; row 1 here says the unit of the amounts: delete "
            "it and write the unit in each money header instead, as in %(example)s or "
            "%(wan)s.", example=_money_example(kind),
            wan=wan.headed_in_wan(_money_example(kind)))]]
    if table.title:
        return [[1, table.title, _("The headers must be in row 1; row 1 here is a title: "
                                   "delete it, so that the headers are the first row.")]]
    names = said.listed([str(c.header) for c in kind.columns])
    found = [[1, header, _unknown(kind, header, names)] for _position, header in table.unknown]
    # A header refused and taken for a column is one problem: the column is not also missing.
    meant = {_nearest(kind, header)[0] for _position, header in table.unknown}
    meant |= {money.key for _position, header in table.unknown
              if (money := _unit_asked(kind, header)) is not None}
    found += [[1, again, _("This column is given twice: %(first)s in column %(a)s and "
                           "%(again)s in column %(b)s. A file gives each column once: keep "
                           "one of them.", first=first, again=again,
                           a=get_column_letter(at + 1), b=get_column_letter(then + 1))]
              for at, first, then, again in table.repeated]
    present = set(table.columns.values())
    found += [[1, headings.named(kind, c.key), _("This column is required.")]
              for c in kind.columns if c.required and c.key not in present | meant]
    return found


def _money_example(kind: Kind) -> object:
    """The header of `kind`'s first money column (Budget total (CNY)), or Amount (CNY) when
    it has none."""
    money = [c.header for c in kind.columns if wan.is_money(c)]
    return money[0] if money else _l("Amount (CNY)")


def _unknown(kind: Kind, header: str, names: str) -> str:
    money = _unit_asked(kind, header)
    if money is not None:
        return _("%(header)s is an amount: say its unit in the header, %(yuan)s for amounts "
                 "in yuan or %(wan)s for amounts in 10,000 yuan. A unit written above the "
                 "table is not read.", header=header, yuan=money.header,
                 wan=wan.headed_in_wan(money.header))
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
    `header` writes (`headings.unit_of`, however it attaches it), nor one with a unit to a
    header that writes none: 预算总额（千元） is not 预算总额（元） renamed, and renaming it so
    imported every amount a thousand times too small (issue 13, as 万元 did before it was
    read, `wan`); a header without a unit asks for it (`_unit_asked`)."""
    written = headings.heading_key(header)
    headers = {key: (column.key, header_in(column.header, lang))
               for column in kind.columns
               for lang in current_app.config["LANGUAGES"]
               for known in (column.header, *column.aliases, *column.synonyms)
               for key in (headings.heading_key(header_in(known, lang)),)
               if headings.unit_of(key) == headings.unit_of(written)}
    close = difflib.get_close_matches(written, headers, n=1, cutoff=0.6)
    return headers[close[0]] if close else ("", "")


def _unit_asked(kind: Kind, header: str) -> Column | None:
    """`kind`'s money column `header` names without a unit the tracker reads (预算总额,
    注册资本, 预算总额（千元）); None when it names none. Such a header is not offered the
    column's header in 元: its sheet often says 单位：万元 above the table, and following that
    hint imported every amount 10,000 times too small (issue 13)."""
    written = headings.heading_key(header)
    unit = headings.unit_of(written)
    if unit in ("元", "万元"):
        return None
    stems = {headings.stem_of(headings.heading_key(header_in(column.header, lang))): column
             for column in kind.columns if wan.is_money(column)
             for lang in current_app.config["LANGUAGES"]}
    close = [near for bare in (written, written[:-len(unit) - 2] if unit else written)
             for near in difflib.get_close_matches(bare, stems, n=1, cutoff=0.8)]
    return stems[close[0]] if close else None
