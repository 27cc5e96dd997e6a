"""Alembic environment: the app's metadata, batch mode so SQLite can alter tables."""

from __future__ import annotations

import functools

from alembic import context
from alembic.operations import Operations

import tracker.models  # noqa: F401  (registers every table)
from tracker.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _reflect_own_table_only() -> None:
    """Batch mode copies a SQLite table from its reflection. Alembic reflects it with its
    foreign keys resolved, which reflects every table they point to, and the tables those point
    to, down the whole graph (most of the schema for each table copied): half the CPU of a run
    of every migration on SQLite, to learn nothing the copy uses, since the copy names what it
    refers to by table and column. Each batch here reflects its own table; the schema it
    leaves is the same (tests/test_migrations.py compares it with the models)."""
    batch_alter_table = Operations.batch_alter_table
    if getattr(batch_alter_table, "own_table_only", False):
        return  # env.py runs again for each command; wrapped once a process

    @functools.wraps(batch_alter_table)
    def own_table_only(self, table_name, *args, reflect_kwargs=None, **kwargs):
        reflect = {"resolve_fks": False, **(reflect_kwargs or {})}
        return batch_alter_table(self, table_name, *args, reflect_kwargs=reflect, **kwargs)

    own_table_only.own_table_only = True
    Operations.batch_alter_table = own_table_only


_reflect_own_table_only()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # Batch mode alters a SQLite table by copying it, dropping the old one and renaming the
    # copy: with foreign keys enforced, the drop fails as soon as another table's rows refer
    # to it. They are off while migrating (the pragma only takes outside a transaction, so on
    # the driver's connection before ours begins) and every reference is checked at the end.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration left rows referring to nothing: {broken}")
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
