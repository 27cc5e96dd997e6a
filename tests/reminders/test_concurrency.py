"""Two scans at once, on PostgreSQL with two connections: they take turns, and each occurrence
is written once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import PG_URL
from tests.factories import make_user
from tests.reminders import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage

pytestmark = pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")


def test_two_scans_at_once_write_each_occurrence_once(app, real_commits, monkeypatch):
    director = make_user()
    make_user(Role.HQ_ADMIN)
    for n in range(40):
        pm = make_user(Role.PROJECT_MANAGER)
        project = helpers.project_for(pm, director)
        helpers.milestone(project, date(2026, 5, 15), title=f"Milestone {n}")
    db.session.remove()

    # Scan a inserts; scan b starts only then, while a has not committed yet: b waits for
    # its turn, then finds a's rows and writes none of them again.
    a_inserting, b_started = threading.Event(), threading.Event()
    insert = scan._insert_new

    def insert_then_let_b_start(rows):
        if not a_inserting.is_set():
            a_inserting.set()
            b_started.wait(timeout=10)
        return insert(rows)

    monkeypatch.setattr(scan, "_insert_new", insert_then_let_b_start)
    results: dict[str, scan.ScanResult | Exception] = {}

    def scan_in_thread(name: str) -> None:
        with app.app_context():
            try:
                if name == "b":
                    a_inserting.wait(timeout=10)
                    b_started.set()
                results[name] = scan.scan(date(2026, 6, 20))
                db.session.commit()
            except Exception as error:  # reported below
                db.session.rollback()
                results[name] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scan_in_thread, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    a, b = results["a"], results["b"]
    assert isinstance(a, scan.ScanResult) and isinstance(b, scan.ScanResult), results
    # 40 milestones: each PM's +36, the director's +7 and the HQ admin's +30, every one.
    assert a.found == b.found == 120
    assert (a.new, b.new) == (120, 0)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        distinct = db.session.scalar(select(func.count()).select_from(
            select(OutboxMessage.rule, OutboxMessage.item_id, OutboxMessage.occurrence,
                   OutboxMessage.recipient_id).distinct().subquery()))
        assert total == distinct == 120
        db.session.remove()
