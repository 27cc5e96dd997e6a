"""The scheduler: one cycle scans then sends; never in a web worker; on PostgreSQL a second
process waits as a standby while the first holds the advisory lock."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PG_URL
from tracker.reminders import scheduler

ROOT = Path(__file__).resolve().parents[2]


def test_the_web_app_never_starts_the_scheduler():
    """Building the app and serving a page (what every web worker does) makes no scheduler."""
    code = ("from apscheduler.schedulers.base import BaseScheduler; made = []; "
            "BaseScheduler.__init__ = lambda self, *a, **k: made.append(self); "
            "from tracker import create_app; app = create_app('test'); "
            "app.test_client().get('/healthz'); print(bool(made))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_once_runs_one_cycle_and_gives_the_lock_back(app, engine):
    cycles = []
    scheduler.run(app, once=True, cycle=lambda app, go_on: cycles.append((app, go_on())))
    scheduler.run(app, once=True, cycle=lambda app, go_on: cycles.append((app, go_on())))
    assert cycles == [(app, True), (app, True)]


def test_the_cycle_scans_and_sends_and_survives_an_error(app, monkeypatch, caplog):
    from tracker.reminders import delivery, scan

    calls = []
    monkeypatch.setattr(scan, "scan", lambda on: calls.append(("scan", on)) or
                        scan.ScanResult(as_of=on))
    monkeypatch.setattr(delivery, "send_all", lambda commit, go_on: calls.append(("send",)) or
                        delivery.SendResult())
    scheduler.run_cycle(app)
    assert [c[0] for c in calls] == ["scan", "send"]

    def broken(on):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scan, "scan", broken)
    with caplog.at_level(logging.ERROR, logger="tracker.scheduler"):
        scheduler.run_cycle(app)  # logged, not raised: the next interval tries again
    assert "the reminder job failed" in caplog.text


def test_each_clean_up_step_runs_even_when_the_one_before_fails(app, monkeypatch, caplog):
    """The clean-up's steps are committed and logged one by one: a failed deletion of
    abandoned drafts leaves the options' lapse to run, and what each cleaned is said."""
    from tracker.incentives import services as incentives
    from tracker.milestones import evidence

    def broken(now):
        raise RuntimeError("the file store went away")

    monkeypatch.setattr(evidence, "discard_abandoned", broken)
    monkeypatch.setattr(incentives, "lapse_options", lambda on: 2)
    with caplog.at_level(logging.INFO, logger="tracker.scheduler"):
        scheduler.run_cleanup(app)  # logged, not raised: it runs again tomorrow
    assert "the clean-up job failed; it runs again tomorrow" in caplog.text
    assert "clean-up: the vested options of 2 grants lapsed" in caplog.text

    monkeypatch.setattr(evidence, "discard_abandoned", lambda now: 0)
    monkeypatch.setattr(incentives, "lapse_options", lambda on: 0)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tracker.scheduler"):
        scheduler.run_cleanup(app)
    assert "clean-up:" not in caplog.text  # nothing cleaned, nothing said


@pytest.mark.skipif(not PG_URL, reason="advisory locks are PostgreSQL's")
def test_a_second_scheduler_is_a_standby_while_the_first_holds_the_lock(app, engine, caplog):
    first = scheduler.try_lead(engine)
    assert first is not None
    try:
        assert scheduler.try_lead(engine) is None
        stop = threading.Event()
        result = {}

        def second() -> None:
            result["connection"] = scheduler.wait_to_lead(engine, stop, retry_seconds=0.05)

        with caplog.at_level(logging.WARNING, logger="tracker.scheduler"):
            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=0.5)
            assert thread.is_alive()  # still waiting
            assert "this process is a standby" in caplog.text
            first.invalidate()  # the first scheduler's host dies: its connection is gone
            first.close()
            first = None
            thread.join(timeout=10)
        taken = result["connection"]
        assert taken is not None
        assert "takes over" in caplog.text
        held = taken.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid()"))
        assert held == 1
        scheduler.release(taken)
        again = scheduler.try_lead(engine)  # released: the next process leads at once
        assert again is not None
        scheduler.release(again)
    finally:
        if first is not None:
            scheduler.release(first)


@pytest.mark.skipif(PG_URL != "", reason="SQLite: no lock")
def test_on_sqlite_no_lock_is_needed(engine):
    first = scheduler.try_lead(engine)
    second = scheduler.try_lead(engine)
    assert first is not None and second is not None
    scheduler.release(first)
    scheduler.release(second)


def test_an_unreachable_database_is_waited_for_with_backoff_never_raised(caplog):
    """The outage that killed both processes: now each try is logged and waited for."""
    engine = scheduler.lock_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", 3)
    stop = threading.Event()
    result = {}

    def wait() -> None:
        result["connection"] = scheduler.wait_to_lead(engine, stop, retry_seconds=0.2)

    with caplog.at_level(logging.WARNING, logger="tracker.scheduler"):
        thread = threading.Thread(target=wait)
        thread.start()
        time.sleep(1.5)
        assert thread.is_alive()  # still trying, not dead
        stop.set()
        thread.join(timeout=10)
    assert result == {"connection": None}
    assert caplog.text.count("the database can't be reached") >= 2
    engine.dispose()


def test_a_lead_not_heard_from_for_the_lease_holds_no_more():
    """A frozen process, thawed, stops before its next message."""
    lead = scheduler.Lead(lease_seconds=0.2)
    assert lead.holds()
    time.sleep(0.3)
    assert not lead.holds()
    lead.heard()
    assert lead.holds()
    lead.end()
    assert not lead.holds()


def test_a_cycle_that_loses_the_database_says_so_and_is_retried(app, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from tracker.reminders import scan

    def gone(on):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(scan, "scan", gone)
    with caplog.at_level(logging.WARNING, logger="tracker.scheduler"):
        assert scheduler.run_cycle(app) is False
    assert "the database is unreachable (server closed the connection)" in caplog.text
    assert "Traceback" not in caplog.text  # one line per failure, not a traceback


@pytest.mark.skipif(not PG_URL, reason="the scheduler's threads commit through connections of "
                    "their own: the suite's SQLite harness holds the one write lock")
def test_the_leader_runs_each_of_its_jobs_at_once(app, engine, real_commits):
    """Reminders, imports and the clean-up of abandoned drafts are registered with the leading
    scheduler and run as soon as it leads (then on their intervals): a job left out of the
    registration would never run in production."""
    from tracker import db

    db.session.remove()  # the test holds no transaction the scheduler's threads would wait on
    cycles = []
    stop = threading.Event()
    leader = threading.Thread(target=scheduler.run, args=(app,), kwargs={
        "stop": stop, "cycle": lambda app, go_on: cycles.append(go_on())})

    def runs() -> dict[str, str | None]:
        with engine.connect() as conn:  # a read of its own, closed at once
            return dict(conn.execute(text("SELECT job, error FROM job_runs")).all())

    leader.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                cycles and {"imports", "cleanup"} <= set(runs())):
            time.sleep(0.2)
    finally:
        stop.set()
        leader.join(60)
    assert cycles == [True] and not leader.is_alive()
    assert {job: error for job, error in runs().items() if job in {"imports", "cleanup"}} == {
        "imports": None, "cleanup": None}
