"""The database's part of a backup: a consistent copy out, and back into an empty database.

PostgreSQL: `pg_dump --format=custom` from a snapshot exported by a REPEATABLE READ
transaction, which also reads the list of stored files and the row counts, so the archive's
files and figures are those of the very state the dump holds. Back with `pg_restore`, without
owners or grants (the restoring role owns everything; `flask db grant-app-role` gives the
app's role its rights again). SQLite: the sqlite3 module's online backup API, a consistent
copy of a live file; back by copying the file into place.

Both run as the owner of the tables (MIGRATION_DATABASE_URL, else DATABASE_URL).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from tracker.audit import chain
from tracker.audit.models import AuditRecord
from tracker.db import Base, plain_engine
from tracker.files.models import StoredFile
from tracker.migrate import app_role_grants


class BackupError(Exception):
    """A backup or restore that can't go on; its message says why and what to do."""


def owner_url() -> URL:
    return make_url(current_app.config["MIGRATION_DATABASE_URL"]
                    or current_app.config["DATABASE_URL"])


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PG_BIN when set, else the PATH (Debian's wrapper picks the
    cluster's version), else the newest under /usr/lib/postgresql/*/bin."""
    folder = os.environ.get("PG_BIN")
    if folder and Path(folder, name).is_file():
        return str(Path(folder, name))
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(re.search(r"/(\d+)/bin/", p).group(1)))
    if versions:
        return versions[-1]
    raise BackupError(f"{name} was not found (PATH, /usr/lib/postgresql/*/bin): install "
                      "postgresql-client, or set PG_BIN to the folder that holds it")


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the command-line tools; the password goes in the environment,
    never on a command line others may read."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def facts(connection: Connection) -> dict:
    """What the manifest says of the database: its revision, the rows of every table, the
    audit trail's length and last hash, and the stored files (id, name, checksum, size)."""
    tables = {t.name: connection.scalar(select(func.count()).select_from(t))
              for t in Base.metadata.sorted_tables}
    last = connection.execute(select(AuditRecord.id, AuditRecord.chain_hash)
                              .order_by(AuditRecord.id.desc()).limit(1)).first()
    files = [{"id": row.id, "name": row.storage_name, "sha256": row.sha256, "size": row.size}
             for row in connection.execute(
                 select(StoredFile.id, StoredFile.storage_name, StoredFile.sha256,
                        StoredFile.size).order_by(StoredFile.id))]
    return {"revision": connection.scalar(text("SELECT version_num FROM alembic_version")),
            "tables": tables,
            "audit": {"records": tables["audit_records"],
                      "last_hash": last.chain_hash if last else None},
            "files": files}


@contextmanager
def snapshot(target: Path) -> Iterator[dict]:
    """Copy the database to `target`; yields the facts of the copied state."""
    url = owner_url()
    engine = plain_engine(url)
    try:
        if url.get_backend_name() == "sqlite":
            source, copy = sqlite3.connect(url.database), sqlite3.connect(target)
            with copy:
                source.backup(copy)
            source.close()
            copy.close()
            copied = plain_engine(f"sqlite:///{target}")
            with copied.connect() as connection:
                yield facts(connection)
            copied.dispose()
            return
        with engine.connect() as connection:
            connection.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            exported = connection.scalar(text("SELECT pg_export_snapshot()"))
            state = facts(connection)
            args, env = _libpq(url)
            _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={exported}",
                  "--file", str(target), *args], env)
            connection.rollback()
        yield state
    finally:
        engine.dispose()


def tables_in(url: URL) -> list[str]:
    engine = plain_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def put_back(dump: Path, dialect: str) -> None:
    """Load `dump` into the configured database, which must hold no table."""
    url = owner_url()
    if url.get_backend_name() != dialect:
        raise BackupError(f"this backup is of a {dialect} database; DATABASE_URL is "
                          f"{url.get_backend_name()}")
    if url.get_backend_name() == "sqlite":
        target = Path(url.database or "")
        if target.exists() and tables_in(url):
            raise BackupError(f"{target} already holds tables: restore into an empty "
                              "installation")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dump, target)
        return
    if tables_in(url):
        raise BackupError(f"database {url.database} already holds tables: restore into an "
                          "empty database (createdb)")
    args, env = _libpq(url)
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *args, str(dump)], env)


def counts_now() -> tuple[dict, chain.Verdict]:
    """The restored database's facts and its audit chain recomputed, read as the owner (the
    app's role has no rights on a restored PostgreSQL database until they are granted)."""
    engine = plain_engine(owner_url())
    try:
        with engine.connect() as connection:
            state = facts(connection)
        with Session(engine) as session:
            return state, chain.verify(session)
    finally:
        engine.dispose()


def grant(role: str) -> None:
    """The app's role's rights on the restored tables (`flask db grant-app-role`)."""
    engine = plain_engine(owner_url())
    try:
        with engine.begin() as connection:
            for statement in app_role_grants(connection, role):
                connection.execute(text(statement))
    finally:
        engine.dispose()
