"""How an import's problems name a column: as the file headed it, the one place that is
decided.

A column is read under several headers (`columns.headers_of`): its header in either language,
a header it had before (`Column.aliases`: the projects' "Field", 研究领域), one an adopter's
own register gives it (`Column.synonyms`: 企业名称, 所在城市) and its key. A problem named it
by its header in the reader's language, so a user looking for 研究领域 in their file was sent
to 领域（自述）, which it does not have (issue 13). So a problem names the column by the text
in the file's header cell, which reads the same in every language; a former or synonymous
header is followed by the column's header in the reader's language, which the template and
the notes on the upload page use. A column the file does not have (a required one missing), or
heads by its key (`pm_email`: a name for programs, which the README's tables give beside
the header), is named by its header.

A header cell is compared as `heading_key` reads it: the same in every width (a Chinese input
method's （%） is (%)), without spaces or case, and without what another system's template
adds to a header (a required-marker * or ＊ before or after it, a colon after it: 标题*, Title *,
*项目名称, 标题：), so that a file exported from one imports as it is (issue 13).

A run says which file headed each kind's columns how (`headed`), for the length of the run:
a problem is found deep in a kind's checks (a cell naming another column, `bulk.given_twice`),
which are no place to pass a file's header row down to; and which of its columns the file heads
in 万 (`scaled`, `tracker.imports.wan`), which a problem names as headed and a list cell's
amounts are read in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from flask_babel import gettext as _

from tracker.imports.column_types import Kind, header_in

# kind name -> {column key: its header as the file being imported wrote it}
_WRITTEN: ContextVar[dict[str, dict[str, str]] | None] = ContextVar("import_headers",
                                                                   default=None)
# kind name -> the keys of its columns the file being imported heads in 万 (`wan`)
_SCALED: ContextVar[dict[str, frozenset[str]] | None] = ContextVar("import_scaled",
                                                                   default=None)


# What a template adds around a header (after NFKC: ＊ is *, ： is :), not part of it.
_MARKS = re.compile(r"^\*+|[*:]+$")

# The headers of a column people keep for their own bookkeeping, a row's number or a remark,
# which every spreadsheet of an adopter's has and no import reads: ignored, and the run says
# so (`tracker.imports.notices`), where the whole file was refused for "no such column". A
# kind with a column of that header reads it (an incentive grant's 备注 is its note).
BOOKKEEPING = ("序号", "行号", "编号", "No.", "No", "#", "备注", "Remarks", "Remark", "Notes",
               "Note", "Comments")


# The units of a money header, as `heading_key` reads them (no spaces, half width, lower
# case): in 万 (read in 万, `tracker.imports.wan`) and in 元, each read as one spelling of each
# (万元, 元), so that 预算总额（万元人民币） and Amount (RMB) are the columns' own units.
WAN_UNITS = ("万元", "万", "万元人民币", "人民币万元", "万人民币", "10kcny", "10,000cny",
             "10000cny", "cny10k", "cny10,000", "cny10000", "tenthousandcny", "10krmb",
             "10,000rmb", "rmb10k", "10kyuan", "10,000yuan")
YUAN_UNITS = ("元", "cny", "rmb", "人民币", "人民币元", "yuan", "元人民币")
_UNITS = {**dict.fromkeys(WAN_UNITS, "万元"), **dict.fromkeys(YUAN_UNITS, "元")}
# A unit at a header's end, in brackets (NFKC: （万元） is (万元)) or after a slash, a comma,
# "in" or a space: 预算总额/万元, 预算总额 万元, Amount in 10k CNY, Budget total, 10k CNY.
_BRACKETED = re.compile(r"\(([^()]*)\)\Z")
_ATTACHED = re.compile(r"\s*(?:[/,]|\bin\b|\s)\s*")


def heading_key(text: object) -> str:
    """A header as compared with the columns' headers (see above), its unit (`unit_of`)
    written in brackets however the header attaches it: 预算总额/万元 is 预算总额(万元), so
    that a unit is read wherever a sheet puts it, never a 万 header taken for one in 元
    (issue 13: following the hint 预算总额（元） imported every amount 10,000 times too
    small)."""
    plain = unicodedata.normalize("NFKC", str(text or "")).casefold()
    spaced = _MARKS.sub("", " ".join(plain.split()).strip(" *:")).strip()
    stem, unit = _split(spaced)
    key = _MARKS.sub("", "".join(stem.split()))
    return f"{key}({unit})" if unit else key


def _split(spaced: str) -> tuple[str, str]:
    """(what a header says, its unit as one spelling) of a header read as `heading_key`
    reads it, spaces kept; its unit is empty when it writes none the tracker knows, the
    brackets at its end kept then."""
    found = _BRACKETED.search(spaced)
    if found and "".join(found.group(1).split()) in _UNITS:
        return spaced[:found.start()].rstrip(" ,/"), _UNITS["".join(found.group(1).split())]
    for attached in _ATTACHED.finditer(spaced):
        unit = "".join(spaced[attached.end():].split())
        if attached.start() and unit in _UNITS:
            return spaced[:attached.start()], _UNITS[unit]
    return spaced, ""


def unit_of(key: str) -> str:
    """The unit at the end of a header as `heading_key` reads it: 万元, 元, another it writes
    in brackets (千元, usd, %), or empty."""
    found = _BRACKETED.search(key)
    return found.group(1) if found else ""


def stem_of(key: str) -> str:
    """A header as `heading_key` reads it without its unit of money (万元 or 元)."""
    return key[:-len(unit_of(key)) - 2] if unit_of(key) in ("万元", "元") else key


_BOOKKEEPING = frozenset(map(heading_key, BOOKKEEPING))


def headers_of(kind: Kind, languages: tuple[str, ...]) -> dict[str, str]:
    """{`heading_key` of a header: column key} for every language, the headers a column had
    before, and the keys themselves (as people read them, and as the form names them)."""
    found = {}
    for column in kind.columns:
        found[heading_key(column.key)] = column.key
        found[heading_key(column.shown)] = column.key
        for locale in languages:
            for header in (header_in(column.header, locale), *column.headers_before(locale),
                           *(header_in(synonym, locale) for synonym in column.synonyms)):
                found[heading_key(header)] = column.key
    return found


def is_bookkeeping(text: object) -> bool:
    """Whether a header no column has is one of `BOOKKEEPING`, as `heading_key` compares."""
    return heading_key(text) in _BOOKKEEPING


@contextmanager
def headed(kind: Kind, written: dict[str, str], scaled: Iterable[str] = ()) -> Iterator[None]:
    """Within, `named` names `kind`'s columns as `written` ({key: header cell}) heads them,
    and `scaled` tells the keys of those headed in 万."""
    token = _WRITTEN.set({**(_WRITTEN.get() or {}), kind.name: written})
    held = _SCALED.set({**(_SCALED.get() or {}), kind.name: frozenset(scaled)})
    try:
        yield
    finally:
        _SCALED.reset(held)
        _WRITTEN.reset(token)


def scaled(kind: str, key: str) -> bool:
    """Whether the file being imported heads column `key` of kind `kind` (its name) in 万
    (`wan`): of that kind alone, as a companies and grants run heads both at once."""
    return key in (_SCALED.get() or {}).get(kind, ())


def named(kind: Kind, key: str) -> str:
    """Column `key` of `kind` as a problem names it: its header cell in the file being
    imported, with the column's header after it when that cell is a former header; its
    header where the file has none, or heads it by its key."""
    column = kind.column(key)
    written = (_WRITTEN.get() or {}).get(kind.name, {}).get(key)
    if not written or written in (column.key, column.shown):
        return str(column.header)  # a `Said` while recording: said again in the reader's
    if key in (_SCALED.get() or {}).get(kind.name, ()):
        return written  # its unit, 万, is the file's own
    languages = current_app.config["LANGUAGES"]
    heads = heading_key(written).__eq__
    if any(heads(heading_key(header_in(column.header, lang))) for lang in languages):
        return written
    if any(heads(heading_key(alias)) for lang in languages
           for alias in (*column.headers_before(lang),
                         *(header_in(synonym, lang) for synonym in column.synonyms))):
        return _("%(written)s (%(header)s)", written=written, header=column.header)
    return str(column.header)  # its key, spelt otherwise
