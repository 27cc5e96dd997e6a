"""Migration 0115 (issue 13, adoption finding F20): a review whose decision was imported as
history named the HQ admin who imported it as its chair; it has none after the upgrade, and
the decision still names its importer. A review decided in the tracker keeps its chair. Down
gives the importer back as chair; up again. SQLite and PostgreSQL alike (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from tests.test_migrations import (  # noqa: F401  (fixtures)
    demo_at,
    demo_stops,
    empty_database,
)
from tracker.db import make_engine
from tracker.migrate import alembic_config

# A review decided in the tracker, its first decision and its chair.
DECIDED = ("SELECT r.id, min(d.id), r.chair_id FROM gate_reviews r JOIN gate_decisions d "
           "ON d.review_id = r.id WHERE r.chair_id IS NOT NULL GROUP BY r.id, r.chair_id "
           "HAVING count(d.imported_in_id) = 0 ORDER BY r.id LIMIT 1")
# Another review with a chair, none of its decisions imported.
CHAIRED = ("SELECT id, chair_id FROM gate_reviews WHERE chair_id IS NOT NULL AND id <> :id AND "
           "id NOT IN (SELECT review_id FROM gate_decisions WHERE imported_in_id IS NOT NULL) "
           "ORDER BY id LIMIT 1")


def _chairs(conn, reviews: list[int]) -> list[int | None]:
    return [conn.execute(text("SELECT chair_id FROM gate_reviews WHERE id = :id"),
                         {"id": r}).scalar_one() for r in reviews]


def test_0115_takes_the_importer_off_an_imported_reviews_chair(demo_at):  # noqa: F811
    url = demo_at("0114")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        imported, decision, _chair = conn.execute(text(DECIDED)).one()
        kept, chair = conn.execute(text(CHAIRED), {"id": imported}).one()
        admin = conn.execute(text("SELECT decided_by_id FROM gate_decisions WHERE id = :id"),
                             {"id": decision}).scalar_one()
        conn.execute(text(
            "INSERT INTO import_runs (kind, filename, actor_id, dry_run, state, total_rows, "
            "done_rows, created, updated, unchanged, errors, changes, started_at) VALUES "
            "('projects', 'history.xlsx', :admin, false, 'done', 1, 1, 1, 0, 0, '[]', '[]', "
            ":at)"), {"admin": admin, "at": datetime(2026, 11, 29, 23, 0)})
        run = conn.execute(text("SELECT max(id) FROM import_runs")).scalar_one()
        conn.execute(text("UPDATE gate_decisions SET imported_in_id = :run WHERE id = :id"),
                     {"run": run, "id": decision})
        conn.execute(text("UPDATE gate_reviews SET chair_id = :admin WHERE id = :id"),
                     {"admin": admin, "id": imported})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert _chairs(conn, [imported, kept]) == [None, chair]
        assert conn.execute(text("SELECT decided_by_id FROM gate_decisions WHERE id = :id"),
                            {"id": decision}).scalar_one() == admin
    command.downgrade(config, "0114")
    with engine.connect() as conn:
        assert _chairs(conn, [imported, kept]) == [admin, chair]
    command.upgrade(config, "head")
    engine.dispose()
