"""`flask db ...`: Alembic commands run against the app's database.

Flask-Migrate would do this but requires Flask-SQLAlchemy, which this app does not use (plain
SQLAlchemy 2 sessions); the five commands below are thin calls into `alembic.command`.
"""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import Connection, text

from tracker.db import analyze, plain_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(url: str | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    # env.py reads the URL from this option. Options go through configparser, which reads '%'
    # as the start of an interpolation, so the '%' of a URL-encoded password is doubled.
    url = (url or current_app.config["MIGRATION_DATABASE_URL"]
           or current_app.config["DATABASE_URL"])
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    """Migrate, then give the planner statistics of what the database holds (`db.analyze`)."""
    config = alembic_config(url)
    command.upgrade(config, revision)
    engine = plain_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            analyze(connection)
    finally:
        engine.dispose()


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_cmd(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade(revision=revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def downgrade_cmd(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step; `base` for all)."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True, help="Compare the models with the database.")
@with_appcontext
def revision_cmd(message: str, autogenerate: bool) -> None:
    """Create a new revision file."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


@db_cli.command("check")
@with_appcontext
def check_cmd() -> None:
    """Fail when the models have changes no migration covers."""
    command.check(alembic_config())


@db_cli.command("current")
@with_appcontext
def current_cmd() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(), verbose=False)


def app_role_grants(connection: Connection, role: str) -> list[str]:
    """What the app's own PostgreSQL role may do, run as the owner of the tables: read and
    write every table, except the audit trail (read and append only) and Alembic's version
    (read only); the same on tables later migrations create."""
    name = connection.dialect.identifier_preparer.quote(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_records FROM {name}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {name}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}",
    ]


@db_cli.command("grant-app-role")
@click.argument("role")
@with_appcontext
def grant_app_role_cmd(role: str) -> None:
    """Give ROLE (the one in DATABASE_URL) what the app needs and no more; run as the owner."""
    engine = plain_engine(alembic_config().get_main_option("sqlalchemy.url"))
    if engine.dialect.name != "postgresql":
        raise click.ClickException("Database roles exist on PostgreSQL only.")
    with engine.begin() as connection:
        for statement in app_role_grants(connection, role):
            connection.execute(text(statement))
    engine.dispose()
    click.echo(f"{role} may now read and write the tables, and only read and append to the "
               "audit trail.")


@db_cli.command("heads")
@with_appcontext
def heads_cmd() -> None:
    """Show the head revision(s): there must be one."""
    command.heads(alembic_config())
