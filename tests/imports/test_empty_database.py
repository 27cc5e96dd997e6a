"""Round trip into an EMPTY database: a network's records exported kind by kind
(`tracker.imports.export`) and imported, in the README's order, into a second database that
holds only what the migrations write, then exported again there: the same files, so the same
records (institutes, enterprises, users with roles, projects in five phases with their gate
decisions, milestones, a contract, an allocation-investment agreement, a company's ledger
with its conversion and exit and its incentive grants, exercised and left, achievements with
rights and annuities, a licence with its reports and income)."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from tests.conftest import HEAD_FOLDER, PG_URL, head_ready, head_template
from tests.factories import install_gates, make_enterprise, make_hq, make_user
from tests.imports import test_achievements, test_incentive_grants, test_ip_deals, test_round_trip
from tests.imports.helpers import run
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import Role, User
from tracker.db import make_engine
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.migrate import upgrade

# Each kind after the kinds its references name (README, "Import in this order"): the
# institutes twice, first without their directors, who are users imported after them; the
# companies twice, first without their exits, which close the ledgers their grants move.
ORDER = ("enterprises", "institutes", "users", "institutes", "centres", "needs", "projects",
         "milestones", "contracts", "funding", "companies", "incentive_grants", "companies",
         "achievements", "ip_deals")
FIRST_WITHOUT = {"institutes": "director_email", "companies": "exit"}


def import_in_order(importer: User, exported: dict[str, bytes]) -> None:
    """Every kind's file imported in ORDER, each kind imported twice first without the
    column that names what is imported after it (`FIRST_WITHOUT`)."""
    seen = set()
    for kind in ORDER:
        rows = _rows(exported[kind])
        if kind in FIRST_WITHOUT and kind not in seen:
            rows = _without(rows, FIRST_WITHOUT[kind])
        seen.add(kind)
        result = run(importer, kind, rows)
        assert result.state is ImportState.DONE, (kind, result.errors)
        db.session.commit()


# On PostgreSQL the run keeps no SQLite head: each test process migrates one the first time
# a test asks for an empty database, and copies it after that.
_SQLITE_HEAD: list[Path] = []


def _sqlite_head() -> Path:
    """A SQLite database at the head revision holding only what the migrations write: the
    run's head template, or on PostgreSQL this process's own, migrated once."""
    if not PG_URL:
        head_ready()
        return Path(head_template())
    if not _SQLITE_HEAD:
        path = Path(os.environ[HEAD_FOLDER]) / f"sqlite-head-{os.getpid()}.db"
        upgrade(f"sqlite:///{path}")
        _SQLITE_HEAD.append(path)
    return _SQLITE_HEAD[0]


@contextmanager
def empty_database(app, tmp_path: Path) -> Iterator[None]:
    """The session bound to a database of its own at the head revision, holding only what the
    migrations write; the test's own database again afterwards."""
    path = tmp_path / "empty.db"
    shutil.copyfile(_sqlite_head(), path)
    engine = make_engine(f"sqlite:///{path}")
    bind = db.session.get_bind()
    db.session.remove()
    db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        engine.dispose()
        db.session.configure(bind=bind, join_transaction_mode="create_savepoint")


@contextmanager
def empty_network(app, tmp_path: Path, admin: User) -> Iterator[User]:
    """`empty_database` given what no import brings: the headquarters, its gate templates and
    the HQ admin who imports, by the name and e-mail of `admin` (the users file names them
    again, unchanged). Yields that admin, as the empty database knows them."""
    email, name = admin.email, admin.name
    with empty_database(app, tmp_path):
        assert db.session.scalar(select(User.id)) is None  # nothing but the migrations' rows
        make_hq()
        install_gates()
        yield make_user(Role.HQ_ADMIN, email=email, name=name)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def _without(rows: list[list[str]], key: str) -> list[list[str]]:
    at = rows[0].index(key)
    return [row[:at] + row[at + 1:] for row in rows]


def import_network(admin: User) -> None:
    """The round trip's network up to its companies (without their exit) and their grants."""
    make_enterprise(name="Pump Works", uscc="913200000000000013")
    make_user(Role.EVALUATOR, email="evaluator@import.cn")
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    _import(admin, (("projects", test_round_trip.PROJECTS),
                    ("milestones", test_round_trip.MILESTONES),
                    ("contracts", test_round_trip.CONTRACTS),
                    ("funding", test_round_trip.FUNDING),
                    ("companies", _without(test_round_trip.COMPANIES, "exit")),
                    ("incentive_grants", [test_incentive_grants.KEYS,
                                          test_incentive_grants.OPTIONS,
                                          test_incentive_grants.SHARES])))


def _import(admin: User, files) -> None:
    for kind, rows in files:
        result = run(admin, kind, rows)
        assert result.state is ImportState.DONE, (kind, result.errors)


def _populate() -> User:
    admin, _pm = _setting()
    import_network(admin)
    _import(admin, (("companies", test_round_trip.COMPANIES),
                    ("achievements", [test_achievements.KEYS, test_achievements.ROW]),
                    ("ip_deals", [test_ip_deals.KEYS, test_ip_deals.DEAL])))
    return admin


def test_every_kind_exported_imports_into_an_empty_database_as_the_same_records(
        app, tmp_path):
    admin = _populate()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert set(exported) == set(ORDER)  # every kind that exports is imported again
    assert [k for k, data in exported.items() if len(_rows(data)) == 1] == ["centres", "needs"]
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}
