"""`flask scheduler run`: the periodic jobs: scan then send, every SCHEDULER_INTERVAL_MINUTES;
the imports uploaded through the web, looked for every IMPORT_POLL_SECONDS; and once a day
the clean-up of what users left behind (abandoned drafts of progress posts) and the lapse of
options whose holder's exercise window has ended (tracker/incentives).

It runs in a process of its own, never inside a web worker (nothing in `create_app` starts
it). On PostgreSQL a process becomes the scheduler by taking a session-level advisory lock on
a connection of its own (the *lead*); a second process on another host finds the lock taken,
says in its log that it is a standby and tries again, so two hosts never scan or send at once.
SQLite is one host's file: no lock.

What may go wrong, and what happens then (README, "The scheduler in production"):

- The database goes away (restart, network, failover): the leader's heartbeat fails, it stops
  its jobs and, like the standby, tries to take the lock again with backoff (1, 2, 4 ... s, at
  most `SCHEDULER_LEASE_SECONDS`) until the database answers. Nothing escapes to kill the
  process; the first process to get the lock back runs a cycle at once.
- The leader hangs (SIGSTOP, a frozen VM, a host cut off): the lock connection is told to end
  itself once silent for `SCHEDULER_LEASE_SECONDS` (PostgreSQL's `idle_session_timeout`), and
  the heartbeat speaks every third of that; so the server drops a silent leader's session,
  and its lock with it, within the lease, and a standby takes the lock at its next try (every
  third of the lease). TCP keepalives and `tcp_user_timeout` bound the same on the leader's
  side when the network, not the process, goes silent. A leader that wakes up after that
  finds its heartbeat stale before its next message and stops sending (`Lead.holds`).
- SIGTERM: the message in hand is finished, the jobs stop, the lock is given back, exit 0.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import Connection, Engine, exc, text
from sqlalchemy.pool import NullPool

from tracker import db
from tracker.dates import today
from tracker.imports import jobs
from tracker.incentives import services as incentives
from tracker.jobs import failures
from tracker.jobs.services import recorded
from tracker.milestones import evidence
from tracker.reminders import delivery, scan

log = logging.getLogger("tracker.scheduler")

# pg_try_advisory_lock's key: any constant the application uses for nothing else.
LOCK_KEY = 0x7E_6D_17_D5  # "reminders"
# The lock connection's name in pg_stat_activity (with the process id): who leads, at a glance.
APPLICATION_NAME = "tracker-scheduler"
FIRST_BACKOFF_SECONDS = 1.0


class Lead:
    """This process's term as the scheduler: the heartbeat proves it, `end` closes it.

    `holds()` is what a job asks before each unit of work (a message to send): false once the
    term ended, or when the last heartbeat is older than the lease (the process was frozen:
    the server has ended its session and another process may lead now). The monotonic clock
    runs on while a process is stopped, so a thawed process sees at once how long it slept."""

    def __init__(self, lease_seconds: float) -> None:
        self.lease = lease_seconds
        self.beat = time.monotonic()
        self.ended = threading.Event()

    def heard(self) -> None:
        self.beat = time.monotonic()

    def holds(self) -> bool:
        return not self.ended.is_set() and time.monotonic() - self.beat < self.lease

    def end(self) -> None:
        self.ended.set()


def _reset_session() -> None:
    """Forget the job's session after a failure, which may have been the connection's."""
    try:
        db.session.rollback()
    except exc.SQLAlchemyError:
        pass
    db.session.remove()


@recorded("reminders")
def run_cycle(app: Flask, go_on: Callable[[], bool] = lambda: True) -> bool:
    """Scan for today's reminders, then send the outbox; commits after each step. `go_on` is
    asked before each message: false (SIGTERM, the lead lost) stops after the one in hand.
    False when the cycle failed (it is tried again soon, with backoff)."""
    with app.app_context():
        try:
            if not go_on():
                return True
            found = scan.scan(today())
            db.session.commit()
            sent = delivery.send_all(commit=db.session.commit, go_on=go_on)
            log.info("reminders: %d due, %d new; %d sent in %d e-mails, %d retrying, "
                     "%d failed, %d cancelled", found.found, found.new, sent.sent, sent.emails,
                     sent.retrying, sent.failed, sent.cancelled)
            if not sent.mail_server:
                log.info("MAIL_SERVER is not set: the messages stay in the outbox")
            return True
        except exc.OperationalError as error:  # an error of the run (job_runs), in one line
            log.error("the reminder job stopped: the database is unreachable (%s)",
                      _first_line(error), extra=failures.DATABASE)
        except Exception:
            log.exception("the reminder job failed")
        finally:
            _reset_session()
        return False


@recorded("imports", quiet=True)
def run_imports(app: Flask) -> None:
    """Carry out the imports queued by the upload page, one after the other."""
    with app.app_context():
        try:
            ran = jobs.work()
            if ran:
                log.info("imports: %d carried out", ran)
        except exc.OperationalError as error:
            log.error("the import job stopped: the database is unreachable (%s)",
                      _first_line(error), extra=failures.DATABASE)
        except Exception:
            log.exception("the import job failed; it runs again in a few seconds")
        finally:
            _reset_session()


@recorded("cleanup")
def run_cleanup(app: Flask) -> None:
    """Delete the drafts of progress posts abandoned for DRAFT_EVIDENCE_DAYS, files and all;
    record the options lapsed at the end of their holder's exercise window."""
    with app.app_context():
        _clean_up(lambda: evidence.discard_abandoned(db.utcnow()),
                  "clean-up: %d files of abandoned draft posts deleted",
                  "the clean-up job failed; it runs again tomorrow")
        _clean_up(lambda: incentives.lapse_options(today()),
                  "clean-up: the vested options of %d grants lapsed",
                  "recording the options lapsed failed; it runs again tomorrow")


