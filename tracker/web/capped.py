"""The home page's lists: each capped at HOME_LIMIT rows with a link to the rest, and each
list's statement built once a process. Building a statement and computing its cache key cost
a third of a list's time (0.3 of 0.9 ms of CPU a statement, the director's home reads 15), so
`capped` builds it at its first use and runs it again with each request's values, given as
the parameters below: a statement's builder must take every value of the request from them,
never from the request itself (the first request's user would be kept for everyone's)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Date, Select, bindparam

from tracker import db
from tracker.projects.models import Project

# Each list of the home page shows at most this many rows, and links to the rest.
HOME_LIMIT = 10
# The user, the day and the institutes they direct (tracker/web/work.py `_values` has these
# and the others its statements name).
USER = bindparam("user_id")
ON = bindparam("on", type_=Date)
INSTITUTES = bindparam("institutes", expanding=True)
# What a list reads of the project of each row, joined: its reference and title, which the
# page shows, and what a permission asks of it (`Project.can_view`). A project has some 35
# columns, and SQLAlchemy and the driver set up each column of a result even when it has no
# row (about 6 microseconds a column): most home lists are empty most days.
SHOWN = (Project.code, Project.draft_number, Project.title, Project.phase, Project.pm_id,
         Project.institute_id)
# Each list's statement, by the code that builds it, whether in full and its shape.
_STATEMENTS: dict[tuple, Select] = {}


def capped(name: str, build: Callable[[], Select], values: dict, more: set[str],
           full: str | None, shape: object = None) -> list:
    """The first HOME_LIMIT rows of list `name` (all of them when the user asked for it in
    full: `full`), read by the statement `build` makes, with `values` for its parameters;
    notes `name` in `more` when there are more, for the link to the rest. `shape` is what
    changes the statement's form besides the list (whether the user directs an institute)."""
    key = (build.__code__, full == name, shape)
    query = _STATEMENTS.get(key)
    if query is None:
        query = _STATEMENTS[key] = build() if full == name else build().limit(HOME_LIMIT + 1)
    return cut(name, list(db.session.scalars(query, values)), more, full)


def cut(name: str, rows: list, more: set[str], full: str | None) -> list:
    """`rows` read whole, cut at HOME_LIMIT as `capped` cuts a query's."""
    if full != name and len(rows) > HOME_LIMIT:
        more.add(name)
        return rows[:HOME_LIMIT]
    return rows
