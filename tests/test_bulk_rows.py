"""`tracker.bulk_rows` writes what an INSERT of the same rows writes (on PostgreSQL it COPYs
them): each column converted as the INSERT converts it (an enum, an instant, JSON, a decimal),
the Python defaults of the columns left out, the ids in the order of the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert, select

from tests.factories import make_project, make_user
from tracker import bulk_rows, db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase


def _milestones(project_id: int, mark: str) -> list[dict]:
    return [{"project_id": project_id, "phase": Phase.CONTRACT_RESEARCH,
             "title": f"Step {n}{mark}", "deliverable": "Report “一”\tand\\more\n",
             "due_date": date(2024, 3, n + 1), "weight": Decimal("1.5") * n,
             "state": state, "percent_complete": 10 * n,
             "submitted_at": datetime(2024, 2, 1, 8, n, tzinfo=UTC) if n else None,
             "review_due": None, "waiver_reason": ""}
            for n, state in enumerate([MilestoneState.PLANNED, MilestoneState.IN_PROGRESS,
                                       MilestoneState.SUBMITTED])]


def _read(ids: list[int]) -> list[tuple]:
    by_id = {m.id: m for m in db.session.scalars(select(Milestone).where(Milestone.id.in_(ids)))}
    return [(by_id[i].title.split(" ")[1][0], by_id[i].phase, by_id[i].deliverable,
             by_id[i].due_date, by_id[i].weight, by_id[i].state, by_id[i].percent_complete,
             by_id[i].submitted_at, by_id[i].version, by_id[i].created_at is not None)
            for i in ids]


def test_rows_written_at_once_are_what_an_insert_writes():
    project = make_project(make_user(Role.PROJECT_MANAGER))
    table = Milestone.__table__
    inserted = list(db.session.execute(insert(table).returning(
        table.c.id, sort_by_parameter_order=True), _milestones(project.id, "")).scalars())
    copied = bulk_rows.insert_returning_ids(table, _milestones(project.id, " (copied)"))
    assert len(copied) == 3 and copied == sorted(copied) and min(copied) > max(inserted)
    db.session.expire_all()
    assert _read(copied) == _read(inserted)
    assert [db.session.get(Milestone, i).title for i in copied] == [
        "Step 0 (copied)", "Step 1 (copied)", "Step 2 (copied)"]


def test_rows_written_at_once_mark_the_transaction_as_written():
    """COPY is no cursor execute: still, a request that wrote by it is rolled back, not
    committed as one that only read (`db.finish`)."""
    project = make_project(make_user(Role.PROJECT_MANAGER))
    db.session.info.pop(db.WROTE, None)
    bulk_rows.insert_rows(Milestone.__table__, _milestones(project.id, ""))
    assert db.session.info.get(db.WROTE) is True


def test_json_goes_in_as_an_insert_writes_it():
    user = make_user()
    changes = {"title": [None, "引号 \"quoted\"\tand\\back"], "amount": [None, "1.50"],
               "list": [[], [1, 2]], "nothing": None}
    at = datetime(2024, 5, 1, 12, tzinfo=UTC)
    row = {"at": at, "actor_id": user.id, "action": "test.bulk", "object_type": "users",
           "object_id": user.id, "changes": changes, "ip_address": None, "chain_hash": "x"}
    bulk_rows.insert_rows(AuditRecord.__table__, [row])
    db.session.expire_all()
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "test.bulk"))
    assert (record.changes, record.at, record.actor_id) == (changes, at, user.id)
