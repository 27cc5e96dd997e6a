"""What /healthz reports: the database, the scheduler's last runs, files missing from the storage.

The answer is 503 only when this process can't reach the database (a load balancer then
sends no one here); a scheduler that has not run recently or files missing from the file
storage make it `degraded`, 200, for the monitoring to raise, not for the balancer to act on:
every host would say the same.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import current_app, g, request
from sqlalchemy import text

from tracker import db
from tracker.db import utcnow
from tracker.files import services as files
from tracker.files.storage import storage
from tracker.jobs import failures
from tracker.jobs.services import last_runs
from tracker.web.requestlog import ERROR

# Counting missing files lists the whole storage: done at most this often per process.
FILES_EVERY_SECONDS = 300
_files_checked: dict[str, tuple[float, tuple[int, list[int]]]] = {}


def forget() -> None:
    _files_checked.clear()


def _missing_files() -> tuple[int, list[int]]:
    root = storage().where()
    checked = _files_checked.get(root)
    if checked is None or time.monotonic() - checked[0] > FILES_EVERY_SECONDS:
        checked = _files_checked[root] = (time.monotonic(), files.missing())
    return checked[1]


def scheduler_report() -> dict[str, Any]:
    """The reminders job's last run, recent if within two intervals (and a minute for a slow
    scan): the scheduler runs it at start and every SCHEDULER_INTERVAL_MINUTES."""
    interval = timedelta(minutes=current_app.config["SCHEDULER_INTERVAL_MINUTES"])
    runs = last_runs()
    reminders = runs.get("reminders")
    report: dict[str, Any] = {
        "recent": reminders is not None and utcnow() - reminders.finished_at
        <= 2 * interval + timedelta(minutes=1)}
    for name, run in runs.items():
        report[name] = {"finished_at": run.finished_at.isoformat(timespec="seconds"),
                        "last_ok_at": run.last_ok_at and run.last_ok_at.isoformat(
                            timespec="seconds"),
                        "error": run.error, "error_code": run.error_code,
                        "failure": failures.headline(run.error_code, run.error_params),
                        "ran_on": run.ran_on}
    return report


def report() -> tuple[dict[str, Any], int]:
    try:
        db.session.execute(text("SELECT 1"))
        scheduler = scheduler_report()
        missing, sample = _missing_files()
    except Exception as error:  # any failure to reach the database means unhealthy
        db.session.rollback()
        g.database_unavailable = True  # (no hook loads the user for the answer)
        request.environ[ERROR] = "health check: database unreachable: " + (
            str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]
        return {"status": "error", "database": "unreachable"}, 503
    degraded = not scheduler["recent"] or missing
    return {"status": "degraded" if degraded else "ok", "database": "reachable",
            "scheduler": scheduler,
            "files": {"missing": missing, "missing_ids": sample}}, 200
