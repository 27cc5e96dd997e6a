"""An import's records are held back from the chain until its end (`tracker.audit.held`), then
appended at once: a savepoint rolled back takes back those held since it began, as it took back
the records it had sealed, and nothing held outlives its transaction."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit import chain
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord


def _said() -> list[str]:
    return [r.changes["n"][1] for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == "test.held").order_by(AuditRecord.id))]


def _write(admin, n: str, bulk: bool = False) -> None:
    if bulk:
        audit.record_many(admin, "test.held", "users", [(admin.id, {"n": [None, n]})])
    else:
        audit.record_about(admin, "test.held", "users", admin.id, {"n": [None, n]})
    db.session.flush()


def test_records_held_during_an_import_join_the_chain_at_its_end_in_order(app):
    admin = make_user(Role.HQ_ADMIN)
    db.session.commit()
    with audit.during_import(7):
        _write(admin, "a")
        _write(admin, "b", bulk=True)
        assert _said() == []  # held, not yet in the table
        row = db.session.begin_nested()  # a row refused: what it wrote goes with it
        _write(admin, "refused")
        _write(admin, "refused in bulk", bulk=True)
        inner = db.session.begin_nested()
        _write(admin, "refused too")
        inner.commit()
        row.rollback()
        kept = db.session.begin_nested()  # a row saved
        _write(admin, "c", bulk=True)
        kept.commit()
    _write(admin, "d")  # after its rows, before its end: the run's own record
    audit.append_held()
    assert _said() == ["a", "b", "c", "d"]
    assert {r.changes["import"][1] for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "test.held")) if r.changes["n"][1] != "d"} == {7}
    _write(admin, "e")  # no longer held: sealed as it is flushed
    assert _said() == ["a", "b", "c", "d", "e"]
    assert chain.verify(db.session).intact


def test_a_whole_file_rolled_back_and_a_transaction_ended_hold_nothing(app):
    admin = make_user(Role.HQ_ADMIN)
    db.session.commit()
    whole = db.Savepoint(forget_loaded=True)  # begun before the holding, as the import's
    with audit.during_import(7):
        _write(admin, "a")
        _write(admin, "b", bulk=True)
    whole.rollback()  # a dry run, a failed file
    audit.append_held()
    assert _said() == []
    with audit.during_import(8):
        _write(admin, "rolled back")
    db.session.rollback()
    admin = db.session.get(type(admin), admin.id)
    _write(admin, "next transaction")
    db.session.commit()
    assert _said() == ["next transaction"]
    with audit.during_import(9):  # its end never appended them: its commit does
        _write(admin, "committed")
    db.session.commit()
    assert _said() == ["next transaction", "committed"]
    assert chain.verify(db.session).intact
