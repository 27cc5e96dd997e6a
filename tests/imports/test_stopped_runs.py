"""A run whose worker died (its process killed mid-import) is not "Running" for ever: its
claim and each progress report write its last sign of life (`seen_at`); silent for longer than
STOPPED_AFTER_SECONDS, its page says it stopped, since when, and that nothing of it was written,
and its Cancel ends it at once (issue 13 point 4)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import GOOD
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.imports import jobs, liveness
from tracker.imports.models import STOPPED_AFTER_SECONDS, ImportRun, ImportState
from tracker.organisations.models import Institute


def _taken(admin) -> ImportRun:
    """A run a worker took, then died with (nothing carried out)."""
    run = jobs.queue(admin, "institutes", "i.csv", csv_bytes(GOOD), dry_run=False, locale="en")
    db.session.commit()
    claimed = jobs.claim_next()
    assert (claimed.id, claimed.state) == (run.id, ImportState.RUNNING)
    assert claimed.seen_at is not None
    return claimed


def _taken_on_sqlite(app, client):
    """A run taken on SQLite, its HQ admin logged in (PostgreSQL's reports write the row)."""
    engine = app.extensions["engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's reports write the row")
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    return engine, _taken(admin)


def _silent(run: ImportRun, seconds: int) -> None:
    run.seen_at = utcnow() - timedelta(seconds=seconds)
    db.session.commit()


def test_a_run_whose_worker_died_is_said_stopped_and_its_cancel_ends_it(client):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    run = _taken(admin)
    _silent(run, STOPPED_AFTER_SECONDS - 30)  # quiet, not yet silent long enough
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "Stopped: no progress since" not in page and "http-equiv" in page
    _silent(run, STOPPED_AFTER_SECONDS + 1)
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "Stopped: no progress since" in page and "nothing of it was written" in page
    assert "Cancel the import" in page
    post(client, f"/admin/import/{run.id}/cancel")
    db.session.expire_all()
    run = db.session.get(ImportRun, run.id)
    assert (run.state, run.upload, run.cancel_requested) == (ImportState.CANCELLED, None, True)
    assert run.finished_at is not None
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "was cancelled: nothing was written" in page and "http-equiv" not in page
    assert jobs.work() == 0  # nothing left for a worker


def test_a_cancel_asked_before_its_worker_died_does_not_keep_it_open(client):
    """Its Cancel was asked while the worker lived, which died before reading it: once silent,
    the run is cancelled again, at once, not told its cancellation was asked already."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    login(client, admin)
    run = _taken(admin)
    run.cancel_requested = True
    _silent(run, STOPPED_AFTER_SECONDS + 1)
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "已停止：自" in page and "已申请取消" not in page
    post(client, f"/admin/import/{run.id}/cancel")
    db.session.expire_all()
    assert db.session.get(ImportRun, run.id).state is ImportState.CANCELLED


def test_each_progress_report_is_a_sign_of_life(app):
    make_hq()
    run = _taken(make_user(Role.HQ_ADMIN))
    _silent(run, STOPPED_AFTER_SECONDS + 1)
    assert run.stopped

    class TheTestsConnection:
        """The worker's own connection, as the test's (whose transaction is never committed)."""

        @contextmanager
        def begin(self):
            yield db.session.connection()

    jobs.Reporter(TheTestsConnection(), run.id).progress(50, 100)
    db.session.refresh(run)
    assert (run.done_rows, run.stopped) == (50, False)


def test_a_live_run_on_sqlite_is_never_said_stopped(app, client, monkeypatch):
    """SQLite lets the import's transaction alone write, so its row's `seen_at` stays its
    claim's; each report touches a file beside the database instead, which the page reads: a
    run longer than STOPPED_AFTER_SECONDS was said stopped, and its Cancel ended it while it ran
    on. Its end removes the file. (PostgreSQL writes the row: the test above.)"""
    engine, run = _taken_on_sqlite(app, client)
    _silent(run, STOPPED_AFTER_SECONDS + 1)
    assert run.stopped  # no report yet since its claim
    jobs.reporter_for(engine, run.id).progress(50, 100)
    assert not run.stopped
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "Stopped: no progress since" not in page and "http-equiv" in page
    # Its Cancel is refused, saying why, rather than said to keep nothing while its job,
    # which reads no Cancel on SQLite, goes on to write every row.
    assert "cannot be stopped on this installation" in page
    refused = post(client, f"/admin/import/{run.id}/cancel")
    assert refused.status_code == 409
    assert "cannot be stopped on this installation" in refused.get_data(as_text=True)
    db.session.refresh(run)
    assert (run.state, run.cancel_requested) == (ImportState.RUNNING, False)
    # Carried out, reporting as it goes, the run is seen alive at each report, then ended.
    seen = []
    report = jobs.SessionReporter.progress
    monkeypatch.setattr(jobs.SessionReporter, "progress", lambda self, done, total: (
        report(self, done, total), setattr(run, "seen_at", utcnow() - timedelta(
            seconds=STOPPED_AFTER_SECONDS + 1)), seen.append(run.stopped)))
    jobs.carry_out(run, jobs.reporter_for(engine, run.id), db.session.commit)
    assert seen and not any(seen)
    assert run.state is ImportState.DONE and liveness.last_seen(run.id, None) is None


def test_a_stopped_sqlite_runs_sign_of_life_goes_with_its_cancel(app, client):
    """The file of a SQLite run's beats (`liveness`) is removed when the run ends, also when
    its Cancel ends it, its worker gone: it stayed beside the database for ever (no worker
    was left to remove it at its end)."""
    engine, run = _taken_on_sqlite(app, client)
    jobs.reporter_for(engine, run.id).progress(50, 100)  # it beat, then its worker died
    path = liveness._path(run.id)
    gone = (utcnow() - timedelta(seconds=STOPPED_AFTER_SECONDS + 1)).timestamp()
    os.utime(path, (gone, gone))
    _silent(run, STOPPED_AFTER_SECONDS + 1)
    assert run.stopped and path.exists()
    post(client, f"/admin/import/{run.id}/cancel")
    db.session.expire_all()
    assert db.session.get(ImportRun, run.id).state is ImportState.CANCELLED
    assert not path.exists()
