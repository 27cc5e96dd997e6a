"""Which open items a reminder rule's query reads (tracker/reminders/items.py), and its
statements built once a process: the home pages read some rules' items each request."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, bindparam, false, or_

from tracker import db


@dataclass(frozen=True)
class Query:
    """Which open items to read: deadlines up to `until`, these ids, this owner's, those of the
    projects of these institutes (an owner and institutes given: either's), and of those only
    the items of `institute_id`'s projects; `on` is the date asked about, for items that end by
    themselves when their date passes."""

    until: date | None = None
    item_ids: Collection[int] | None = None
    owner_id: int | None = None
    on: date | None = None
    institute_ids: Collection[int] | None = None
    institute_id: int | None = None

    @property
    def shape(self) -> tuple[bool, ...]:
        """Which filters are given: what makes the statements `apply` writes differ in form."""
        return (self.until is not None, self.item_ids is not None, self.owner_id is not None,
                self.institute_ids is not None, self.institute_id is not None)

    def values(self) -> dict[str, Any]:
        """The values of the parameters `apply` writes, by name."""
        values = {"q_until": self.until, "q_item_ids": self.item_ids,
                  "q_owner_id": self.owner_id, "q_institute_ids": self.institute_ids,
                  "q_institute_id": self.institute_id}
        return {name: list(value) if name.endswith("_ids") else value
                for name, value in values.items() if value is not None}

    def apply(self, stmt: Select, id_col, date_col, owner_col, institute_col=None) -> Select:
        """`stmt` with the filters given, each value a bound parameter named as in `values`,
        so that a statement built once runs again with another query's values (`built_once`)."""
        if self.until is not None and date_col is not None:
            stmt = stmt.where(date_col <= bindparam("q_until", self.until, type_=date_col.type))
        if self.item_ids is not None:
            stmt = stmt.where(id_col.in_(bindparam("q_item_ids", list(self.item_ids),
                                                   expanding=True)))
        scope = []
        if self.owner_id is not None:
            scope.append(false() if owner_col is None else owner_col == bindparam(
                "q_owner_id", self.owner_id, type_=owner_col.type))
        if self.institute_ids is not None:
            scope.append(false() if institute_col is None else institute_col.in_(bindparam(
                "q_institute_ids", list(self.institute_ids), expanding=True)))
        if scope:
            stmt = stmt.where(or_(*scope))
        if self.institute_id is not None:
            stmt = stmt.where(false() if institute_col is None else institute_col == bindparam(
                "q_institute_id", self.institute_id, type_=institute_col.type))
        return stmt


# The statements of `built_once`, by the function that builds them and the query's shape.
_BUILT: dict[tuple[Callable[[Query], Select], tuple[bool, ...]], Select] = {}


def built_once(build: Callable[[Query], Select], q: Query) -> Sequence[Row]:
    """The rows of the statement `build` writes for `q`, built once a process for each shape of
    query and run again with each query's values (`Query.values`): building a statement and
    computing its cache key cost more than running it (the home pages read four rules' items a
    request). `build` must take `q`'s values through `q.apply` only, never otherwise: the
    first query's would be kept for every later one.

    Run on the session's connection, not by the session: the statements select columns, never
    objects, and the ORM's handling of their rows cost 30 % to twice the CPU of Core's (a
    scan's 20,011 milestones: 33-53 ms against 25-26); flushed first, as the session would.
    Fetched all at once: iterating the result fetched its rows one by one from the driver
    (the same 20,011 rows: 29 ms against 16)."""
    key = (build, q.shape)
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT[key] = build(q)
    db.session.flush()
    return db.session.connection().execute(stmt, q.values()).all()
