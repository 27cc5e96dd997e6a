"""Dates, numbers and CNY amounts formatted for the page's language (Jinja filters)."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates, numbers
from flask_babel import gettext, ngettext

from tracker.dates import local_date, org_zone
from tracker.display.catalogue import locale as get_locale
from tracker.display.catalogue import locale_name, mark
from tracker.display.said import aside as said_aside
from tracker.display.said import formatter, listed

# A negative figure starts with the minus sign (U+2212), as wide as a digit and, unlike the
# hyphen, never a place where a line breaks: "-CN¥100.00" wrapped after its "-" in a table
# (issue 9, F46). Every figure the app formats negative goes through `_signed`; money cells
# do not wrap either (static/css/app.css, td.num). The forms read it back (web/fields.py).
MINUS = "\u2212"


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


# Flask-Babel's formatters, with the request's locale found once (tracker/display/catalogue.py)
# and each figure worked out once per process for its value, pattern and language: Babel took
# some 30 microseconds a figure, and a project page shows two for each of its hundred milestones
# (its weight and how complete it is), a list or an export the same amounts again and again.
def format_currency(value: Decimal, currency: str) -> str:
    return _figure("currency", value, currency)


def format_decimal(value: Decimal | float | int, format: str | None = None) -> str:
    return _figure("decimal", value, format)


def format_percent(value: Decimal, format: str) -> str:
    return _figure("percent", value, format)


def _figure(kind: str, value: Decimal | float | int, pattern: str | None) -> str:
    # Its text is in the key: Decimal("1.5") and Decimal("1.50") are equal, and a pattern
    # that shows every decimal a value has (`price`) writes them differently.
    return _babel_figure(kind, value, str(value), pattern, locale_name())


@lru_cache(maxsize=8192)
def _babel_figure(kind: str, value: Decimal | float | int, text: str, pattern: str | None,
                  locale: str) -> str:
    if kind == "currency":
        return numbers.format_currency(value, pattern, locale=locale)
    if kind == "price":  # `pattern` is the currency: its sign, every decimal the price has
        return numbers.format_currency(value, pattern, "¤#,##0.00######", locale=locale,
                                       currency_digits=False)
    if kind == "percent":
        return numbers.format_percent(value, format=pattern, locale=locale)
    return numbers.format_decimal(value, format=pattern, locale=locale)


@formatter(Decimal)
def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return _signed(format_currency(value, "CNY"))


@formatter(Decimal)
def number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return _signed(format_decimal(value))


def is_year(name: str) -> bool:
    """Whether a whole number named `name` (a column, a form field) is a year: `year`,
    `signed_year`, `high_tech_since`. A year is shown by `year`, entered in a YearField and
    exported as Kind.YEAR; tests/test_years.py finds any that is not."""
    return name == "year" or name.endswith(("_year", "_since"))


@formatter(int)
def year(value: int | None) -> str:
    """A year as a year: 2021, never an amount's 2,021 (tests/test_years.py)."""
    if value is None:
        return "—"
    return str(value)  # an int's own digits (a total row's label passes as it is)


def years(values) -> str:
    """Several years, compactly and oldest first: 2021, 2023 (Chinese: 2021、2023)."""
    return listed(year(v) for v in sorted(set(values))) or "—"


@formatter(Decimal)
def price(value: Decimal | None) -> str:
    """A price per share: money, with its currency as `money` writes it (¥12.00, CN¥12.00 in
    English; a price without one was found by a newcomer), at least two decimals and every
    one it has (up to eight)."""
    if value is None:
        return "—"
    return _signed(_figure("price", value, "CNY"))


@formatter(Decimal)
def multiple(value: Decimal | None) -> str:
    """A return multiple (value over cost, to two decimals): 16.00×, on every page and list."""
    if value is None:
        return "—"
    return _signed(format_decimal(value, "#,##0.00")) + "×"


@formatter(Decimal)
def pct(value: Decimal | None) -> str:
    """A percentage already computed in per cent (53.67 -> 53.67 %), two decimals."""
    if value is None:
        return "—"
    return _signed(format_percent(value / 100, "#,##0.00%"))


@formatter(Decimal)
def whole_pct(value: Decimal | int | None) -> str:
    """A percentage kept in whole per cent (a milestone's progress: 40 -> 40 %), as its page and
    its history say it; a computed one is `pct`, with two decimals."""
    if value is None:
        return "—"
    return _signed(format_percent(Decimal(value) / 100, "#,##0%"))


@formatter(date.fromisoformat)
def day(value: date | None) -> str:
    if value is None:
        return "—"
    return _medium_date(value, locale_name())


@lru_cache(maxsize=8192)
def _medium_date(value: date, locale: str) -> str:
    """A date as the page's language writes it, worked out once per process for each date and
    language: a project page shows hundreds (milestones, the timeline, its chart), and Babel
    takes microseconds for each."""
    return dates.format_date(value, "medium", locale=locale)


