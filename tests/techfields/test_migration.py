"""Migration 0053: the fields the institutes and projects were described in become HQ's list,
each once whatever its spaces and case, an institute's English field beside it; every record is
linked to the field its text names and keeps its text; down and up again on the demo."""

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

TEXTS = text("SELECT 'i', id, field FROM institutes UNION ALL "
             "SELECT 'p', id, field FROM projects ORDER BY 1, 2")


def test_0053_makes_the_list_of_what_was_written(demo_at):  # noqa: F811
    url = demo_at("0052")  # the demo at 0052, as the walk down from head left it
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        assert "technical_fields" not in set(conn.dialect.get_table_names(conn))
        hq = conn.execute(text("SELECT hq_id FROM institutes ORDER BY id")).first()[0]
        # The same field written differently, and a project in an institute's English words.
        conn.execute(text(
            "INSERT INTO institutes (hq_id, code, name, field, field_en, type, version) VALUES "
            "(:hq, 'X1', '新材料一所', ' 先进材料 ', NULL, 'independent', 1), "
            "(:hq, 'X2', '量子所', '量子信息', 'Quantum information', 'independent', 1)"),
            {"hq": hq})
        conn.execute(text("UPDATE projects SET field = 'ROBOTICS' WHERE id = "
                          "(SELECT min(id) FROM projects)"))
        before = conn.execute(TEXTS).all()
    command.upgrade(config, "0053")
    with engine.connect() as conn:
        assert conn.execute(TEXTS).all() == before  # every text kept as it was
        fields = conn.execute(text(
            "SELECT name, name_en FROM technical_fields ORDER BY code")).all()
        linked = conn.execute(text(
            "SELECT i.field, f.name FROM institutes i JOIN technical_fields f "
            "ON f.id = i.field_id UNION ALL SELECT p.field, f.name FROM projects p "
            "JOIN technical_fields f ON f.id = p.field_id ORDER BY 1")).all()
        unlinked = conn.execute(text(
            "SELECT (SELECT count(*) FROM institutes WHERE field_id IS NULL) + "
            "(SELECT count(*) FROM projects WHERE field_id IS NULL)")).scalar()
    assert [tuple(f) for f in fields] == [
        ("先进材料", "Advanced materials"), ("集成电路", "Integrated circuits"),
        ("生物医药", "Biomedicine"), ("机器人", "Robotics"),
        ("量子信息", "Quantum information")]
    assert unlinked == 0
    assert (" 先进材料 ", "先进材料") in [tuple(r) for r in linked]
    assert ("ROBOTICS", "机器人") in [tuple(r) for r in linked]
    command.downgrade(config, "0052")
    command.upgrade(config, "head")
    engine.dispose()
