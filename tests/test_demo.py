from sqlalchemy import func, select, text

from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.db import Base


def _counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()}


def test_seed_twice_changes_nothing_the_second_time(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "8 users" in first.output and "4 gate templates" in first.output
    after_first = _counts()
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    assert _counts() == after_first


def test_seed_gives_one_user_per_role_who_can_log_in(app, client):
    import pyotp

    from tests.conftest import post
    from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS

    app.test_cli_runner().invoke(args=["demo", "seed"])
    for email, _name, roles, _locale in USERS:
        c = app.test_client()
        response = post(c, "/login", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        if {"hq_admin", "investment_committee"} & set(roles):  # the README's demo second factor
            assert response.headers["Location"].startswith("/login/code")
            response = post(c, "/login/code", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
            assert response.status_code == 302, email
        assert c.get("/").status_code == 200, email
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) > 0


def test_seed_if_empty_skips_a_database_with_users(app):
    from tests.factories import make_user

    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    assert "not loaded" in result.output


def test_seed_and_migrations_leave_the_planner_statistics_of_the_data(app, engine):
    """Without statistics SQLite guesses its plans (it read every milestone through the wrong
    index); `flask db upgrade` and `flask demo seed` run ANALYZE."""
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # the migrations of the test database made the statistics table
        assert db.session.scalar(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 1
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    users = db.session.scalar(select(func.count()).select_from(User))
    if sqlite:
        stats = db.session.scalars(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'users'"))
        assert {int(stat.split()[0]) for stat in stats} == {users}
    else:
        assert db.session.scalar(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'users'")) == users
