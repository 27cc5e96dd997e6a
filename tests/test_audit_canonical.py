"""The content an audit record's hash is taken of (`chain.canonical`) is what it was when the
changes were always written to JSON and read back first: a record's changes that read back as
they are skip that step (a bulk import seals thousands of records), and those that would not
(a number as a key, a tuple) still take it, so every chain already written verifies as
before. And `audit.jsonable`, which makes each value of the changes, says what it said."""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tracker.audit import chain
from tracker.audit.services import jsonable

pytestmark = pytest.mark.no_db


def _as_before(row) -> str:
    changes = json.loads(json.dumps(row.changes or {}))
    return json.dumps(
        [row.id, row.at.astimezone(UTC).isoformat(timespec="microseconds"), row.actor_id,
         row.action, row.object_type, row.object_id or 0, changes, row.ip_address],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False)


CHANGES = [
    None, {},
    {"title": [None, "标题 \u2028 \"quoted\""], "weight": [None, "1.5"], "done": [False, True]},
    {"amount": [1.25, 1e16], "n": [None, 10**20], "nested": {"b": [1, {"a": None}]}},
    {"lines": [[("Equipment", "100")], []]},  # tuples: JSON lists
    {"by_gate": {1: "GO", 2: "KILL", 10: "GO"}},  # numbers as keys: text, sorted as text
    {"mixed": {"1": "a", 1: "b"}},
    {"unicode": ["é", "\x00"], "nan": [float("inf"), float("nan")]},
]


@pytest.mark.parametrize("changes", CHANGES)
def test_canonical_is_what_it_was(changes):
    row = SimpleNamespace(id=7, at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), actor_id=3,
                          action="project.create", object_type="projects", object_id=None,
                          changes=changes, ip_address=None)
    assert chain.canonical(row) == _as_before(row)
    assert chain.digest("0" * 64, row) == chain.digest("0" * 64, SimpleNamespace(
        **{**vars(row), "changes": json.loads(json.dumps(changes or {}))}))
    # A held record's changes are written before its id and instant are known (audit.held):
    # the same text once they are.
    other = SimpleNamespace(**{**vars(row), "id": 10**12, "actor_id": None, "object_id": 5,
                               "action": "项目.create", "ip_address": "::1"})
    for each in (row, other):
        assert chain.canonical(each) == chain.canonical(each, chain.changes_text(each.changes)) == (
            _as_before(each))


class _Colour(enum.StrEnum):
    RED = "red"


class _Size(enum.IntEnum):
    BIG = 3


def test_jsonable_says_what_it_said():
    assert [jsonable(v) for v in ("x", 3, True, None, 1.5, _Colour.RED, _Size.BIG,
                                  Decimal("1.50"), date(2026, 1, 2), time(12, 30),
                                  datetime(2026, 1, 2, 12, tzinfo=UTC), ["a"])] == [
        "x", 3, True, None, 1.5, "red", 3, "1.50", "2026-01-02", "12:30:00",
        "2026-01-02T12:00:00+00:00", ["a"]]
    assert type(jsonable(_Colour.RED)) is str and type(jsonable(_Size.BIG)) is int
