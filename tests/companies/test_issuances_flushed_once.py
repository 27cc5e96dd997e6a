"""A cap table at incorporation and a round's investors are written in one flush
(`tracker.companies.issuance.issue_entries`), not one a holder: the flushes that write
ledger entries do not grow with the holders (an imported company's ledger is mostly these),
and the entries and their audit records are those `issue_entry` writes one by one, in order."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.companies import helpers
from tests.factories import make_project
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.companies.models import Acquisition, HolderType, ShareEntry
from tracker.companies.services import IssueLine
from tracker.projects.lifecycle import Phase


def _entry_flushes(act) -> int:
    """The flushes `act` makes that write ledger entries (each a statement an entry on SQLite,
    and a round trip for the seal of the audit chain, on either database)."""
    seen = []

    def note(session, _context):
        seen.extend(1 for obj in session.new if isinstance(obj, ShareEntry))

    def flushed(session, _context):
        if seen:
            flushes.append(len(seen))
            seen.clear()

    flushes: list[int] = []
    event.listen(Session, "after_flush", note)
    event.listen(Session, "after_flush_postexec", flushed)
    try:
        act()
    finally:
        event.remove(Session, "after_flush", note)
        event.remove(Session, "after_flush_postexec", flushed)
    return len(flushes)


def test_a_cap_table_and_a_round_insert_their_entries_at_once():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    lines = [*helpers.FOUNDING[:2], *(
        IssueLine(f"Angel {n}", HolderType.INVESTOR,
                  Decimal("250000"), Acquisition.CASH) for n in range(4))]
    assert _entry_flushes(lambda: helpers.incorporate(company, lines=lines)) == 1
    investors = tuple((f"Fund {n}", "6000000") for n in range(4))
    assert _entry_flushes(lambda: helpers.record_round(
        company, investors=investors)) == 1
    entries = db.session.scalars(select(ShareEntry).where(
        ShareEntry.company_id == company.id).order_by(ShareEntry.id)).all()
    assert [e.to_holder.name for e in entries] == [
        line.name for line in lines] + [name for name, _amount in investors]
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "shares.issue",
        AuditRecord.object_id.in_([e.id for e in entries])).order_by(AuditRecord.id)).all()
    assert [r.object_id for r in records] == [e.id for e in entries]
    assert [r.changes["holder"][1] for r in records] == [e.to_holder.name for e in entries]
