"""What is wrong with a file's header row (row 1), said before any row is read: a header no
column has (with the nearest one that is), a column headed twice, a required column missing,
or a title where the headers should be (issue 13: a sheet's "2024年…名录" above its headers
was refused as "no such column 2024年…名录").
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from tracker.display import said
from tracker.imports import headings, wan
from tracker.imports.column_types import Column, Kind, header_in
from tracker.imports.reading import Table

_KEY = "key"  # a file headed by the columns' keys (`Column.shown`), as an export is
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
    found = [[1, header, _unknown(kind, header, names, table.written)]
             for _position, header in table.unknown]
    # A header refused and taken for a column is one problem: the column is not also missing.
    meant = {column.key for _position, header in table.unknown
             for column, _form, _key in [_nearest(kind, header)] if column is not None}
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


def _unknown(kind: Kind, header: str, names: str, written: dict[str, str]) -> str:
    money = _unit_asked(kind, header)
    if money is not None:
        return _("%(header)s is an amount: say its unit in the header, %(yuan)s for amounts "
                 "in yuan or %(wan)s for amounts in 10,000 yuan. A unit written above the "
                 "table is not read.", header=header, yuan=money.header,
                 wan=wan.headed_in_wan(money.header))
    near = nearest(kind, header, written)
    if near:
        return _("No such column in an import of %(kind)s; did you mean %(near)s? The "
                 "columns are: %(names)s.", kind=str(kind.title), near=near, names=names)
    return _("No such column in an import of %(kind)s; the columns are: %(names)s.",
             kind=str(kind.title), names=names)


def _forms(column: Column) -> dict[str, str]:
    """The ways a file heads `column`: in each language, and by its key (as an export does)."""
    return {**{lang: header_in(column.header, lang) for lang in current_app.config["LANGUAGES"]},
            _KEY: column.shown}


def nearest(kind: Kind, header: str, written: dict[str, str] | None = None) -> str:
    """The column of `kind`'s nearest to `header` (Nmae: Name, 统一信用代码: 统一社会信用代码,
    pm_emial: pm_email, 成立时刻: 成立日期), headed as the file heads its other columns
    (`written`: {key: header cell}): in Chinese, in English or by their keys, whatever the
    reader's language, so that the user writes it as the rest of the file; where `header` is
    nearer its header in another of these, that one follows in brackets (Ful name in a file
    headed in Chinese: 姓名（Full name）). Empty when none is near."""
    column, form, key = _nearest(kind, header)
    if column is None:
        return ""
    headed = Counter(form for known, text in (written or {}).items()
                     for form, its in _forms(kind.column(known)).items()
                     if headings.heading_key(its) == headings.heading_key(text))
    forms = _forms(column)
    usual = max(forms, key=headed.__getitem__) if headed else form  # a language first
    if usual == form or headings.heading_key(forms[usual]) == key:
        return forms[usual]
    return forms[usual] + said.aside(forms[form])


def _nearest(kind: Kind, header: str) -> tuple[Column | None, str, str]:
    """(column, form, what it matched) of `kind`'s column nearest to `header`, (None, "", "")
    when none is near: its header in either language, a former or synonymous one
    (`Column.aliases`, `synonyms`: the column then said by its header in that language), or
    its key. Never one in another unit than `header` writes (`headings.unit_of`, however it
    attaches it), nor one with a unit to a header that writes none: 预算总额（千元） is not
    预算总额（元） renamed, and renaming it so imported every amount a thousand times too small
    (issue 13, as 万元 did before it was read, `wan`); a header without a unit asks for it
    (`_unit_asked`)."""
    written = headings.heading_key(header)
    found: dict[str, tuple[Column, str]] = {}
    for column in kind.columns:
        known = [(lang, text) for lang in current_app.config["LANGUAGES"]
                 for text in (header_in(column.header, lang), *column.headers_before(lang),
                              *(header_in(synonym, lang) for synonym in column.synonyms))]
        for form, text in [*known, (_KEY, column.shown)]:  # Name before its key name
            key = headings.heading_key(text)
            if headings.unit_of(key) == headings.unit_of(written):
                found.setdefault(key, (column, form))
    close = difflib.get_close_matches(written, found, n=1, cutoff=0.6)
    return (*found[close[0]], close[0]) if close else (None, "", "")


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
