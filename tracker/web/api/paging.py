"""Cursor pagination: each page ends with an opaque cursor naming its last row's place in a
stable order (unique: the order ends with the row's id), and the next page starts after it
(a keyset, `WHERE (keys) > (cursor's keys)`). Rows added or removed meanwhile neither repeat
nor skip a row, and a deep page costs what the first one does, unlike an offset.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Date, Select, tuple_

from tracker import db
from tracker.errors import Invalid

MAX_LIMIT = 200


@dataclass
class Keyset:
    columns: Sequence[ColumnElement]  # the order, ending with a unique column
    descending: bool = False


def encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode(cursor: str, keyset: Keyset) -> list[Any]:
    refused = Invalid("cursor", _("This cursor is not one this list gave."))
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise refused from None
    if not isinstance(values, list) or len(values) != len(keyset.columns):
        raise refused
    typed = []
    for value, column in zip(values, keyset.columns, strict=True):
        try:
            if isinstance(column.type, Date):
                value = date.fromisoformat(value)
            elif column.type.python_type is int and (
                    type(value) is not int or not -2**31 <= value < 2**31):
                raise ValueError
            elif column.type.python_type is str and (
                    not isinstance(value, str) or "\x00" in value):
                raise ValueError
        except (TypeError, ValueError, NotImplementedError):
            raise refused from None
        typed.append(value)
    return typed


def page(query: Select, keyset: Keyset, cursor: str | None, limit: int,
         key_of: Callable[[Any], Sequence[Any]], scalars: bool = False) -> tuple[list, str | None]:
    """One page of `query` in the keyset's order after `cursor`, and the next page's cursor
    (None on the last page). `key_of(row)` gives a row's values of the keyset's columns."""
    columns = keyset.columns
    if cursor:
        after = tuple_(*columns) < tuple_(*decode(cursor, keyset)) if keyset.descending \
            else tuple_(*columns) > tuple_(*decode(cursor, keyset))
        query = query.where(after)
    query = query.order_by(None).order_by(
        *(c.desc() for c in columns) if keyset.descending else columns)
    run = db.session.scalars if scalars else db.session.execute
    rows = list(run(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode(key_of(rows[-1])) if more else None)
