"""Migration 0045: the national template is created as the default; projects already recorded
keep their lines as they are and follow no template; down and up again on data."""

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

LINES = text("SELECT project_id, category, amount FROM budget_lines ORDER BY id")


def test_0045_down_and_up_on_the_demo(demo_at):  # noqa: F811
    url = demo_at("0044")  # the demo at 0044, as the walk down from head left it
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        before = conn.execute(LINES).all()
        tables = set(conn.dialect.get_table_names(conn))
    assert before and "budget_templates" not in tables
    command.upgrade(config, "0045")
    with engine.connect() as conn:
        assert conn.execute(LINES).all() == before  # every line kept, as it was
        assert conn.execute(text(
            "SELECT count(*) FROM projects WHERE budget_template_id IS NOT NULL")).scalar() == 0
        assert conn.execute(text(
            "SELECT count(*) FROM budget_lines WHERE category_id IS NOT NULL")).scalar() == 0
        default = conn.execute(text(
            "SELECT id, code, edition, indirect_rule FROM budget_templates WHERE is_default"
        )).one()
        assert tuple(default[1:]) == ("CN-2021", "国办发〔2021〕32号", "national_tiers")
        categories = conn.execute(text(
            "SELECT code, name, kind, is_equipment FROM budget_categories "
            "WHERE template_id = :t ORDER BY position"), {"t": default[0]}).all()
    assert [tuple(c) for c in categories] == [
        ("equipment", "设备费", "direct", True), ("operations", "业务费", "direct", False),
        ("labour", "劳务费", "direct", False), ("indirect", "间接费用", "indirect", False)]
    command.upgrade(config, "head")
    engine.dispose()
