"""The migrations: one head, up and down and up again, and agreement with the models."""

from __future__ import annotations

import ast
import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, MetaData, Table, bindparam, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from tests.conftest import PG_URL, copy_database, copy_of_head, drop_database
from tests.source import tree as parsed
from tracker import crypto
from tracker.db import Base, make_engine
from tracker.migrate import alembic_config


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """A database of its own, so the suite's schema is never touched."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"mig_{uuid.uuid4().hex[:10]}_{os.getpid()}"
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migrated_database(app, empty_database: str) -> str:
    """A database of its own at the head revision, holding no rows: a copy of the run's
    database as the migrations left it (tests/conftest.py:copy_of_head), which the upgrade
    from nothing made."""
    return copy_of_head(empty_database)


@pytest.fixture
def demo_database(empty_database: str, demo_template: str) -> str:
    """A database of its own at the head revision holding the demo organisation (`flask demo
    seed`): a copy of the test process's `demo_template` (tests/conftest.py)."""
    return copy_database(demo_template, empty_database)


# The revisions the tests below and the domains' (tests/*/test_migration.py) take the demo
# organisation down to before they change its rows, newest first. The walk down is shared:
# each is reached once a test process, from the one above it, instead of from head in every
# test (a test asking for another revision fails until it is added here).
DEMO_STOPS = ("0114", "0113", "0111", "0102", "0101", "0099", "0097", "0093", "0091", "0083",
              "0082", "0081", "0080", "0072", "0071", "0064", "0055", "0052", "0044", "0037")
# Each stop reached: the demo organisation at that revision (a SQLite file or a PostgreSQL
# database), for every test of the process.
_DEMO_AT: dict[str, str] = {}


