"""A running import's last sign of life, on either database.

On PostgreSQL its worker writes it in the run's row (`seen_at`) at its claim and at each
progress report, through a connection of its own (`tracker.imports.jobs.Reporter`). SQLite lets
one connection write at a time, and the import's transaction holds that right until it ends:
there the row says only when the run was claimed, and a live run of more than
`STOPPED_AFTER_SECONDS` was said stopped (its Cancel then ended it while it ran on). So on
SQLite each report touches a file beside the database instead (`beat`), which every process
using that database reads (`last_seen`; SQLite is one machine's file); the run's end removes
it (`forget`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_app_context


def _path(run_id: int) -> Path | None:
    """The file of the run's beats on a SQLite file database; None elsewhere (PostgreSQL writes
    them in the row; a database in memory has one process)."""
    if not has_app_context():
        return None
    url = current_app.extensions["engine"].url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database)
    return database.with_name(f"{database.name}.import-{run_id}.alive")


def beat(run_id: int) -> None:
    if (path := _path(run_id)) is not None:
        path.touch()


def last_seen(run_id: int, seen_at: datetime | None) -> datetime | None:
    """The later of the row's `seen_at` and the run's last beat."""
    path = _path(run_id)
    try:
        beaten = datetime.fromtimestamp(path.stat().st_mtime, UTC) if path else None
    except FileNotFoundError:
        beaten = None
    return max((t for t in (seen_at, beaten) if t is not None), default=None)


def forget(run_id: int) -> None:
    if (path := _path(run_id)) is not None:
        path.unlink(missing_ok=True)
