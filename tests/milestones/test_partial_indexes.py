"""The lists that partial indexes serve say the indexes' WHERE in their SQL, so the indexes are
used: a state sent as a parameter (`state NOT IN (?, ?)`) is never matched against
`WHERE state NOT IN ('accepted', 'waived')` by SQLite, nor by PostgreSQL in a prepared
statement's generic plan, and the list reads every milestone."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import login
from tests.factories import make_user
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role


def _with(statements: list[str], words: str) -> list[str]:
    return [s for s in statements if words in " ".join(s.split())]


def test_the_lists_write_the_states_of_their_partial_indexes(client, engine):
    login(client, make_user(Role.HQ_ADMIN))
    overdue = page_statements(client, engine, "/milestones/overdue")
    assert _with(overdue, "milestones.state NOT IN ('accepted', 'waived')"), overdue
    home = page_statements(client, engine, "/")
    assert _with(home, "milestones.state = 'submitted' AND milestones.reviewer_id IS NULL"), home
    assert _with(home, "rebaselines.state = 'pending'"), home


def test_sqlite_reads_the_overdue_list_from_its_partial_index(client, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    login(client, make_user(Role.HQ_ADMIN))
    (statement,) = _with(page_statements(client, engine, "/milestones/overdue"),
                         "FROM milestones JOIN projects")
    sql = statement.replace("?", "1")  # the page's own limit and offset
    plan = " ".join(row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_milestones_not_done_due" in plan, plan