@pytest.fixture(scope="session")
def demo_stops(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The test process's stops reached so far (`_DEMO_AT`), dropped at its end."""
    _DEMO_AT.setdefault("head", demo_template)
    yield _DEMO_AT
    for revision, database in list(_DEMO_AT.items()):
        if revision != "head" and PG_URL:
            drop_database(make_url(PG_URL).set(database=database).render_as_string(
                hide_password=False))
        del _DEMO_AT[revision]


def _stop_url(demo_template: str, revision: str, folder) -> str:
    if PG_URL:
        return make_url(PG_URL).set(database=f"{demo_template}_{revision}").render_as_string(
            hide_password=False)
    return f"sqlite:///{folder / f'demo-{revision}.db'}"


@pytest.fixture
def demo_at(empty_database: str, demo_template: str, demo_stops: dict,
            tmp_path_factory: pytest.TempPathFactory):
    """`demo_at(revision)`: this test's database holding the demo organisation migrated down to
    `revision` (one of `DEMO_STOPS`), as `alembic downgrade <revision>` from head leaves it:
    a copy of the stop, which the first test asking for it (or one below it) walked down to
    from the stop above it."""

    def at(revision: str) -> str:
        assert revision in DEMO_STOPS, f"add {revision} to DEMO_STOPS"
        if revision not in demo_stops:
            above = [r for r in ("head", *DEMO_STOPS) if r in demo_stops
                     and (r == "head" or r > revision)][-1]
            folder = tmp_path_factory.getbasetemp()
            for stop in DEMO_STOPS[DEMO_STOPS.index(above) + 1 if above != "head" else 0:]:
                url = copy_database(demo_stops[above], _stop_url(demo_template, stop, folder))
                command.downgrade(alembic_config(url), stop)
                demo_stops[stop] = make_url(url).database
                above = stop
                if stop == revision:
                    break
        return copy_database(demo_stops[revision], empty_database)

    return at


def test_flask_db_upgrade_takes_a_url_with_a_percent_sign(empty_database, tmp_path):
    """A URL-encoded password ('p%ss@word' is p%25ss%40word) or a path with a '%' in it: `flask
    db downgrade` then `flask db upgrade` each run a migration through it (from a copy of the
    run's head, which the walk up from nothing made: no second walk of the whole chain)."""
    from tracker import create_app

    if PG_URL:  # the test server trusts local connections: any password is let in
        url = make_url(empty_database).set(password="p%ss@word").render_as_string(
            hide_password=False)
    else:
        (tmp_path / "100%").mkdir()
        url = f"sqlite:///{tmp_path / '100%' / 'tracker.db'}"
    assert "%" in url
    copy_of_head(url)
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    cli = create_app("test", DATABASE_URL=url)
    engine = make_engine(url)
    version = text("SELECT version_num FROM alembic_version")
    for command_line, at in ((["db", "downgrade"], script.get_revision(head).down_revision),
                             (["db", "upgrade"], head)):
        with cli.app_context():  # above the suite's own app, which every test has pushed
            result = cli.test_cli_runner().invoke(args=command_line)
        assert result.exit_code == 0, result.output
        with engine.connect() as conn:
            assert conn.execute(version).scalar_one() == at, command_line
    assert "users" in inspect(engine).get_table_names()
    engine.dispose()


def test_there_is_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_every_revision_has_a_downgrade():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    for revision in script.walk_revisions():
        tree = parsed(revision.path)
        downgrade = next(node for node in tree.body
                         if isinstance(node, ast.FunctionDef) and node.name == "downgrade")
        assert not all(isinstance(s, ast.Pass) for s in downgrade.body), revision.revision


def test_upgrade_downgrade_upgrade(migrated_database):
    """Up from nothing (the migrated database), down to nothing, and up again."""
    config = alembic_config(migrated_database)
    engine = make_engine(migrated_database)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_and_migrations_agree(migrated_database):
    command.check(alembic_config(migrated_database))  # raises when autogenerate finds a difference


def test_every_migration_runs_on_a_database_with_data(demo_at):
    """Down and up again through the migrations that alter tables, on a database holding the
    demo organisation: on SQLite a batch alteration rebuilds a table other rows refer to. The
    way down is the stops' (`demo_at`: every migration from head down to 0037, run on the demo
    by the walk the other tests share), the way up this test's."""
    database = demo_at("0037")
    command.upgrade(alembic_config(database), "head")
    engine = make_engine(database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM gate_decisions")).scalar() > 0
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # 0038 gives the projects already recorded the funding source their records show (the
        # demo's government programme is not among what the records show: own funds).
        sources = dict(conn.execute(text(
            "SELECT funding_source, count(*) FROM projects GROUP BY funding_source")).all())
        assert sources.get("enterprise", 0) > 0 and "government" not in sources
        assert conn.execute(text(
            "SELECT count(*) FROM projects p WHERE funding_source <> 'enterprise' AND EXISTS "
            "(SELECT 1 FROM research_contracts c WHERE c.project_id = p.id)")).scalar() == 0
    engine.dispose()


def _insert_user(engine, **values) -> None:
    """A users row as the schema of the moment has it: every required column filled."""
    table = Table("users", MetaData(), autoload_with=engine)
    row = {}
    for col in table.columns:
        if col.nullable or col.primary_key or col.server_default is not None:
            continue
        python = col.type.python_type
        row[col.name] = (datetime.now(UTC) if python is datetime else False if python is bool
                         else 0 if python is int else "x")
    with engine.begin() as conn:
        conn.execute(table.insert().values(**{**row, **values}))


def test_the_totp_secrets_already_stored_are_encrypted_and_back(empty_database):
    """0020 encrypts the secrets written before it; its downgrade gives them back."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0019")
    engine = make_engine(empty_database)
    _insert_user(engine, email="enrolled@example.cn",
                 totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    _insert_user(engine, email="without@example.cn", totp_secret=None)
    read = text("SELECT email, totp_secret FROM users ORDER BY email")
    command.upgrade(config, "0020")
    with engine.connect() as conn:
        stored = dict(conn.execute(read).all())
    assert stored["without@example.cn"] is None
    assert "JBSWY3DP" not in stored["enrolled@example.cn"]
    assert crypto.decrypt(stored["enrolled@example.cn"]) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    command.downgrade(config, "0019")
    with engine.connect() as conn:
        assert dict(conn.execute(read).all())["enrolled@example.cn"] == (
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    engine.dispose()


def test_0065_says_what_each_receipt_already_recorded_pays(demo_at):
    """A receipt against a report pays its royalty; the others of a deal, oldest first, its
    upfront payment until they reach it, then other income (issue 16)."""
    url = demo_at("0064")
    config = alembic_config(url)
    # the demo: a licence: 300,000.00 upfront, received on one receipt
    engine = make_engine(url)
    copy = ("INSERT INTO ip_income (transfer_id, report_id, received_on, amount, costs, note, "
            "contributor_pct, pool, recorded_by_id) SELECT transfer_id, {report}, {later}, "
            "1000, 0, '{note}', contributor_pct, 500, recorded_by_id FROM ip_income "
            "WHERE note = '首付款'")
    later = ("received_on + 1" if engine.dialect.name == "postgresql"
             else "date(received_on, '+1 day')")
    with engine.begin() as conn:
        conn.execute(text(copy.format(report="NULL", later=later, note="after")))
        conn.execute(text(copy.format(
            report="(SELECT min(id) FROM royalty_reports)", later=later, note="royalty")))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        pays = dict(conn.execute(text("SELECT note, pays FROM ip_income")).all())
    assert pays == {"首付款": "upfront", "after": "other", "royalty": "royalty"}
    engine.dispose()


def test_0072_reads_each_jurisdiction_typed_and_keeps_a_number_once(demo_at):
    """Free-text jurisdictions become the office they name (OTHER when none); a number
    registered twice already keeps its key on the oldest right only (issue 16)."""
    url = demo_at("0071")
    config = alembic_config(url)
    # the demo: a patent CN202310456789.1 and a software copyright
    engine = make_engine(url)
    copy = ("INSERT INTO ip_rights (achievement_id, kind, patent_type, title, number, "
            "jurisdiction, status, filed_on, attorney_costs, version, created_at) "
            "SELECT achievement_id, kind, patent_type, '{title}', '{number}', '{where}', "
            "status, filed_on, attorney_costs, 1, created_at FROM ip_rights "
            "WHERE title = '一种挖掘机负流量液压节能控制系统'")
    with engine.begin() as conn:
        conn.execute(text("UPDATE ip_rights SET jurisdiction = ' cn ' "
                          "WHERE title = '一种挖掘机负流量液压节能控制系统'"))
        for title, number, where in (("twin", "ZL 2023 1 0456789.1", "中国"),
                                     ("american", "CN202310456789.1", "USA"),
                                     ("german", "DE1020230001", "Germany"),
                                     ("blank", "PCT/CN2024/000001", "")):
            conn.execute(text(copy.format(title=title, number=number, where=where)))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = {title: (where, key) for title, where, key in conn.execute(text(
            "SELECT title, jurisdiction, number_key FROM ip_rights WHERE kind = 'patent'"))}
    assert rows == {"一种挖掘机负流量液压节能控制系统": ("CN", "2023104567891"),
                    "twin": ("CN", None),  # the same Chinese number: the oldest keeps it
                    "american": ("US", "CN2023104567891"),
                    "german": ("OTHER", "DE1020230001"), "blank": ("CN", "PCTCN2024000001")}
    command.downgrade(config, "0071")
    command.upgrade(config, "head")
    engine.dispose()


def test_0081_gives_each_deal_the_minimum_it_was_recorded_under(demo_at):
    """The deals already recorded are judged by the setting as it stands, except one below it
    with no reason given: accepted then, it gets its own share, and none becomes
    non-compliant (issue 16, T26)."""
    url = demo_at("0080")
    config = alembic_config(url)
    # the demo: a licence: 70 % to the contributors
    engine = make_engine(url)
    for again, (share, minimum) in enumerate((("80", "60"), ("55", "55"))):
        if again:
            command.downgrade(config, "0080")
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM setting_values "
                              "WHERE key = 'ip_income_contributor_min_pct'"))
            conn.execute(text("INSERT INTO setting_values (key, value, updated_at, version) "
                              "VALUES ('ip_income_contributor_min_pct', '60', "
                              "CURRENT_TIMESTAMP, 1)"))
            conn.execute(text(f"UPDATE ip_transfers SET contributor_pct = {share}, "
                              "override_reason = ''"))
        command.upgrade(config, "head")
        with engine.connect() as conn:
            stored = conn.scalar(text("SELECT contributor_min_pct FROM ip_transfers"))
        assert stored == Decimal(minimum)
    engine.dispose()


def test_0082_links_a_typed_spin_off_deal_to_the_right_of_its_number(demo_at):
    """A spin-off's IP deal typed before the register (F38) is linked to the achievement and
    right whose number it typed, however spaced; one whose number is not registered keeps its
    text, not linked; the downgrade keeps both texts (issue 16)."""
    url = demo_at("0081")
    config = alembic_config(url)
    # the demo: a patent CN202310456789.1
    engine = make_engine(url)
    typed = ("INSERT INTO ip_deals (company_id, project_id, kind, patent_number, title, "
             "licensee, exclusive, field_of_use, upfront, royalty_pct, equity_shares, "
             "signed_on, recorded_by_id, recorded_at) SELECT company_id, project_id, "
             "'licence', '{number}', '{title}', 'Spin-off', false, '', 0, 0, 0, '2025-01-02', "
             "(SELECT min(id) FROM users), CURRENT_TIMESTAMP FROM company_projects "
             "ORDER BY company_id LIMIT 1")
    with engine.begin() as conn:
        for number, title in (("ZL 2023 1 0456789.1", "registered"),
                              ("CN209900000001.X", "unknown")):
            conn.execute(text(typed.format(number=number, title=title)))
    command.upgrade(config, "head")
    read = text("SELECT d.title, d.patent_number, a.title, r.number FROM ip_deals d "
                "LEFT JOIN achievements a ON a.id = d.achievement_id "
                "LEFT JOIN ip_deal_rights l ON l.ip_deal_id = d.id "
                "LEFT JOIN ip_rights r ON r.id = l.right_id ORDER BY d.id")
    with engine.connect() as conn:
        rows = {row[0]: row[1:] for row in conn.execute(read)}
        patent = conn.execute(text("SELECT a.title FROM ip_rights r JOIN achievements a "
                                   "ON a.id = r.achievement_id "
                                   "WHERE r.number_key = '2023104567891'")).scalar_one()
    assert rows["registered"][0] == "ZL 2023 1 0456789.1"
    assert rows["registered"][1] == patent and rows["registered"][2] is not None
    assert rows["unknown"] == ("CN209900000001.X", None, None)
    command.downgrade(config, "0081")
    with engine.connect() as conn:
        kept = dict(conn.execute(text("SELECT title, patent_number FROM ip_deals")).all())
    assert kept == {"registered": "ZL 2023 1 0456789.1", "unknown": "CN209900000001.X"}
    command.upgrade(config, "head")
    engine.dispose()


def test_0083_links_a_typed_recipient_to_the_organisation_it_names(demo_at):
    """A report owed whose recipient was typed is linked to the enterprise, partner or HQ whose
    name it is, in either language however spaced or cased; one the app does not know keeps
    its text; the downgrade writes each organisation's name back (issue 9, T5/T19/T20)."""
    url = demo_at("0082")
    config = alembic_config(url)
    # the demo: reports owed to an enterprise, a co-funder, a bureau
    engine = make_engine(url)
    with engine.begin() as conn:
        linked_before = dict(conn.execute(text(
            "SELECT id, recipient FROM report_obligations")).all())
        partner = conn.execute(text("SELECT id, name, name_en FROM partners "
                                    "WHERE name_en IS NOT NULL ORDER BY id LIMIT 1")).one()
        first = min(linked_before)
        conn.execute(text("UPDATE report_obligations SET recipient = :r WHERE id = :i"),
                     {"r": f"  {partner.name_en.upper()} ", "i": first})
    command.upgrade(config, "head")
    read = text("SELECT id, recipient, recipient_enterprise_id, recipient_partner_id, "
                "recipient_hq_id FROM report_obligations ORDER BY id")
    with engine.connect() as conn:
        rows = {row[0]: row[1:] for row in conn.execute(read)}
        enterprise_names = dict(conn.execute(text("SELECT name, id FROM enterprises")).all())
    assert rows[first] == (None, None, partner.id, None)
    for row_id, typed in linked_before.items():
        if row_id == first:
            continue
        if typed in enterprise_names:
            assert rows[row_id] == (None, enterprise_names[typed], None, None)
        elif typed == "苏州市科学技术局":  # not in the app
            assert rows[row_id] == (typed, None, None, None)
    assert {row[0] for row in rows.values()} == {None, "苏州市科学技术局"}
    command.downgrade(config, "0082")
    with engine.connect() as conn:
        back = dict(conn.execute(text("SELECT id, recipient FROM report_obligations")).all())
    assert back == {**linked_before, first: partner.name}


def test_0084_lists_a_title_once_in_its_project_renaming_the_later_twins(demo_at):
    """Titles recorded twice in a project before the rule: the oldest keeps its title, each
    later one is renamed with the first free number; a withdrawn one and another project's
    are left as they were, with no key for the withdrawn (issue 16, T30)."""
    url = demo_at("0083")
    config = alembic_config(url)
    # the demo: 挖掘机负流量液压节能控制技术, of its project
    engine = make_engine(url)
    copy = ("INSERT INTO achievements (project_id, title, description, created_by_id, "
            "created_at, version, withdrawn_reason, withdrawn_at, withdrawn_by_id) "
            "SELECT {project}, '{title}', '{description}', created_by_id, created_at, 1, '', "
            "{withdrawn}, CASE WHEN {withdrawn} IS NULL THEN NULL ELSE created_by_id END "
            "FROM achievements WHERE id = (SELECT min(id) FROM achievements)")
    other = "(SELECT min(id) FROM projects WHERE id <> achievements.project_id)"
    with engine.begin() as conn:
        for project, title, description, withdrawn in (
                ("project_id", "挖掘机负流量液压节能控制技术 ", "twin", "NULL"),
                ("project_id", "挖掘机负流量液压节能控制技术 (2)", "numbered", "NULL"),
                ("project_id", "挖掘机负流量液压节能控制技术", "withdrawn", "CURRENT_TIMESTAMP"),
                (other, "挖掘机负流量液压节能控制技术", "elsewhere", "NULL")):
            conn.execute(text(copy.format(project=project, title=title,
                                          description=description, withdrawn=withdrawn)))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = {description: (title, key) for description, title, key in conn.execute(text(
            "SELECT description, title, title_key FROM achievements"))}
    original = "挖掘机负流量液压节能控制技术"
    assert rows["twin"] == (f"{original} (3)", f"{original} (3)")
    assert rows["numbered"] == (f"{original} (2)", f"{original} (2)")
    assert rows["withdrawn"] == (original, None)
    assert rows["elsewhere"] == (original, original)
    assert [key for (_t, key) in rows.values()].count(original) == 2  # its own and elsewhere
    command.downgrade(config, "0083")
    command.upgrade(config, "head")
    engine.dispose()


def test_0092_links_a_typed_holder_to_the_record_it_names(demo_at):
    """A shareholder typed before is linked to HQ, the institute, the partner or the user whose
    name it is, in either language however spaced or cased (a person's grant to its user);
    a holder the app does not know keeps its text only; the downgrade leaves the names as
    typed (issue 9, point 8)."""
    url = demo_at("0091")
    config = alembic_config(url)
    # the demo: a spin-off held by HQ, a team, a pool and three people
    engine = make_engine(url)
    with engine.begin() as conn:
        hq = conn.execute(text("SELECT id, name, name_en FROM headquarters")).one()
        institute = conn.execute(text("SELECT id, name_en FROM institutes "
                                      "WHERE name_en IS NOT NULL ORDER BY id LIMIT 1")).one()
        partner = conn.execute(text("SELECT id, name FROM partners "
                                    "WHERE merged_into_id IS NULL ORDER BY id LIMIT 1")).one()
        company = conn.execute(text("SELECT company_id FROM shareholders "
                                    "WHERE name = :n"), {"n": hq.name}).scalar_one()
        conn.execute(text("UPDATE shareholders SET name = :typed WHERE name = :n"),
                     {"typed": f"  {hq.name_en.upper()} ", "n": hq.name})
        for name, kind in ((institute.name_en, "institute"), (partner.name, "state_fund"),
                           ("某某创业投资基金", "investor")):
            conn.execute(text("INSERT INTO shareholders (company_id, name, kind) "
                              "VALUES (:c, :n, :k)"), {"c": company, "n": name, "k": kind})
        before = dict(conn.execute(text("SELECT id, name FROM shareholders")).all())
        granted = dict(conn.execute(text(
            "SELECT holder_id, user_id FROM incentive_grants WHERE user_id IS NOT NULL")).all())
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = {row[0]: row[1:] for row in conn.execute(text(
            "SELECT id, name, hq_id, institute_id, enterprise_id, partner_id, user_id "
            "FROM shareholders"))}
    by_name = {name.strip(): refs for name, *refs in rows.values()}
    assert by_name[hq.name_en.upper()] == [hq.id, None, None, None, None]
    assert by_name[institute.name_en] == [None, institute.id, None, None, None]
    assert by_name[partner.name] == [None, None, None, partner.id, None]
    for unknown in ("某某创业投资基金", "力控关节研发团队", "员工持股平台（激励池）", "孙浩"):
        assert by_name[unknown] == [None] * 5, unknown
    assert granted and all(rows[holder][-1] == user for holder, user in granted.items())
    assert {i: row[0] for i, row in rows.items()} == before  # the names typed stay
    command.downgrade(config, "0091")
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, name FROM shareholders")).all()) == before
    command.upgrade(config, "head")
    engine.dispose()


def test_0094_gives_the_withdrawn_records_the_voids_columns_and_back(demo_at):
    """A record withdrawn before 0094 is voided after it, when, why and by whom kept; a
    standing one has no reason (the empty text becomes NULL); the downgrade gives the former
    columns back with the same values (issue 11: one mechanism)."""
    url = demo_at("0093")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        first, *others = conn.execute(text("SELECT id FROM ip_rights ORDER BY id")).scalars()
        by = conn.execute(text("SELECT min(id) FROM users")).scalar_one()
        conn.execute(text("UPDATE ip_rights SET withdrawn_at = CURRENT_TIMESTAMP, "
                          "withdrawn_reason = 'Another office', withdrawn_by_id = :by "
                          "WHERE id = :id"), {"by": by, "id": first})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = {row[0]: row[1:] for row in conn.execute(text(
            "SELECT id, voided_at IS NOT NULL, void_reason, voided_by_id FROM ip_rights"))}
        columns = {c["name"] for c in inspect(conn).get_columns("achievements")}
    assert rows[first] == (True, "Another office", by)
    assert others and all(rows[i] == (False, None, None) for i in others)
    assert {"voided_at", "void_reason", "voided_by_id"} <= columns
    assert not {"withdrawn_at", "withdrawn_reason", "withdrawn_by_id"} & columns
    command.downgrade(config, "0093")
    with engine.connect() as conn:
        back = {row[0]: row[1:] for row in conn.execute(text(
            "SELECT id, withdrawn_at IS NOT NULL, withdrawn_reason, withdrawn_by_id "
            "FROM ip_rights"))}
    assert back[first] == (True, "Another office", by)
    assert all(back[i] == (False, "", None) for i in others)
    command.upgrade(config, "head")
    engine.dispose()


def test_0098_numbers_each_pms_drafts_in_the_order_they_were_made(demo_at):
    """The drafts already recorded get their PM's numbers 1, 2, ... by age, whatever their ids;
    a project with a code gets none (issue 9 point 2)."""
    url = demo_at("0097")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:  # half the demo's projects made drafts again
        conn.execute(text("UPDATE projects SET code = NULL, year = NULL, seq = NULL "
                          "WHERE id % 2 = 0 OR code IS NULL"))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT pm_id, code, draft_number FROM projects "
                                 "ORDER BY pm_id, id")).all()
    numbers: dict[int, list[int]] = {}
    for pm_id, code, number in rows:
        assert (number is None) == (code is not None)
        if code is None:
            numbers.setdefault(pm_id, []).append(number)
    assert numbers and any(len(n) > 1 for n in numbers.values())
    assert all(n == list(range(1, len(n) + 1)) for n in numbers.values())


