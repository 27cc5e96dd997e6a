"""A module's shared data as plain values and back (tests/conftest.py:shared_data): what builds
it returns `ids_of(objects)`, and each test loads its own objects with `loaded(ids)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker import db
from tracker.db import Base


@dataclass(frozen=True)
class Row:
    """A record of the shared data, by its model and its id."""

    model: type[Base]
    id: int


def ids_of(value: Any) -> Any:
    """`value` with each ORM object in it (in a dict, list or tuple too) as a `Row`."""
    if isinstance(value, Base):
        return Row(type(value), value.id)
    if isinstance(value, dict):
        return {key: ids_of(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(ids_of(item) for item in value)
    return value


def loaded(value: Any) -> Any:
    """`ids_of`'s answer with each `Row` loaded in the test's session."""
    if isinstance(value, Row):
        return db.session.get(value.model, value.id)
    if isinstance(value, dict):
        return {key: loaded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(loaded(item) for item in value)
    return value
