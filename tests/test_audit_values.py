"""A record's trail says what was written (issue 9: nothing lost, a full audit trail; found by
a newcomer: a report owed recorded, and a centre's agreement, kept an audit record with no
values, since the service flushed the new row before `audit.record` read what was pending).
The world of every role (tests/world.py) is built through the services; every audit record of
a row it created or reversed carries that row's values."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import shared_data
from tests.world import build
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.centres import services as centres
from tracker.centres.models import CentrePayment
from tracker.dates import today
from tracker.display import history, history_names


@pytest.fixture(scope="module")
def world(app, module_connection):
    with shared_data(app, module_connection):
        return build()


def test_every_record_the_world_wrote_names_its_values(world):
    written = db.session.scalars(select(AuditRecord)).all()
    print(sorted({r.action for r in written}))
    assert sorted({r.action for r in written if not r.changes}) == []


def test_a_reversal_written_after_its_checks_names_its_values(world):
    """A reversal recorded as the centre's page records it names its amount and reason (the
    service had flushed it before the trail read it)."""
    admin = db.session.get(User, world.people["admin"])
    paid = db.session.get(CentrePayment, world.ids["centre_payment_id"])
    reversal = centres.reverse_payment(admin, paid, today(), "Paid to another centre.")
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "centre_agreement.reverse", AuditRecord.object_id == reversal.id))
    assert record.changes["reason"] == [None, "Paid to another centre."], record.changes
    assert record.changes["amount"] == [None, str(reversal.amount)], record.changes


def test_every_id_the_world_wrote_reads_as_its_records_name(world):
    """Issue 9 point 9 (the tester's finding 6: "Panel chair: 3"): every value of the trail that
    refers to a record (a reference column, a key a service writes as one, an id-named key)
    reads in the history as that record's name, never as its bare id, whether the service
    stored it as a number or as text."""
    records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
    raw, scanned = [], 0
    for record, line in zip(records, history.describe(records), strict=True):
        model = history_names.model_of(record.object_type)
        for change in line.changes:
            kind = history.kind_of(model, change.key)
            if not (isinstance(kind, tuple) and kind[0] in ("ref", "refs")
                    or change.key.endswith(("_id", "_ids"))):
                continue
            scanned += 1
            raw += [(record.action, change.key, value) for value in (change.before, change.after)
                    if re.fullmatch(r"[\d,; ]+", value)]
    assert scanned > 20  # the world's trail has references: panels, PMs, enterprises, users
    assert raw == []


def test_a_panels_chair_reads_as_the_chairs_name(world):
    named = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "gate.panel")
                               ).all()
    assert named
    lines = history.describe(named)
    chairs = [c for line in lines for c in line.changes if c.key == "chair_id"]
    assert chairs and all(c.after == db.session.get(User, int(c.raw)).name for c in chairs)


def test_a_record_added_reads_as_added_never_as_changed(world):
    """The tester's finding 7: a new tranche read "Tranche changed" in its agreement's history.
    The first record of a row in the trail, when it wrote the row's first values (nothing
    before, but a reason), is named as an addition, whatever the row: never "changed" or
    "corrected"."""
    first = {}
    for record in db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        first.setdefault((record.object_type, record.object_id), record)
    named = {}
    with force_locale("en"):
        for record in first.values():
            befores = [pair[0] for key, pair in (record.changes or {}).items()
                       if key != "reason" and isinstance(pair, list) and pair]
            if befores and all(before in (None, "", []) for before in befores):
                said = history.action_name(record.action, record.object_type)
                if re.search(r"\b(changed|corrected)\b", said):
                    named[record.action] = said
    assert named == {}


def test_every_choice_the_world_wrote_reads_as_its_label(world):
    """Issue 9 point 9: a value the trail keeps as a code of a choice (a state, a kind) reads
    as that choice's label, whatever action wrote it: a re-baseline's state, recorded on its
    milestone under "state", read "pending -> approved" (taken for the milestone's state, which
    has no such value, and shown as stored)."""
    records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
    raw, scanned = [], 0
    for record in records:
        model = history_names.model_of(record.object_type)
        for key, pair in (record.changes or {}).items():
            kind = history.kind_of(model, key, record.action)
            if not (isinstance(kind, tuple) and kind[0] == "enum"):
                continue
            for value in pair if isinstance(pair, list) else [pair]:
                if value in (None, "", []):
                    continue
                scanned += 1
                if value not in {member.value for member in kind[1]}:
                    raw.append((record.action, key, value))
    assert scanned > 20
    assert sorted(set(raw)) == []


def test_no_value_the_world_wrote_is_an_amount_said_in_the_recorders_language(world):
    """The trail keeps an amount as a number, shown in the reader's language when read (found
    by a tester: a receipt's contributors' parts were kept as "李强 ¥118,440.00", and read so
    on the English history, where every other amount says CN¥)."""
    said = []
    for record in db.session.scalars(select(AuditRecord)):
        for key, pair in (record.changes or {}).items():
            if "¥" in repr(pair):
                said.append((record.action, key, pair))
    assert said == []


def test_a_receipts_parts_read_in_the_readers_language(world):
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "income.create")).first()
    assert record is not None, "the world records income"
    for locale, symbol in (("en", "CN¥"), ("zh_CN", "¥")):
        with force_locale(locale):
            [line] = history.describe([record])
            parts = next(c.after for c in line.changes if c.key == "shares")
            assert parts.count(symbol) == len(record.changes["shares"][1]) > 0, parts
            assert locale != "zh_CN" or "CN¥" not in parts
