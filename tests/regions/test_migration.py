"""Migration 0112: each headquarters on record gets the four regions the Jiangsu enum had, and
every institute is put in its own headquarters' region of its old value (a second
headquarters' institutes in that one's); down gives the enum back from the codes, and up
again; on SQLite and PostgreSQL alike (TEST_DATABASE_URL)."""

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

REGIONS = text("SELECT i.code, h.code, r.code, r.name, r.name_en FROM institutes i "
               "JOIN headquarters h ON h.id = i.hq_id LEFT JOIN regions r ON r.id = i.region_id "
               "ORDER BY i.code")


def test_0112_gives_each_headquarters_the_four_regions_its_institutes_were_in(demo_at):  # noqa: F811
    url = demo_at("0111")  # the demo at 0111, as the walk down from head left it
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        assert "regions" not in set(conn.dialect.get_table_names(conn))
        before = dict(conn.execute(text("SELECT code, region FROM institutes")).all())
        assert before["JITRI-RB"] == "north" and before["JITRI-BIO"] == "central"
        conn.execute(text("INSERT INTO headquarters (code, name, version) VALUES "
                          "('SITI', '上海产业技术研究院', 1)"))
        siti = conn.execute(text("SELECT id FROM headquarters WHERE code = 'SITI'")).scalar()
        conn.execute(text(
            "INSERT INTO institutes (hq_id, code, name, field, type, region, city, "
            "legal_entity, version) VALUES (:hq, 'SITI-1', '一所', '材料', 'independent', "
            "'outside', '', :no, 1)"), {"hq": siti, "no": False})
    command.upgrade(config, "0112")
    with engine.connect() as conn:
        listed = conn.execute(text(
            "SELECT h.code, r.code, r.name, r.position, r.active FROM regions r JOIN "
            "headquarters h ON h.id = r.hq_id ORDER BY h.code, r.position")).all()
        linked = {row[0]: tuple(row[1:]) for row in conn.execute(REGIONS)}
    assert [tuple(r) for r in listed] == [
        (hq, code, name, position, True) for hq in ("JITRI", "SITI") for position, (code, name)
        in enumerate((("south", "苏南"), ("central", "苏中"), ("north", "苏北"),
                      ("outside", "省外")), start=1)]
    assert linked["JITRI-RB"] == ("JITRI", "north", "苏北", "Northern Jiangsu")
    assert linked["JITRI-AM"] == ("JITRI", "south", "苏南", "Southern Jiangsu")
    assert linked["SITI-1"] == ("SITI", "outside", "省外", "Outside Jiangsu")
    assert {code: row[1] for code, row in linked.items() if code != "SITI-1"} == before
    command.downgrade(config, "0111")
    with engine.begin() as conn:
        after = dict(conn.execute(text("SELECT code, region FROM institutes")).all())
        assert after == {**before, "SITI-1": "outside"}
        conn.execute(text("DELETE FROM institutes WHERE code = 'SITI-1'"))
        conn.execute(text("DELETE FROM headquarters WHERE code = 'SITI'"))
    command.upgrade(config, "head")
    engine.dispose()