def test_0100_merges_a_companys_hq_holders_into_one_and_keeps_it_one(demo_at):
    """HQ holders a company got twice before 0100 ("JITRI HQ" typed with the type HQ) are
    merged into the one referring to HQ, their entries with them: HQ's shares stay what they
    were; two different headquarters stop the upgrade, named; then the index refuses a second
    HQ holder; the downgrade drops the index only (issue 9)."""
    url = demo_at("0099")  # a spin-off whose HQ holder is HQ itself
    config = alembic_config(url)
    engine = make_engine(url)
    hq_shares = ("SELECT sum(CASE WHEN t.kind = 'hq' THEN e.shares ELSE 0 END) - "
                 "sum(CASE WHEN f.kind = 'hq' THEN e.shares ELSE 0 END) FROM share_entries e "
                 "JOIN shareholders t ON t.id = e.to_holder_id "
                 "LEFT JOIN shareholders f ON f.id = e.from_holder_id WHERE e.company_id = :c")
    with engine.begin() as conn:
        kept, company = conn.execute(text(
            "SELECT id, company_id FROM shareholders WHERE kind = 'hq' AND hq_id IS NOT NULL"
        )).one()
        conn.execute(text("INSERT INTO shareholders (company_id, name, kind) "
                          "VALUES (:c, 'JITRI HQ', 'hq')"), {"c": company})
        typed = conn.execute(text("SELECT id FROM shareholders WHERE name = 'JITRI HQ'")
                             ).scalar_one()
        team = conn.execute(text("SELECT min(id) FROM shareholders WHERE company_id = :c AND "
                                 "kind = 'team'"), {"c": company}).scalar_one()
        copied = ("INSERT INTO share_entries (company_id, kind, on_date, shares, from_holder_id,"
                  " to_holder_id, acquired_by, technology, note, recorded_by_id, recorded_at, "
                  "reason) SELECT company_id, :kind, on_date, :shares, :source, :to, "
                  "acquired_by, technology, note, recorded_by_id, recorded_at, reason "
                  "FROM share_entries WHERE to_holder_id = :kept ORDER BY id LIMIT 1")
        conn.execute(text(copied), {"kind": "issue", "shares": 3000, "source": None,
                                    "to": typed, "kept": kept})
        conn.execute(text(copied), {"kind": "transfer", "shares": 1000, "source": typed,
                                    "to": team, "kept": kept})
        before = conn.execute(text(hq_shares), {"c": company}).scalar_one()
        conn.execute(text("INSERT INTO headquarters (code, name, version) "
                          "VALUES ('OTHER', 'Other HQ', 1)"))
        conn.execute(text("UPDATE shareholders SET hq_id = (SELECT id FROM headquarters "
                          "WHERE code = 'OTHER') WHERE id = :t"), {"t": typed})
    with pytest.raises(RuntimeError, match="JITRI HQ"):
        command.upgrade(config, "head")
    with engine.begin() as conn:  # one HQ after all: the name typed is HQ's
        conn.execute(text("UPDATE shareholders SET hq_id = NULL WHERE id = :t"), {"t": typed})
    command.upgrade(config, "head")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT id FROM shareholders WHERE company_id = :c AND "
                                 "kind = 'hq'"), {"c": company}).scalars().all() == [kept]
        assert conn.execute(text("SELECT count(*) FROM share_entries WHERE to_holder_id = :t "
                                 "OR from_holder_id = :t"), {"t": typed}).scalar_one() == 0
        assert conn.execute(text(hq_shares), {"c": company}).scalar_one() == before
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO shareholders (company_id, name, kind) "
                          "VALUES (:c, 'JITRI HQ', 'hq')"), {"c": company})
    command.downgrade(config, "0099")
    with engine.begin() as conn:  # the index is gone; the holders stay merged
        conn.execute(text("INSERT INTO shareholders (company_id, name, kind) "
                          "VALUES (:c, 'JITRI HQ', 'hq')"), {"c": company})
        conn.execute(text("DELETE FROM shareholders WHERE name = 'JITRI HQ'"))
    command.upgrade(config, "head")
    engine.dispose()


