"""The path of a record's page, for the rows of a list: `url_for` costs tens of microseconds a
call, and a list links each of its rows to one or two pages (the overdue list: 50 calls a
page). The path around the id is built once a process for each page and application root;
each row puts its id in it."""

from __future__ import annotations

from collections.abc import Callable

from flask import request, url_for

# The largest id a route takes (tracker.web.navigation.IdConverter): no other part of a path.
_MARKER = 2**31 - 1
_AROUND: dict[tuple[str, str, str], tuple[str, str]] = {}


def id_path(endpoint: str, argument: str, row_id: int) -> str:
    """`url_for(endpoint, **{argument: row_id})`, from the path built once."""
    key = (endpoint, argument, request.script_root)
    around = _AROUND.get(key)
    if around is None:
        before, _, after = url_for(endpoint, **{argument: _MARKER}).rpartition(str(_MARKER))
        around = _AROUND[key] = (before, after)
    return f"{around[0]}{int(row_id)}{around[1]}"


def id_paths(endpoint: str, argument: str) -> Callable[[int], str]:
    """`id_path` for one page: a function of the row's id (for a template's loop)."""
    return lambda row_id: id_path(endpoint, argument, row_id)
