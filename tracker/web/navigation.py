"""Redirect targets and pagination: small helpers every blueprint uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.routing import IntegerConverter

from tracker import dates, db
from tracker.errors import DomainError
from tracker.techfields import services as techfields
from tracker.web.permissions import acting_user


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, bounded to what an id column holds: a larger number is a 404,
    not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Refuses absolute URLs, scheme-relative ones (`//evil.example`) and the backslash forms that
    browsers read as scheme-relative (`/\\evil.example`).
    """
    if not target or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def page_or_home(record: Any, url: str) -> Callable[[Any], str]:
    """Where an action on `record` leads: back to its page, or to the user's home when the
    action ended their access to it (a reviewer's answer, a conflict declared)."""
    return lambda _result: url if record.can_view(acting_user()) else url_for("web.home")


def text_arg(name: str, max_length: int = 100) -> str:
    """A query-string argument as search text: trimmed, bounded, without control characters."""
    value = request.args.get(name, "")
    return "".join(c for c in value if ord(c) >= 32).strip()[:max_length]


def choice_arg(name: str, label: str, values: Iterable[str], default: str = "") -> str:
    """A query-string choice (a list's state, kind or type filter): `default` when absent or
    empty; a value none of `values` answers 400 naming it, never a silent default that leaves
    the reader believing the list filtered (`?state=bogus` showed the late ones). `label`: the
    filter as the page labels it, which the 400 names in the reader's language (not `name`,
    a word of the address)."""
    value = request.args.get(name, "")
    if value == "":
        return default
    if value not in set(values):
        raise DomainError(_("This list's filter “%(name)s” has no choice “%(value)s”: choose "
                            "one on the page.", name=label, value=value[:60]))
    return value


def row_arg(name: str, label: str, model: Any) -> int:
    """A query-string id of a `model` row a list is filtered by (`?institute=7`): 0 when absent
    or 0, the value of the filters' own "Any institute" choice; a value that is not the id of
    such a row answers 400 naming the filter by its `label`, as `choice_arg`, never figures
    filtered to nothing under a filter that reads "all"."""
    raw = request.args.get(name, "")
    if raw in ("", "0"):
        return 0
    value = int(raw) if raw.isascii() and raw.isdigit() else -1
    if not 0 < value < 2**31 or db.session.scalar(
            select(model.id).where(model.id == value)) is None:
        raise DomainError(_("This list's filter “%(name)s” names nothing there is: “%(value)s”.",
                            name=label, value=raw[:60]))
    return value


def date_arg(name: str, default: date) -> date:
    """A query-string date (`?on=2026-05-15`): `default` when absent; anything that is not a
    date in the range of business dates answers 400 with the reason, never a silent default."""
    try:
        return dates.parse_arg(request.args.get(name), default)
    except ValueError as error:
        raise DomainError(str(error)) from None


def year_arg(name: str = "year") -> int:
    """A query-string year (`?year=2025`): 0 when absent; anything that is not a year in the
    range of business dates answers 400 with the reason, as `date_arg` does."""
    try:
        return dates.parse_year(request.args.get(name))
    except ValueError as error:
        raise DomainError(str(error)) from None


def field_arg(name: str = "field_id") -> int:
    """A query-string technical field of HQ's list (`techfields.field_arg`): 400 if unknown."""
    return techfields.field_arg(request.args.get(name))


def int_arg(name: str, default: int = 0) -> int:
    """A query-string argument as a database id or count: a non-negative 32-bit integer."""
    value = request.args.get(name, default, type=int)
    return value if value is not None and 0 <= value < 2**31 else default


@dataclass
class Page:
    """One page of a list. `total` is None for the lists that grow with the data (projects,
    overdue milestones, the audit trail): counting every row matching would cost more than the
    page itself, so they know only whether another page follows (`more`)."""

    items: list[Any]
    page: int
    per_page: int
    total: int | None
    more: bool = False
    arg: str = "page"  # the query-string argument of its number: two lists on one page, two

    @property
    def pages(self) -> int | None:
        if self.total is None:
            return None
        return max(1, ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """Position of the first item shown, from 1 (0 when the page is empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.total is None:
            return self.more
        return self.page < (self.pages or 1)


def paginate(query: Select, per_page: int | None = None, count: bool = True,
             rows: bool = False, arg: str = "page") -> Page:
    """One page of `query`, by the `arg` argument of the request: two statements, or one
    without `count` (the rows and one more, which says whether a next page exists). `rows`:
    the items are rows of columns (a query of several columns), not objects."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = max(int_arg(arg, 1), 1)
    fetch = db.session.execute if rows else db.session.scalars
    if not count:
        items = list(fetch(query.limit(per_page + 1).offset((page - 1) * per_page)))
        return Page(items=items[:per_page], page=page, per_page=per_page, total=None,
                    more=len(items) > per_page, arg=arg)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(fetch(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0, arg=arg)


def page_of(items: list[Any], per_page: int | None = None, arg: str = "page") -> Page:
    """One page of a list already read whole (the late duties: the reminder rules' items, read
    a rule at a time and merged by date), for a page that shows a page of it and a file that
    holds all of it."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = max(int_arg(arg, 1), 1)
    return Page(items=items[(page - 1) * per_page:page * per_page], page=page,
                per_page=per_page, total=len(items), arg=arg)


@dataclass
class KeysetPage:
    """One page of a list too long for page numbers (the audit trail: a million records), read
    from where the page before it stopped: `?before=<id>` the next older records, `?after=<id>`
    the newer ones. Any page costs what the first does; an offset costs every row it skips.
    `newer` and `older`: the ids the links to the neighbouring pages start from (None: none)."""

    items: list[Any]
    newer: int | None
    older: int | None

    def url(self, **start: int) -> str:
        args = {k: v for k, v in request.args.items() if k not in {"before", "after", "page"}}
        return url_for(request.endpoint, **(request.view_args or {}), **args, **start)

    @property
    def newer_url(self) -> str | None:
        return None if self.newer is None else self.url(after=self.newer)

    @property
    def older_url(self) -> str | None:
        return None if self.older is None else self.url(before=self.older)


def keyset_page(query: Select, key: Any, per_page: int) -> KeysetPage:
    """The page of `query` (ordered by `key`, an integer column, newest first) that the
    request's `before` or `after` argument asks for; the rows and one more, which says whether
    another page follows in that direction."""
    before, after = int_arg("before"), int_arg("after")
    if after:
        rows = list(db.session.scalars(query.where(key > after).order_by(None)
                                       .order_by(key.asc()).limit(per_page + 1)))
        items = rows[:per_page][::-1]
        newer = getattr(items[0], key.key) if len(rows) > per_page else None
        return KeysetPage(items, newer, getattr(items[-1], key.key) if items else after)
    if before:
        query = query.where(key < before)
    rows = list(db.session.scalars(query.limit(per_page + 1)))
    items = rows[:per_page]
    older = getattr(items[-1], key.key) if len(rows) > per_page else None
    newer = (getattr(items[0], key.key) if items else before) if before else None
    return KeysetPage(items, newer, older)


def page_url_args(page: int, arg: str = "page") -> dict[str, Any]:
    """The current URL's arguments with another page number (for the pager's links)."""
    args = {**request.args.to_dict(), **(request.view_args or {})}
    args[arg] = page
    return args
