"""How every search field of the app compares what is typed with what is stored: both folded
the same way, full-width letters and digits to their usual form (NFKC: "ＡＢＣ１" is "ABC1")
and case ignored (casefold), so that a title typed with a Chinese input method's full-width
letters is found by its usual spelling and the other way round.

The stored side is folded in SQL: SQLite by a function registered on each connection
(`tracker.db`), PostgreSQL by `lower(normalize(..., NFKC))`. PostgreSQL's lower() is not
Python's casefold() for a few letters (ß stays ß there): those are found typed as stored.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from tracker.names import name_key

# The name of the SQLite function registered on each connection.
SQLITE_FUNCTION = "tracker_fold"


def fold(text: str | None) -> str | None:
    """A stored text as searched: NFKC, then casefold (SQLite's function)."""
    return None if text is None else unicodedata.normalize("NFKC", text).casefold()


class folded(FunctionElement):  # noqa: N801 - read as a SQL function
    """A text column folded as `fold` does, in SQL."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower(normalize({compiler.process(element.clauses, **kw)}, NFKC))"


def matching(q: str, *columns: Any) -> ColumnElement[bool]:
    """Rows where any of `columns` holds the search `q`, both folded (`name_key`: NFKC,
    casefold, spaces collapsed). Every search field of the app reads through this."""
    key = name_key(q)
    return or_(*(folded(column).contains(key, autoescape=True) for column in columns))
