"""The queries migration 0108 adds an index for are served by it (issue 21 point 3): each query
is run as its page or rule runs it, recorded with its values, and SQLite's plan of it names the
index. PostgreSQL chooses by the tables' sizes, and the suite's are too small for an index to
win (with sequential scans priced out it walks the primary key to skip a sort): its plans at
full size are bench/explain.py's (README, Speed of the pages)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests.factories import install_gates, make_need, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.gates.models import Outcome
from tracker.needs import services as needs
from tracker.organisations.models import TechnologyNeed
from tracker.reminders import scan


def plan_of(engine, action, marker: str) -> str:
    """The plan of the statement holding `marker` that `action()` runs."""
    seen: list[tuple[str, object]] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if marker in " ".join(statement.split()):
            seen.append((statement, parameters))

    db.session.expire_all()
    event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert seen, f"no statement holds {marker!r}"
    statement, parameters = seen[0]
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return " ".join(str(row[3]) for row in rows)


@pytest.fixture(autouse=True)
def _sqlite(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plans: PostgreSQL's at full size are bench/explain.py's")
    install_gates()


def test_the_needs_stale_rule_reads_its_index(engine):
    make_need()
    plan = plan_of(engine, lambda: scan.scan(date.today()),
                   "FROM technology_needs JOIN enterprises")
    assert "ix_technology_needs_state_since" in plan, plan


def test_the_holders_of_a_role_are_found_by_its_index(engine):
    make_user(Role.HQ_ADMIN)
    plan = plan_of(engine, lambda: scan.scan(date.today()), "FROM role_grants JOIN users")
    assert "ix_role_grants_role" in plan, plan


def test_a_needs_projects_are_found_by_its_index(engine):
    need = make_need()
    plan = plan_of(engine, lambda: needs.projects_of(db.session.get(TechnologyNeed, need.id)),
                   "WHERE projects.need_id =")
    assert "ix_projects_need_id" in plan, plan


@pytest.mark.parametrize("column", ["institute_id", "enterprise_id", "centre_id"])
def test_the_needs_a_reader_sees_are_found_by_their_indexes(engine, column):
    """The columns `TechnologyNeed.visible_to` filters on (a director's institutes, a contact's
    enterprise, a liaison's centres), and the enterprise's and centre's pages."""
    make_need()
    plan = plan_of(engine, lambda: db.session.scalars(select(TechnologyNeed).where(
        getattr(TechnologyNeed, column).in_([1, 2]))).all(), f"technology_needs.{column} IN")
    assert f"ix_technology_needs_{column}" in plan, plan


def test_a_decisions_conditions_are_found_by_their_index(engine):
    pm = make_user(Role.PROJECT_MANAGER)
    decision = helpers.go(helpers.submit(make_project(pm=pm)), Outcome.CONDITIONAL_GO,
                          conditions=[{"text": "A customer", "owner": pm,
                                       "due_date": date.today() + timedelta(days=9)}])
    decision_id = decision.id
    plan = plan_of(engine, lambda: db.session.get(type(decision), decision_id).conditions,
                   "FROM conditions WHERE")
    assert "ix_conditions_decision_id" in plan, plan