@formatter(date.fromisoformat)
def month(value: date | None) -> str:
    """A month of a year as the page's language writes it: February 2027, 2027年2月."""
    if value is None:
        return "—"
    return dates.format_skeleton("yMMMM", value, locale=get_locale())


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A date with a time of day after it, as exporters write one (2021-03-05 14:30:00).
_TIMED = re.compile(r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def not_a_date(text: str) -> str:
    """Why `text` is no date, as every form's date field and every import's date cell say it:
    the day its month does not have ("2027-02-30 is not a date: February 2027 has no day
    30."), the month no year has, or the form a date is written in."""
    text = text.strip()[:40]
    if timed := _TIMED.fullmatch(text):  # a midnight is read as the day alone
        return gettext("%(value)s has a time of day: this column takes a date alone. Write "
                       "%(day)s.", value=text, day=timed.group(1))
    found = _ISO_DAY.fullmatch(text)
    if found and int(found.group(1)) >= 1:
        year_no, month_no, day_no = (int(part) for part in found.groups())
        if not 1 <= month_no <= 12:
            return gettext("%(value)s is not a date: a year has no month %(month)d.",
                           value=text, month=month_no)
        if not 1 <= day_no <= calendar.monthrange(year_no, month_no)[1]:
            return gettext("%(value)s is not a date: %(month)s has no day %(day)d.", value=text,
                           month=month(date(year_no, month_no, 1)), day=day_no)
    return gettext("%(value)s is not a date: give it as YYYY-MM-DD.", value=text)


@formatter(datetime.fromisoformat)
def on_day(value: datetime | None) -> str:
    """An instant by its day in the organisation's zone: all a date brought in by an import
    (an imported decision) tells, without an invented hour."""
    if value is None:
        return "—"
    return day(local_date(value))


@formatter(datetime.fromisoformat)
def instant(value: datetime | None) -> str:
    """An instant in the organisation's zone: its day as `day` writes it and its time to the
    minute, in the language's order ("2026年11月29日 16:27", "Nov 29, 2026, 4:27 PM"). The
    seconds ("16:27:02") told a reader nothing they act on. Pages and e-mails alike; files keep
    the whole instant (tracker/export/columns.py)."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # stored instants are UTC (tracker/db.py:UTCDateTime)
        value = value.replace(tzinfo=UTC)
    return _to_the_minute(value.astimezone(org_zone()).replace(tzinfo=None), locale_name())


@lru_cache(maxsize=8192)
def _to_the_minute(local: datetime, locale: str) -> str:
    return dates.get_datetime_format("medium", locale=locale).replace(
        "{1}", _medium_date(local.date(), locale)).replace(
        "{0}", dates.format_time(local.time(), "short", locale=locale))


@formatter(Decimal)
def days(value: Decimal | int | None) -> str:
    """A number of days, whole or not (a median: 17.5), with its unit in the number's plural:
    "1 day", "17.5 days"; the needs page said "1 days" (found by a newcomer)."""
    if value is None:
        return "—"
    return ngettext("%(days)s day", "%(days)s days", plural(value), days=number(value))


@formatter(Decimal)
def share_count(value: Decimal | int | None) -> str:
    """A number of shares with its noun in the number's plural: "1 share", "2,000 shares"."""
    if value is None:
        return "—"
    return ngettext("%(n)s share", "%(n)s shares", plural(value), n=number(value))


def plural(value: Decimal | int) -> int:
    """The count `ngettext` chooses a message's form by, for a count given as text (a number
    of days or shares, `Numeric`): the number itself when whole, since Babel's plural rules
    take an int; 2 for a fraction, which reads as plural ("1.5 days", "2.5 shares"), where
    int() would make 1.5 "1.5 share"."""
    whole = Decimal(value) == Decimal(value).to_integral_value()
    return int(value) if whole else 2


@formatter(int)
def size(value: int | None) -> str:
    """A file's size in the unit that reads best: bytes below 1 KB (never "0.0 KB"), then KB
    and MB with one decimal (1 KB = 1,024 bytes)."""
    if value is None:
        return "—"
    if value < 1024:
        return ngettext("%(n)s byte", "%(n)s bytes", value, n=format_decimal(value))
    if value < 1024 * 1024:
        return gettext("%(n)s KB", n=format_decimal(round(value / 1024, 1), "#,##0.0"))
    return gettext("%(n)s MB", n=format_decimal(round(value / 1024 / 1024, 1), "#,##0.0"))


def before_stop(name: str) -> str:
    """A name that ends a sentence, less its own final full stop: "Co., Ltd." before the
    sentence's "." printed "Ltd.." (found by a newcomer in the recusal reasons)."""
    return name[:-1] if name.endswith(".") and not name.endswith("..") else name


def colon() -> str:
    """A label's colon in the page's language: 理由：…, "Reason: …"."""
    return mark("colon")


def between(apart: bool = False) -> str:
    """The separator between the items of a list a template writes item by item (items with
    links or tags of their own, which `listed` would escape): 、 in Chinese, ", " in English;
    `apart` for items holding commas of their own (；/ "; ")."""
    return mark("apart" if apart else "list")


def comma() -> str:
    """The comma between a name and its time or kind in the page's language: 李强，2026年…,
    "Li Qiang, 27 Nov 2026"."""
    return mark("comma")


def labelled(label: object, value: object) -> str:
    """`label` and its `value` with the colon of the page's language."""
    return f"{label}{mark('colon')}{value}"


def aside(text: object) -> str:
    """An aside in parentheses after what it qualifies, in the page's language: 待发送（24）,
    "Pending (24)" (the space before it belongs to English; `said.aside`)."""
    return said_aside(text)

