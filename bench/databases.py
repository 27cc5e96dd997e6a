"""Where the benchmarks keep their data sets: built once, used again by the next run.

SQLite files go under `instance/bench/`; on PostgreSQL each data set is a database of its own
on the server of `--pg-url` (`bench_<name>`, or `<BENCH_DB_PREFIX>_<name>` so that two
checkouts sharing a server keep their data sets apart). `fresh=True` drops and builds it again.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SQLITE_DIR = ROOT / "instance" / "bench"


def sqlite_url(name: str, fresh: bool = False) -> str:
    SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    path = SQLITE_DIR / f"{name}.db"
    if fresh:
        for leftover in (path, path.with_name(path.name + "-wal"),
                         path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def pg_url(base_url: str, name: str, fresh: bool = False) -> str:
    """The URL of database `bench_<name>` (see BENCH_DB_PREFIX) on the server of `base_url`,
    created if missing."""
    from tracker.db import make_engine

    database = f"{os.environ.get('BENCH_DB_PREFIX', 'bench')}_{name}"
    admin = make_engine(make_url(base_url).set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if fresh:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": database})
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return make_url(base_url).set(database=database).render_as_string(hide_password=False)


def url(backend: str, name: str, pg_base: str, fresh: bool = False) -> str:
    if backend == "sqlite":
        return sqlite_url(name, fresh)
    if backend == "postgresql":
        return pg_url(pg_base, name, fresh)
    raise SystemExit(f"unknown backend {backend}: sqlite or postgresql")
