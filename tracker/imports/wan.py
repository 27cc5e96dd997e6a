"""Amounts headed in 万 (ten thousand yuan), as a Chinese finance sheet heads them (issue
13).

Every amount the tracker keeps is in 元, and its money columns say so: 预算总额（元）, Budget
total (CNY). A column headed in 万 instead (预算总额（万元）, 金额（万）,
注册资本（万 元）, Budget total (10k
CNY)) was refused as "no such column; did you mean 预算总额（元）?", and following that hint
imported every amount 10,000 times too small, without a word. So a money column headed
in 万 is read in 万: each amount is multiplied by 10,000, exactly (a `Decimal`), before
the form and the service check it as they check any amount; the columns read so are the
file's `Table.scaled`, which the run says (`notices`); a problem names each as the file
headed it. A list cell whose
entries carry amounts (`Column.amounts`: a project's budget lines, a contract's
instalments and payments, an agreement's tranches and disbursements, a company's rounds
and exit) is read in 万 when its header says so (付款节点（万元）); headed without a unit, its
amounts are in 元, whatever another column's header says. An export writes 元, as every
file does.

A cell of a column in 万 that writes its own 万 (50万, 50万元) is 50 万 as well. A cell is read
as the amount field reads one (full-width digits and point, ¥, grouped thousands: `in_yuan`),
so what the field could read as an amount is never handed to it unscaled: anything else is
left as written, for the field to refuse, saying what it takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from tracker.display import said
from tracker.imports import headings
from tracker.imports.column_types import Column, Kind, header_in
from tracker.names import half_width
from tracker.numbers import amount_text

# A cell's own 万 or 万元 after its number, if it writes one.
_OWN_WAN = re.compile(r"\s*万元?\Z")
TIMES = Decimal(10000)


def is_money(column: Column) -> bool:
    """Whether `column` holds one amount in 元: its header says (CNY) in English."""
    return "(CNY" in header_in(column.header, "en")


def headers_of(kind: Kind, languages: tuple[str, ...]) -> dict[str, str]:
    """{`heading_key` of a header in 万: column key} of `kind`'s money columns: each header in
    元 with its unit in 万 instead, and each list column of amounts (`Column.amounts`) with a
    unit in 万 after it. `heading_key` writes every unit one way, however a header attaches
    it (（万元）, /万元, 万元 after a space, in 10k CNY: `headings.WAN_UNITS`), so that each
    is read here, in one place (issue 13)."""
    found = {}
    for column in kind.columns:
        if not (column.amounts or is_money(column)):
            continue
        for locale in languages:
            for header in (header_in(column.header, locale), *column.headers_before(locale)):
                key = headings.heading_key(header)
                found[f"{headings.stem_of(key)}(万元)"] = column.key
    return found


def headed_in_wan(header: object) -> str:
    """A money column's header (a lazy string: 预算总额（元）) with its unit in 万, a list
    column's with the unit after it (预算科目（万元）), in the reader's language, said again in
    the language of whoever reads it later: 预算总额（万元）, Budget total (10k CNY)."""
    chinese, english = header_in(header, "zh_CN"), header_in(header, "en")
    chinese = (chinese.replace("（元）", "（万元）") if "（元）" in chinese
               else f"{chinese}（万元）")
    english = (english.replace("(CNY)", "(10k CNY)") if "(CNY)" in english
               else f"{english} (10k CNY)")
    return said.named(english if str(header) == header_in(header, "en") else chinese,
                      chinese, english)


def in_yuan(text: str) -> str:
    """An amount written in 万 (320.5, 1,000, ３２０．５, ¥50, 50万) as the same amount in 元
    (3205000, 10000000, 3205000, 500000, 500000): exact. It is read as the amount field reads
    it (`numbers.amount_text`, after the full-width reading every number cell has), so
    whatever that field could read is scaled here first: a full-width point or a yuan sign
    once left a cell as written, and the field read 320.5 元 (issue 13, review). Anything
    else (empty, no number, Excel's scientific notation) is left as written, for the field
    to refuse, saying what it takes."""
    written = _OWN_WAN.sub("", half_width(text).strip())
    if not written or "e" in written.casefold():  # 1.2E+07: the field says its digits are lost
        return text
    try:
        amount = Decimal(amount_text(written))
    except (InvalidOperation, ValueError):
        return text  # the field says how to write it
    if not amount.is_finite():
        return text
    return format((amount * TIMES).normalize(), "f")


def listed_in_yuan(kind: Kind, total: str, column: str, whole: str,
                   amounts: Iterable[object]) -> str:
    """Why list column `column`'s amounts look written in 万 though read in 元, or empty:
    `kind`'s `total` column (its value `whole`, in 元) was headed in 万 and `column` was not,
    and its amounts add up to no more than the total divided by 10,000. Budget lines of 100,
    150 and 50 on a total of 300万 were stored as 300 元, silently (issue 13, adoption F6)."""
    if not headings.scaled(kind.name, total) or headings.scaled(kind.name, column):
        return ""
    try:
        whole_amount, added = Decimal(whole), sum(Decimal(str(a)) for a in amounts)
    except (InvalidOperation, ValueError):
        return ""  # refused in its own column
    if added <= 0 or added * TIMES > whole_amount:
        return ""
    return _("These amounts add up to %(added)s, the total, %(total)s, to %(whole)s, read in "
             "10,000 yuan as its header says: they look written in 10,000 yuan too. Head this "
             "column %(header)s to read them so, or write them in yuan.",
             added=format(added.normalize(), "f"), total=headings.named(kind, total),
             whole=format(whole_amount.normalize(), "f"),
             header=headed_in_wan(kind.column(column).header))


def money(text: str, kind: str, column: str) -> str:
    """An amount in an entry of list column `column` (its key) of kind `kind` (its name), in
    元: in 万 when the file heads the column in 万 (`headings.scaled`)."""
    return in_yuan(text) if headings.scaled(kind, column) else text
