"""Migration 0056: each co-funder name on record becomes a government partner (trimmed, the
same name on several agreements one partner) and the co-funder names it; the downgrade gives
each co-funder its partner's name back. On the demo, down and up again."""

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

NAMES = text("SELECT c.id, c.ratio, p.name, p.kind FROM co_funders c "
             "JOIN partners p ON p.id = c.partner_id ORDER BY c.id")


def test_0056_makes_partners_of_the_co_funders_and_back(demo_at):  # noqa: F811
    url = demo_at("0055")  # the demo at 0055, as the walk down from head left it
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        assert "partners" not in set(conn.dialect.get_table_names(conn))
        demo = conn.execute(text("SELECT id, name FROM co_funders ORDER BY id")).all()
        assert demo, "the demo's agreement has co-funders"
        agreement = conn.execute(text("SELECT agreement_id FROM co_funders")).first()[0]
        # The same city on a second line, written with spaces, and a district of its own.
        conn.execute(text("INSERT INTO co_funders (agreement_id, name, ratio) VALUES "
                          "(:a, ' 苏州市 ', 0.5), (:a, '相城区', 2)"), {"a": agreement})
        before = conn.execute(text("SELECT id, name, ratio FROM co_funders ORDER BY id")).all()
    command.upgrade(config, "0056")
    with engine.connect() as conn:
        after = conn.execute(NAMES).all()
        partners = conn.execute(text("SELECT name, kind, level FROM partners "
                                     "ORDER BY name")).all()
    assert [(r[0], r[1], r[3]) for r in after] == [
        (r.id, r.ratio, "government") for r in before]
    assert [r[2] for r in after] == [r.name.strip() for r in before]
    assert sorted(tuple(p) for p in partners) == sorted(
        (name, "government", None) for name in {r.name.strip() for r in before})
    command.downgrade(config, "0055")
    with engine.connect() as conn:
        restored = conn.execute(text("SELECT id, name, ratio FROM co_funders "
                                     "ORDER BY id")).all()
    # The name comes back as the partner has it: trimmed.
    assert [tuple(r) for r in restored] == [(r.id, r.name.strip(), r.ratio) for r in before]
    command.upgrade(config, "head")
    engine.dispose()