def test_0102_marks_the_corrections_recorded_without_a_reason_and_requires_one(demo_at):
    """A correction of a gate decision recorded before reasons were required (an empty
    reason) is marked with the day of the upgrade; a first decision and a correction with
    its reason are not; afterwards a correction without a reason is refused (issue 9,
    small 5)."""
    url = demo_at("0101")
    config = alembic_config(url)
    engine = make_engine(url)
    columns = ("review_id, project_id, outcome, target_phase, rationale, override_reason, "
               "snapshot, decided_by_id, decided_at")
    with engine.begin() as conn:
        first, second = conn.execute(text(
            "SELECT id FROM gate_decisions WHERE id NOT IN (SELECT supersedes_id FROM "
            "gate_decisions WHERE supersedes_id IS NOT NULL) ORDER BY id LIMIT 2")).scalars()
        for decision, reason in ((first, ""), (second, "Rationale was missing")):
            conn.execute(text(
                f"INSERT INTO gate_decisions ({columns}, correction_reason, supersedes_id) "
                f"SELECT {columns}, :reason, id FROM gate_decisions WHERE id = :id"),
                {"reason": reason, "id": decision})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        marked = conn.execute(text(
            "SELECT supersedes_id, correction_reason FROM gate_decisions "
            "WHERE unreasoned_before IS NOT NULL")).all()
    assert marked == [(first, "")]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE gate_decisions SET correction_reason = '' "
                          "WHERE supersedes_id = :id"), {"id": second})
    command.downgrade(config, "0101")
    command.upgrade(config, "head")
    engine.dispose()