def _clean_up(step: Callable[[], int], done: str, failed: str) -> None:
    """One step of the clean-up, committed alone: how many it cleaned is logged (`done`, none
    said), a failure too (`failed`), and the next step runs either way."""
    try:
        count = step()
        db.session.commit()
        if count:
            log.info(done, count)
    except Exception:
        log.exception(failed)
    finally:
        _reset_session()


def _first_line(error: BaseException) -> str:
    """An outage is one line in the log, not a traceback every few seconds."""
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or ["?"])[0]


def lock_engine(url: str, lease_seconds: float) -> Engine:
    """The engine of the lock connection: no pool (a connection that held the lock is closed,
    never handed to someone else) and, on PostgreSQL, the timeouts that bound how long a silent
    peer keeps it: the server's `idle_session_timeout` for a silent leader (set in `try_lead`),
    and on this side a connect timeout, TCP keepalives and `tcp_user_timeout` for a silent
    network."""
    if not url.startswith("postgresql"):
        return db.plain_engine(url, poolclass=NullPool)
    lease = max(int(lease_seconds), 1)
    return db.plain_engine(url, poolclass=NullPool, hide_parameters=True, connect_args={
        "connect_timeout": max(lease // 3, 2),
        "keepalives": 1,
        "keepalives_idle": max(lease // 3, 1),
        "keepalives_interval": max(lease // 6, 1),
        "keepalives_count": 3,
        "tcp_user_timeout": lease * 1000,
        "application_name": f"{APPLICATION_NAME} {os.getpid()}",
    })


def try_lead(engine: Engine, lease_seconds: float = 30) -> Connection | None:
    """On PostgreSQL: a connection holding the scheduler's advisory lock, or None when another
    process holds it. On SQLite: always a connection (no lock needed). Raises the database's
    error when it can't be reached (the caller waits and tries again)."""
    connection = engine.connect()
    if engine.dialect.name != "postgresql":
        return connection
    try:
        # Once this session is silent for the lease, the server ends it: a hung leader's lock
        # is given back without it (PostgreSQL 14 and later).
        connection.execute(text("SELECT set_config('idle_session_timeout', :ms, false)"),
                           {"ms": f"{int(lease_seconds * 1000)}"})
        held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        connection.commit()  # the lock is the session's: it outlives this transaction
    except BaseException:
        connection.invalidate()
        connection.close()
        raise
    if held:
        return connection
    connection.invalidate()
    connection.close()
    return None


def release(connection: Connection) -> None:
    """Close the lock connection for good: the session ends and its lock with it (never back to
    a pool, where a connection would keep the lock and every later process stand by)."""
    try:
        connection.invalidate()
        connection.close()
    except exc.SQLAlchemyError:  # already broken: nothing left to give back
        pass


def still_leading(connection: Connection) -> bool:
    """The heartbeat: one round trip on the lock connection (which keeps the server's idle
    timeout from ending it). False when the connection, and so the lock, is gone."""
    try:
        connection.scalar(text("SELECT 1"))
        connection.commit()
    except exc.SQLAlchemyError as error:
        log.warning("lost the scheduler's database connection, and the lead with it (%s)",
                    _first_line(error))
        return False
    return True


def wait_to_lead(engine: Engine, stop: threading.Event, retry_seconds: float = 10,
                 lease_seconds: float = 30) -> Connection | None:
    """Block until this process holds the lock (or `stop` is set). An unreachable database
    is waited for with backoff, from one second to `retry_seconds`: it never ends the wait."""
    announced = False
    outage: float | None = None  # the backoff while the database is unreachable
    while not stop.is_set():
        try:
            connection = try_lead(engine, lease_seconds)
        except exc.SQLAlchemyError as error:
            outage = FIRST_BACKOFF_SECONDS if outage is None else min(outage * 2, retry_seconds)
            log.warning("the database can't be reached (%s): trying again in %.0f s",
                        _first_line(error), outage)
            stop.wait(outage)
            continue
        if outage is not None:
            log.warning("the database answers again")
            outage = None
        if connection is not None:
            if announced:
                log.warning("the other scheduler is gone: this process takes over")
            return connection
        if not announced:
            log.warning("another scheduler holds the lock: this process is a standby and "
                        "tries again every %.0f s", retry_seconds)
            announced = True
        stop.wait(retry_seconds)
    return None


def _lead(app: Flask, connection: Connection, stop: threading.Event, lead: Lead,
          cycle: Callable[[Flask, Callable[[], bool]], None]) -> None:
    """Run the jobs in background threads while this thread beats the heart on the lock
    connection (only this thread uses it), until stopped or the lead is lost."""
    minutes = app.config["SCHEDULER_INTERVAL_MINUTES"]
    seconds = app.config["IMPORT_POLL_SECONDS"]
    scheduler = BackgroundScheduler(timezone=UTC)
    one_at_a_time = threading.Lock()
    failures = 0

    def reminders() -> None:
        """The cycle; a failed one (the database or the mail server gone a moment) is tried
        again after 2, 4, 8 ... seconds, at most an interval apart, not only at the next
        interval."""
        nonlocal failures
        if not one_at_a_time.acquire(blocking=False):
            return  # the interval's run and a retry met: one is enough
        try:
            failed = cycle(app, lead.holds) is False
        finally:
            one_at_a_time.release()
        failures = failures + 1 if failed else 0
        if failed and lead.holds():
            delay = min(FIRST_BACKOFF_SECONDS * 2 ** failures, minutes * 60)
            log.info("the reminder job runs again in %.0f s", delay)
            scheduler.add_job(reminders, "date", id="reminders-retry", replace_existing=True,
                              run_date=datetime.fromtimestamp(time.time() + delay, UTC),
                              misfire_grace_time=None)

    scheduler.add_job(
        reminders, "interval", minutes=minutes, id="reminders",
        name="reminders: scan, then send",
        next_run_time=datetime.now(UTC),  # at once: a new leader catches up first
        coalesce=True,  # runs missed while stopped or busy become one
        max_instances=1,  # never two cycles at once
        misfire_grace_time=minutes * 60,  # a late run still runs within an interval
    )
    # A run is claimed by one conditional UPDATE, whoever runs the job.
    scheduler.add_job(
        run_imports, "interval", args=[app], seconds=seconds,
        id="imports", name="imports: carry out those uploaded through the web",
        next_run_time=datetime.now(UTC), coalesce=True, max_instances=1,
        misfire_grace_time=seconds * 10)
    scheduler.add_job(
        run_cleanup, "interval", args=[app], hours=24,
        id="cleanup", name="clean-up: abandoned drafts of progress posts, options lapsed",
        next_run_time=datetime.now(UTC), coalesce=True, max_instances=1,
        misfire_grace_time=24 * 3600)
    scheduler.start()
    log.info("scheduler started: scan and send every %d minutes", minutes)
    try:
        while not stop.wait(lead.lease / 3):
            if not still_leading(connection):
                break
            lead.heard()
    finally:
        lead.end()  # the job in hand stops after its message
        scheduler.shutdown(wait=True)
        log.info("scheduler stopped")


def _once(app: Flask, connection: Connection, stop: threading.Event, lead: Lead,
          cycle: Callable[[Flask, Callable[[], bool]], None]) -> None:
    """One cycle in a thread of its own, the heart beating meanwhile as in `_lead`."""
    worker = threading.Thread(target=cycle, args=(app, lead.holds), name="reminders-once")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(lead.lease / 3)
            if worker.is_alive():
                if stop.is_set() or not still_leading(connection):
                    break
                lead.heard()
    finally:
        lead.end()
        worker.join()


def run(app: Flask, once: bool = False, stop: threading.Event | None = None,
        cycle: Callable[[Flask, Callable[[], bool]], None] = run_cycle) -> None:
    """Lead (or stand by), then run the jobs every interval until `stop` is set; a lost lead
    (the database gone, or this process frozen too long) goes back to waiting for it."""
    stop = stop or threading.Event()
    lease = float(app.config["SCHEDULER_LEASE_SECONDS"])
    engine = lock_engine(app.config["DATABASE_URL"], lease)
    try:
        while not stop.is_set():
            connection = wait_to_lead(engine, stop, retry_seconds=lease / 3,
                                      lease_seconds=lease)
            if connection is None:
                return
            lead = Lead(lease)
            try:
                if once:
                    _once(app, connection, stop, lead, cycle)
                    return
                _lead(app, connection, stop, lead, cycle)
            finally:
                release(connection)
    finally:
        engine.dispose()
