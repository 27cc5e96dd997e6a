"""How every search field of the app compares what is typed with what is stored: both folded
the same way, full-width letters and digits to their usual form (NFKC: "ＡＢＣ１" is "ABC1")
and case ignored (casefold), so that a title typed with a Chinese input method's full-width
letters is found by its usual spelling and the other way round.

The stored side is folded in SQL: SQLite by a function registered on each connection
(`tracker.db`), PostgreSQL by `lower(normalize(..., NFKC))`. PostgreSQL's lower() is not
Python's casefold() for a few letters (ß stays ß there): those are found typed as stored.

On PostgreSQL normalize() costs about a microsecond a value, even one already in NFKC (it
decomposes and recomposes every letter): a search of the 10,000 projects' codes and titles
spent 19 ms in it, against 7 ms for the ILIKE it replaced. A text already in NFKC (nearly
all: Chinese, ASCII) is its own NFKC form, and `IS NFKC NORMALIZED` says so by a quick check
of its letters, so only the others are normalized: the same fold, 9 ms for those 20,000
values. The planner has statistics of the fold of the columns the project list, the overdue
list and the dashboard search (migration 0093): without them it guessed that two projects of
10,000 match any search, and sorted every match rather than reading the newest first until
the page is full.
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
    text = compiler.process(element.clauses, **kw)
    return (f"lower(CASE WHEN {text} IS NFKC NORMALIZED THEN {text} "
            f"ELSE normalize({text}, NFKC) END)")


def matching(q: str, *columns: Any) -> ColumnElement[bool]:
    """Rows where any of `columns` holds the search `q`, both folded (`name_key`: NFKC,
    casefold, spaces collapsed). Every search field of the app reads through this."""
    key = name_key(q)
    return or_(*(folded(column).contains(key, autoescape=True) for column in columns))