def test_0103_numbers_a_pms_twin_drafts_apart_and_keeps_them_unique(demo_at):
    """Two drafts of one PM that read the same number before 0103 are numbered apart, the
    later one after the PM's highest; then the database refuses a twin draft, while a project
    under way may share its number (issue 9, small 9)."""
    url = demo_at("0102")
    config = alembic_config(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE projects SET code = NULL, year = NULL, seq = NULL, "
                          "draft_number = 1"))
        pm_id, first, second = conn.execute(text(
            "SELECT pm_id, min(id), max(id) FROM projects GROUP BY pm_id "
            "HAVING count(*) > 1 ORDER BY pm_id")).first()
        highest = conn.execute(text("SELECT count(*) FROM projects WHERE pm_id = :pm"),
                               {"pm": pm_id}).scalar_one()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        numbers = dict(conn.execute(text(
            "SELECT id, draft_number FROM projects WHERE pm_id = :pm"), {"pm": pm_id}).all())
        twins = conn.execute(text(
            "SELECT count(*) FROM (SELECT pm_id, draft_number FROM projects "
            "GROUP BY pm_id, draft_number HAVING count(*) > 1) AS twins")).scalar_one()
    assert numbers[first] == 1 and numbers[second] == highest and twins == 0
    assert sorted(numbers.values()) == list(range(1, highest + 1))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE projects SET draft_number = 1 WHERE id = :id"),
                     {"id": second})
    with engine.begin() as conn:  # under way, with a code: outside the index
        conn.execute(text("UPDATE projects SET code = 'X-2026-0001', draft_number = 1 "
                          "WHERE id = :id"), {"id": second})
    command.downgrade(config, "0102")
    command.upgrade(config, "head")
    engine.dispose()


