"""Migration 0073: a need's analysed technical field, free text until then, becomes its place
in HQ's list: a text that names a field of the list classifies a need not yet classified; a
text that names none becomes a field of the list (not offered) that classifies it; a need
classified already keeps its field. The downgrade gives each analysed need its field's name.
On the demo, down and up again, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from tests.test_migrations import (  # noqa: F401  (fixtures)
    demo_at,
    demo_stops,
    empty_database,
)
from tracker.db import make_engine
from tracker.migrate import alembic_config


def test_0073_puts_each_analysed_field_in_hqs_list(demo_at):  # noqa: F811
    url = demo_at("0072")  # the demo at 0072, as the walk down from head left it
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        needs = [r[0] for r in conn.execute(text("SELECT id FROM technology_needs "
                                                 "ORDER BY id")).all()]
        assert len(needs) >= 5, "the demo has needs"
        robotics = conn.execute(text(
            "SELECT id FROM technical_fields WHERE code = 'RB'")).scalar_one()
        materials = conn.execute(text(
            "SELECT id FROM technical_fields WHERE code = 'AM'")).scalar_one()
        # Named by its English name (case and spaces aside), by a text of no field (twice,
        # one need's worth of a new field), and a need classified already.
        for need, field, field_id in (
                (needs[0], " robotics ", None), (needs[1], "液压节能", None),
                (needs[2], "液压节能 ", None), (needs[3], "Robotics", materials),
                (needs[4], "", None)):
            conn.execute(text("UPDATE technology_needs SET field = :f, field_id = :i "
                              "WHERE id = :n"), {"f": field, "i": field_id, "n": need})
    command.upgrade(config, "0073")
    with engine.connect() as conn:
        columns = {c["name"] for c in conn.dialect.get_columns(conn, "technology_needs")}
        classified = dict(conn.execute(text(
            "SELECT id, field_id FROM technology_needs")).all())
        added = conn.execute(text(
            "SELECT id, name, active FROM technical_fields WHERE name = '液压节能'")).one()
    assert "field" not in columns
    assert classified[needs[0]] == robotics
    assert classified[needs[1]] == classified[needs[2]] == added.id and not added.active
    assert classified[needs[3]] == materials
    assert classified[needs[4]] is None
    with engine.begin() as conn:
        conn.execute(text("UPDATE technology_needs SET analysed_at = created_at "
                          "WHERE id = :n"), {"n": needs[1]})
    command.downgrade(config, "0072")
    with engine.connect() as conn:
        back = dict(conn.execute(text("SELECT id, field FROM technology_needs")).all())
    assert back[needs[1]] == "液压节能"
    command.upgrade(config, "head")
    engine.dispose()
