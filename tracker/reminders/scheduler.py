"""`flask scheduler run`: the periodic jobs: scan then send, every SCHEDULER_INTERVAL_MINUTES;
and the imports uploaded through the web, looked for every IMPORT_POLL_SECONDS.

It runs in a process of its own, never inside a web worker (nothing in `create_app` starts
it). On PostgreSQL a process becomes the scheduler by taking a
session-level advisory lock and keeps it as long as its connection lives; a second process on
another host finds the lock taken, says in its log that it is a standby and tries again, so
two hosts never scan or send at once. SQLite is one host's file: no lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import Connection, Engine, text

from tracker import db
from tracker.dates import today
from tracker.imports import jobs
from tracker.jobs.services import recorded
from tracker.reminders import delivery, scan

log = logging.getLogger("tracker.scheduler")

# pg_try_advisory_lock's key: any constant the application uses for nothing else.
LOCK_KEY = 0x7E_6D_17_D5  # "reminders"
STANDBY_RETRY_SECONDS = 30


@recorded("reminders")
def run_cycle(app: Flask) -> None:
    """Scan for today's reminders, then send the outbox; commits after each step."""
    with app.app_context():
        try:
            found = scan.scan(today())
            db.session.commit()
            sent = delivery.send_all(commit=db.session.commit)
            log.info("reminders: %d due, %d new; %d sent in %d e-mails, %d retrying, "
                     "%d failed, %d cancelled", found.found, found.new, sent.sent, sent.emails,
                     sent.retrying, sent.failed, sent.cancelled)
            if not sent.mail_server:
                log.info("MAIL_SERVER is not set: the messages stay in the outbox")
        except Exception:
            db.session.rollback()
            log.exception("the reminder job failed; it runs again at the next interval")
        finally:
            db.session.remove()


@recorded("imports", quiet=True)
def run_imports(app: Flask) -> None:
    """Carry out the imports queued by the upload page, one after the other."""
    with app.app_context():
        try:
            ran = jobs.work()
            if ran:
                log.info("imports: %d carried out", ran)
        except Exception:
            db.session.rollback()
            log.exception("the import job failed; it runs again in a few seconds")
        finally:
            db.session.remove()


def try_lead(engine: Engine) -> Connection | None:
    """On PostgreSQL: a connection holding the scheduler's advisory lock, or None when another
    process holds it. On SQLite: always a connection (no lock needed)."""
    connection = engine.connect()
    if engine.dialect.name != "postgresql":
        return connection
    held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
    connection.commit()  # the lock is the session's: it outlives this transaction
    if held:
        return connection
    connection.close()
    return None


def release(connection: Connection) -> None:
    """Give the lock back before the connection goes back to the pool (a pooled connection
    would keep it, and every later process would stand by for ever)."""
    try:
        if connection.dialect.name == "postgresql":
            connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.commit()
    except Exception:  # the connection is broken: throw it away, the lock goes with it
        connection.invalidate()
    connection.close()


def still_leading(connection: Connection) -> bool:
    try:
        connection.scalar(text("SELECT 1"))
        connection.commit()
    except Exception:  # the connection is gone, and the lock with it
        log.exception("lost the scheduler's database connection")
        return False
    return True


def wait_to_lead(engine: Engine, stop: threading.Event,
                 retry_seconds: float = STANDBY_RETRY_SECONDS) -> Connection | None:
    """Block until this process holds the lock (or `stop` is set)."""
    announced = False
    while not stop.is_set():
        connection = try_lead(engine)
        if connection is not None:
            if announced:
                log.warning("the other scheduler is gone: this process takes over")
            return connection
        if not announced:
            log.warning("another scheduler holds the lock: this process is a standby and "
                        "tries again every %s s", retry_seconds)
            announced = True
        stop.wait(retry_seconds)
    return None


def _schedule(app: Flask, connection: Connection, minutes: int,
              cycle: Callable[[Flask], None]) -> None:
    """Run `cycle` every `minutes` until shut down (Ctrl-C, SIGTERM, or the lock lost)."""
    scheduler = BlockingScheduler(timezone=UTC)

    def job() -> None:
        if not still_leading(connection):
            scheduler.shutdown(wait=False)
            return
        cycle(app)

    scheduler.add_job(
        job, "interval", minutes=minutes, id="reminders", name="reminders: scan, then send",
        next_run_time=datetime.now(UTC),
        coalesce=True,  # runs missed while stopped or busy become one
        max_instances=1,  # never two cycles at once
        misfire_grace_time=minutes * 60,  # a late run still runs within an interval
    )
    seconds = app.config["IMPORT_POLL_SECONDS"]
    # Not behind still_leading: the lock's connection is the reminder job's (threads must
    # not share it), and a run is claimed by one conditional UPDATE whoever runs the job.
    scheduler.add_job(
        run_imports, "interval", args=[app], seconds=seconds,
        id="imports", name="imports: carry out those uploaded through the web",
        next_run_time=datetime.now(UTC), coalesce=True, max_instances=1,
        misfire_grace_time=seconds * 10)
    log.info("scheduler started: scan and send every %d minutes", minutes)
    scheduler.start()  # blocks until shut down


def run(app: Flask, once: bool = False, stop: threading.Event | None = None,
        cycle: Callable[[Flask], None] = run_cycle) -> None:
    """Lead (or stand by), then run the job every interval until stopped."""
    stop = stop or threading.Event()
    engine = app.extensions["engine"]
    minutes = app.config["SCHEDULER_INTERVAL_MINUTES"]
    while not stop.is_set():
        connection = wait_to_lead(engine, stop)
        if connection is None:
            return
        try:
            if once:
                cycle(app)
                return
            _schedule(app, connection, minutes, cycle)
            log.info("scheduler stopped")
            if not still_leading(connection):
                time.sleep(1)
                continue
            return
        except (KeyboardInterrupt, SystemExit):
            return
        finally:
            release(connection)
