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

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(url: str | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url or current_app.config["DATABASE_URL"])
    # env.py reads the URL from the option above; '%' must be doubled for configparser.
    config.set_main_option(
        "sqlalchemy.url", config.get_main_option("sqlalchemy.url").replace("%", "%%")
    )
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


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


@db_cli.command("heads")
@with_appcontext
def heads_cmd() -> None:
    """Show the head revision(s): there must be one."""
    command.heads(alembic_config())
