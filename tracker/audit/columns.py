"""The audit trail's columns (and one object's history's), over the readable lines of
`tracker.display.history.describe`: what the pages show and their files hold. The client
address is a column only for those who may see it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from tracker.display.formatting import labelled
from tracker.display.history import Line, describe
from tracker.export.columns import Column, Kind

# Records described at a time: `describe` loads the names they refer to once per batch.
BATCH = 2000


def described(records: Iterable, reader: Any = None) -> Iterator[Line]:
    """The lines of `records`, described a batch at a time (for a file of the whole trail)."""
    records = iter(records)
    while batch := list(islice(records, BATCH)):
        yield from describe(batch, reader)


def _actor(line: Line) -> str:
    return line.actor.name if line.actor else _("System")


def _object(line: Line) -> str:
    return f"{line.what} · {line.name if line.object_id else _('(none)')}"


def _link(line: Line) -> str | None:
    if not line.object_id:
        return None
    return url_for("audit.history", object_type=line.object_type, object_id=line.object_id)


def changes_said(line: Line) -> str:
    """Each changed field as `label: before → after` (or `label: value` when it was new),
    one a line."""
    return "\n".join(
        labelled(c.label, f"{c.before} → {c.after}" if c.before != "—" else c.after)
        for c in line.changes)


def _value(text: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>' if href else str(escape(text))


def changes_markup(line: Line) -> str:
    """`changes_said` for the page, its values linked where they lead somewhere the reader may
    go (a file, `history.file_link`)."""
    return "\n".join(
        labelled(escape(c.label),
                 f"{_value(c.before, c.before_href)} → {_value(c.after, c.after_href)}"
                 if c.before != "—" else _value(c.after, c.after_href))
        for c in line.changes)


def audit_columns(*, show_object: bool, see_address: bool, link_objects: bool = True
                  ) -> list[Column]:
    """`link_objects`: each line's record links to its own history (the whole trail); one
    object's history, which holds its records' lines already, leaves them unlinked."""
    columns = [
        Column(_l("When"), lambda line: line.at, Kind.INSTANT, 20),
        Column(_l("Who"), _actor, width=16),
        Column(_l("What happened"), lambda line: line.action, width=28),
    ]
    if show_object:
        columns.append(Column(_l("To what"), _object, width=28,
                              link=_link if link_objects else None))
    columns.append(Column(_l("Changes"), changes_said, width=60, css="text-cell",
                          markup=changes_markup))
    if see_address:
        columns.append(Column(_l("Address"), lambda line: line.address, width=16))
    return columns