def test_0105_links_every_document_an_agreement_held_to_it(demo_database):
    """The document on record and the one an earlier correction replaced (its audit record
    says `file_id` [old, new]) both become the agreement's, so both stay downloadable; the
    downgrade drops the links (issue 9, small 1)."""
    config = alembic_config(demo_database)
    command.downgrade(config, "0104")
    engine = make_engine(demo_database)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        user = conn.execute(text("SELECT min(id) FROM users")).scalar_one()
        partner = conn.execute(text("SELECT min(id) FROM partners")).scalar_one()
        files = []
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO stored_files (storage_name, original_name, extension, "
                "content_type, size, sha256, uploaded_by_id, uploaded_at) VALUES "
                "(:s, :o, 'pdf', 'application/pdf', 1, :h, :u, :at)"),
                {"s": f"mig0105-{n}", "o": f"agreement-{n}.pdf", "h": str(n) * 64, "u": user,
                 "at": now})
            files.append(conn.execute(text(
                "SELECT id FROM stored_files WHERE storage_name = :s"),
                {"s": f"mig0105-{n}"}).scalar_one())
        conn.execute(text(
            "INSERT INTO partner_agreements (partner_id, kind, title, signed_on, note, file_id, "
            "recorded_by_id, recorded_at, version) VALUES (:p, 'credit', 'Credit', "
            "'2026-01-10', '', :f, :u, :at, 1)"),
            {"p": partner, "f": files[1], "u": user, "at": now})
        agreement = conn.execute(text("SELECT max(id) FROM partner_agreements")).scalar_one()
        conn.execute(text(
            "INSERT INTO audit_records (at, actor_id, action, object_type, object_id, "
            "changes, chain_hash) VALUES (:at, :u, 'partner_agreement.update', "
            "'partner_agreements', :a, :c, :h)").bindparams(bindparam("c", type_=JSON)),
            {"at": now, "u": user, "a": agreement, "h": "0" * 64,
             "c": {"file_id": [files[0], files[1]]}})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        linked = conn.execute(text(
            "SELECT file_id FROM partner_agreement_documents WHERE agreement_id = :a "
            "ORDER BY file_id"), {"a": agreement}).scalars().all()
    assert linked == sorted(files)
    command.downgrade(config, "0104")
    command.upgrade(config, "head")
    engine.dispose()


