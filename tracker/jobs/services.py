"""`recorded(name)`: a periodic job's run, logged as one line and kept as the job's last run.

The jobs (tracker/reminders/scheduler.py) catch their own exceptions and log them, so that one
failure never stops the scheduler; a run counts as failed when it raised or logged an error in
its thread. The row is written after the job, in a transaction of its own: a database that is
down loses the record of that run (one warning line), never the job.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import select

from tracker import db
from tracker.db import utcnow
from tracker.jobs import failures
from tracker.jobs.models import JobRun

log = logging.getLogger("tracker.jobs")
F = TypeVar("F", bound=Callable[..., Any])


class _ErrorsOfThisThread(logging.Handler):
    """Notes the first error a job logs in its own thread (jobs run side by side in threads)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.thread = threading.get_ident()
        self.error: str | None = None
        self.failure: tuple[str, dict[str, Any]] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and self.error is None:
            self.error = (record.getMessage().splitlines() or [""])[0][:500]
            self.failure = failures.of_record(record)


def ran_on() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def recorded(name: str, quiet: bool = False) -> Callable[[F], F]:
    """Decorate a job taking the app first. `quiet`: its line is logged at DEBUG unless it
    failed (the import poll runs every few seconds; its row still says it ran)."""

    def decorate(job: F) -> F:
        @functools.wraps(job)
        def run(app: Flask, *args: Any, **kwargs: Any) -> Any:
            watcher = _ErrorsOfThisThread()
            logging.getLogger("tracker").addHandler(watcher)
            started, clock = utcnow(), time.perf_counter()
            try:
                return job(app, *args, **kwargs)
            except Exception as error:
                if watcher.error is None:
                    watcher.error = f"{type(error).__name__}: {error}"[:500]
                    watcher.failure = failures.of_exception(error)
                raise
            finally:
                logging.getLogger("tracker").removeHandler(watcher)
                _finish(app, name, started, time.perf_counter() - clock, watcher.error, quiet,
                        watcher.failure)

        return run  # type: ignore[return-value]

    return decorate


def _finish(app: Flask, name: str, started: datetime, seconds: float, error: str | None,
            quiet: bool, failure: tuple[str, dict[str, Any]] | None = None) -> None:
    outcome = "failed" if error else "ok"
    fields = {"job": name, "outcome": outcome, "duration_ms": round(seconds * 1000, 1)}
    if error:
        fields["error"] = error
    level = logging.WARNING if error else logging.DEBUG if quiet else logging.INFO
    log.log(level, "job %s %s in %.0f ms", name, outcome, seconds * 1000,
            extra={"fields": fields})
    with app.app_context():
        try:
            keep(name, started, utcnow(), error, failure)
            db.session.commit()
        except Exception as problem:
            db.session.rollback()
            log.warning("could not record the run of job %s: %s", name,
                        (str(problem).splitlines() or [""])[0])
        finally:
            db.session.remove()


def keep(name: str, started: datetime, finished: datetime, error: str | None,
         failure: tuple[str, dict[str, Any]] | None = None) -> JobRun:
    """The job's row, updated to this run (flushed, not committed). `failure`: the code and
    parameters of what went wrong (an `error` without one is said as "logged")."""
    row = db.session.get(JobRun, name) or JobRun(job=name)
    row.started_at, row.finished_at, row.error, row.ran_on = started, finished, error, ran_on()
    if error is None:
        row.error_code, row.error_params = None, None
    else:
        row.error_code, row.error_params = failure or ("logged", {})
    if error is None:
        row.last_ok_at = finished
    db.session.add(row)
    db.session.flush()
    return row


def last_runs() -> dict[str, JobRun]:
    return {row.job: row for row in db.session.scalars(select(JobRun))}
