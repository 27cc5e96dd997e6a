"""The cells of a list's row, drawn in Python from its column definitions
(tracker/export/columns.py) for `templates/macros/table.html`: a Jinja macro called for each
cell (25 rows of 9 columns: 225 calls a page) cost more than the rest of a list's page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy.engine import Row

from tracker.export.columns import Column, Kind


def cell(column: Column, row: Any) -> str:
    """One cell's content, as the page shows it: a code in monospace, a label or toned value
    as a tag, a link when the column links; the column's own HTML when it draws it."""
    if column.markup is not None:
        return column.markup(row)
    text = escape(column.shown(row))
    tone = column.tone(row) if column.tone else None
    if column.kind == Kind.CODE:
        inner = f"<code>{text}</code>"
    elif column.kind == Kind.LABEL or tone:
        inner = f'<span class="tag{f" {escape(tone)}" if tone else ""}">{text}</span>'
    else:
        inner = text
    href = column.link(row) if column.link else None
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def opening(column: Column) -> str:
    """A column's `<td>`, with its class."""
    if column.numeric or column.css:
        return f'<td class="{escape("num" if column.numeric else column.css)}">'
    return "<td>"


def row_cells(columns: Sequence[Column], row: Any) -> Markup:
    """Every cell of `row`: `<td>`s (a Jinja global)."""
    return Markup("".join(f"{opening(c)}{cell(c, row)}</td>" for c in columns))


def options(choices: Iterable[Any], selected: Any) -> Markup:
    """A filter's `<option>`s, one a choice (a row of `id` and `name`), the `selected` id's
    marked (a Jinja global): a template's loop over a list's 80 institutes cost about 0.4 ms
    of a request's CPU, this a fifth of it. Rows of a select (what every list's filter
    passes) are written once a process for the same rows and choice: the 80 cost 0.25 ms a
    request."""
    choices = tuple(choices)
    if all(isinstance(c, Row) for c in choices):
        return _options_once(choices, selected)
    return _options(choices, selected)


@lru_cache(maxsize=256)
def _options_once(choices: tuple[Row, ...], selected: Any) -> Markup:
    return _options(choices, selected)


def _options(choices: tuple[Any, ...], selected: Any) -> Markup:
    return Markup("".join(
        f'<option value="{escape(c.id)}"{" selected" if c.id == selected else ""}>'
        f"{escape(c.name)}</option>" for c in choices))
