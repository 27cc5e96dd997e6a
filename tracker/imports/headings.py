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


def heading_key(text: object) -> str:
    """A header as compared with the columns' headers (see above)."""
    plain = "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()
    return _MARKS.sub("", plain)


_BOOKKEEPING = frozenset(map(heading_key, BOOKKEEPING))


def headers_of(kind: Kind, languages: tuple[str, ...]) -> dict[str, str]:
    """{`heading_key` of a header: column key} for every language, the headers a column had
    before, and the keys themselves (as people read them, and as the form names them)."""
    found = {}
    for column in kind.columns:
        found[heading_key(column.key)] = column.key
        found[heading_key(column.shown)] = column.key
        for locale in languages:
            for header in (column.header, *column.aliases, *column.synonyms):
                found[heading_key(header_in(header, locale))] = column.key
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


def scaled(key: str) -> bool:
    """Whether the file being imported heads its column `key` in 万 (`wan`)."""
    return any(key in keys for keys in (_SCALED.get() or {}).values())


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
    if any(heads(heading_key(header_in(alias, lang)))
           for alias in (*column.aliases, *column.synonyms) for lang in languages):
        return _("%(written)s (%(header)s)", written=written, header=column.header)
    return str(column.header)  # its key, spelt otherwise