def test_0106_folds_a_transfer_from_a_holder_to_itself_into_the_trail(demo_database):
    """A transfer 0100 left from HQ's holder to itself, and its reversal, are taken out of the
    ledger, each kept in the audit trail with the reason (the chain still verifies); then the
    database refuses a transfer to itself (issue 9, small 4)."""
    from sqlalchemy.orm import Session

    from tracker.audit import chain

    config = alembic_config(demo_database)
    command.downgrade(config, "0105")
    engine = make_engine(demo_database)
    copied = ("INSERT INTO share_entries (company_id, kind, on_date, shares, from_holder_id,"
              " to_holder_id, acquired_by, technology, note, recorded_by_id, recorded_at, "
              "reason, reverses_id) SELECT company_id, 'transfer', on_date, :shares, :h, :h, "
              "acquired_by, technology, note, recorded_by_id, recorded_at, reason, :reverses "
              "FROM share_entries WHERE to_holder_id = :h ORDER BY id LIMIT 1")
    with engine.begin() as conn:
        hq = conn.execute(text("SELECT min(id) FROM shareholders WHERE kind = 'hq'")
                          ).scalar_one()
        entries = conn.execute(text("SELECT count(*) FROM share_entries")).scalar_one()
        conn.execute(text(copied), {"shares": 1000, "h": hq, "reverses": None})
        itself = conn.execute(text("SELECT max(id) FROM share_entries")).scalar_one()
        conn.execute(text(copied), {"shares": -1000, "h": hq, "reverses": itself})
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM share_entries")).scalar_one() == entries
        folded = conn.execute(text(
            "SELECT object_id, changes FROM audit_records WHERE action = 'share_entry.fold' "
            "ORDER BY id")).all()
    assert [object_id for object_id, _ in folded] == [itself + 1, itself]
    changes = folded[1][1] if isinstance(folded[1][1], dict) else json.loads(folded[1][1])
    assert changes["shares"][0] in ("1000", "1000.00", "1000.0000") and \
        changes["reason"][1].startswith("A transfer between two holders of HQ")
    with Session(engine) as session:
        assert chain.verify(session).intact
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(copied), {"shares": 1000, "h": hq, "reverses": None})
    command.downgrade(config, "0105")
    command.upgrade(config, "head")
    engine.dispose()
