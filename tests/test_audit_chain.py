"""The tamper-evident trail: every record hashed with its predecessor, `flask audit verify`
naming the first record that breaks the chain, TRUNCATE refused and the app's own PostgreSQL
role limited to reading and appending."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.conftest import PG_URL
from tests.factories import make_user
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tests.test_migrations import empty_database  # noqa: F401  (a fixture)
from tracker import db
from tracker.accounts.models import Role
from tracker.audit import chain
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.db import UTCDateTime, make_engine
from tracker.migrate import alembic_config, app_role_grants
from tracker.organisations import services as organisations

pg_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL roles and triggers")


def _write(admin, n: int = 3) -> list[AuditRecord]:
    for i in range(n):
        organisations.save_enterprise(admin, None, name=f"Enterprise {i}", uscc=None, city="",
                                      industry="")
    db.session.flush()
    return db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_each_record_follows_from_the_one_before(app):
    records = _write(make_user(Role.HQ_ADMIN))
    previous = chain.GENESIS
    for record in records:
        assert record.chain_hash == chain.digest(previous, record)
        previous = record.chain_hash
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert f"intact: {len(records)} records" in result.output


def _edit_as_owner(record_id: int) -> None:
    """What someone holding the owner role could do: step around the trigger and rewrite."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("ALTER TABLE audit_records DISABLE TRIGGER "
                                "audit_records_append_only"))
    db.session.execute(text("UPDATE audit_records SET object_id = object_id + 1000 "
                            "WHERE id = :id"), {"id": record_id})
    if postgres:
        db.session.execute(text("ALTER TABLE audit_records ENABLE TRIGGER "
                                "audit_records_append_only"))
    db.session.expire_all()


def test_verify_names_the_first_record_edited_as_the_owner(app):
    records = _write(make_user(Role.HQ_ADMIN), 4)
    edited = records[2]
    _edit_as_owner(edited.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert f"broken at record #{edited.id} ({edited.action}" in result.output
    assert f"The {len(records) - 2} records before it are intact" in result.output


def test_a_removed_record_breaks_the_chain_at_the_next_one(app):
    records = _write(make_user(Role.HQ_ADMIN), 3)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_records DISABLE TRIGGER "
                                "audit_records_append_only"))
    db.session.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": records[1].id})
    verdict = chain.verify(db.session)
    assert verdict.broken.id == records[2].id


@pg_only
def test_truncate_is_refused_even_to_the_owner():
    _write(make_user(Role.HQ_ADMIN), 1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE audit_records"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("TRUNCATE users CASCADE"))


@pg_only
def test_the_app_role_may_read_and_append_to_the_trail_but_never_rewrite_it():
    admin = make_user(Role.HQ_ADMIN)
    connection = db.session.connection()
    role = f"tracker_app_test_{os.getpid()}"
    connection.execute(text(f'CREATE ROLE "{role}"'))  # rolled back with the test
    for statement in app_role_grants(connection, role):
        connection.execute(text(statement))

    def as_app(sql: str | None = None):
        savepoint = db.session.begin_nested()
        db.session.execute(text(f'SET ROLE "{role}"'))
        try:
            if sql is None:  # what the app does: a change and its record
                organisations.save_enterprise(admin, None, name="Acme", uscc=None, city="",
                                              industry="")
                db.session.flush()
            else:
                db.session.execute(text(sql))
        except BaseException:
            savepoint.rollback()
            raise
        db.session.execute(text("RESET ROLE"))
        savepoint.commit()

    as_app()
    as_app("SELECT count(*) FROM audit_records")
    for sql in ("UPDATE audit_records SET action = 'forged'", "DELETE FROM audit_records",
                "TRUNCATE audit_records", "DELETE FROM alembic_version"):
        with pytest.raises(DBAPIError, match="permission denied"):
            as_app(sql)
    assert chain.verify(db.session).intact


@pg_only
def test_concurrent_writers_keep_one_chain(app, real_commits):  # noqa: F811
    admin_id = make_user(Role.HQ_ADMIN).id
    db.session.commit()
    db.session.remove()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                for i in range(5):
                    # two records a transaction, in two flushes
                    audit.record_about(None, "test.concurrent", "users", admin_id,
                                       {"n": [None, f"{n}-{i}"]})
                    db.session.flush()
                    audit.record_about(None, "test.concurrent", "users", admin_id, {})
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    verdict = chain.verify(db.session)
    assert verdict.intact and verdict.checked >= 40


def test_the_migration_chains_the_records_written_before_it(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0010")
    engine = make_engine(empty_database)
    before = sa.table("audit_records", sa.column("at", UTCDateTime()), sa.column("action"),
                      sa.column("object_type"), sa.column("object_id"),
                      sa.column("changes", sa.JSON()))
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(before.insert().values(
                at=datetime(2026, 1, n + 1, 8, 0, 0, 123456, tzinfo=UTC), action="user.create",
                object_type="users", object_id=n, changes={"email": [None, "a@example.cn"]}))
    command.upgrade(config, "head")
    with Session(engine) as session:
        verdict = chain.verify(session)
    engine.dispose()
    assert verdict.intact and verdict.checked == 3
