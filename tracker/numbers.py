"""A number as the user grouped its digits, read the same by every form and import cell."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from tracker.display.formatting import MINUS

# What a number may be grouped with (thousands separators: commas of either width, spaces), and
# a number grouped as both languages group digits: threes before the point, one separator.
SEPARATOR = re.compile(r"[,，\s\u00a0\u202f]")
PLAIN = re.compile(r"[-+]?\d+(?:\.\d*)?")
GROUPED = re.compile(r"[-+]?\d{1,3}(?P<sep>[,，\s\u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*(?:\.\d*)?")


def ungrouped(text: str) -> str:
    """A number as the user grouped it (100,000, 1，500，000.5, 100 000) without its thousands
    separators: what every number field and import cell reads (shares as amounts). A separator
    anywhere else (1,5 or 62,5: a decimal comma? a slip?) is refused, saying how to write it;
    text without one is left to the caller."""
    if not SEPARATOR.search(text):
        return text
    if GROUPED.fullmatch(text):
        return SEPARATOR.sub("", text)
    if not PLAIN.fullmatch(SEPARATOR.sub("", text)):
        return text  # no number at all: the field says what it takes
    raise ValueError(gettext(
        "%(value)s: a comma separates thousands, in groups of three digits (100,000 or "
        "100000); decimals follow a point (62.5).", value=text))


def number_text(text: str) -> str:
    """A number as every number field reads it, for `Decimal`: a typographic minus sign as a
    hyphen, without its thousands separators (`ungrouped`)."""
    return ungrouped(text.replace(MINUS, "-"))


def amount_text(text: str) -> str:
    """An amount as the amount field reads it: a number (`number_text`) without its yuan sign
    (¥ or ￥). Read so by every amount field and by an import's cell in 万
    (`imports.wan.in_yuan`)."""
    return number_text(text.replace("¥", "").replace("￥", "").strip())


# An amount written in 万 (ten thousands): 50万, 100万元, 1.5 万人民币.
_WAN = re.compile(r"\s*([-+]?\d[\d,，.]*)\s*万\s*(?:元|人民币)?\s*")


def refuse_wan(text: str, in_yuan: bool) -> None:
    """Refuse a number written in 万 (ValueError), saying what to write (50万: 500000), never
    multiplied silently: a 万 may be a slip as well as a unit. `in_yuan`: the number is an
    amount of a column in 元, and the message says so, in a single cell (`number_cells`) as in
    an entry of a list cell (`cells.number`); a number that is no amount (shares) says what to
    write alone. A number that can't be read is left to the caller."""
    match = _WAN.fullmatch(text)
    if match is None:
        return
    try:
        whole = format((Decimal(ungrouped(match.group(1))) * 10000).normalize(), "f")
    except (InvalidOperation, ValueError):
        return
    if in_yuan:
        raise ValueError(gettext("This column is in yuan (元): %(value)s is %(yuan)s. Write "
                                 "%(yuan)s.", value=text.strip(), yuan=whole))
    raise ValueError(gettext("%(value)s is %(number)s: write %(number)s.", value=text.strip(),
                             number=whole))
