"""A record's trail says what was written (issue 9: nothing lost, a full audit trail; found by
a newcomer: a report owed recorded, and a centre's agreement, kept an audit record with no
values, since the service flushed the new row before `audit.record` read what was pending).
The world of every role (tests/world.py) is built through the services; every audit record of
a row it created or reversed carries that row's values."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import shared_data
from tests.world import build
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.centres import services as centres
from tracker.centres.models import CentrePayment
from tracker.dates import today


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
