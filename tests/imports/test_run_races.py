"""An import run's row is written by its job, its page's Cancel and the "Import this file" button,
each in a transaction of its own, and each moves the run by a conditional UPDATE: what one read
may have moved before it writes (`tracker.imports.transitions`). Before, the Cancel of a run
said stopped (silent for ten minutes) whose worker was alive wrote "cancelled" over the "done"
its job had committed meanwhile, above the rows it had written; a job wrote "done" over the
Cancel that had ended its run, and kept its rows (issue 13).

Two sessions on two connections take turns here, the page's (`db.session`) and the job's
(`as_worker`), in a database of the test's own where each commits: the write comes after the
other's, between the page's read and its own. On SQLite one connection writes at a time, so
each session ends its transaction before the other writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conftest import PG_URL, copy_of_head, drop_database
from tests.factories import make_hq, make_user
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import GOOD
from tracker import create_app, db
from tracker.accounts.models import Role, User
from tracker.errors import Refused
from tracker.imports import jobs
from tracker.imports.models import STOPPED_AFTER_SECONDS, ImportRun, ImportState
from tracker.organisations.models import Institute


@pytest.fixture
def own(app: Flask, tmp_path) -> Iterator[Flask]:
    """An app on a database of its own, whose commits are seen by every connection."""
    if PG_URL:
        base = make_url(app.config["DATABASE_URL"])
        url = base.set(database=f"{base.database}_races").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'races.db'}"
    own = create_app("test", DATABASE_URL=copy_of_head(url), DEFAULT_LOCALE="en")
    with own.app_context():
        db.session.remove()
        db.session.configure(bind=own.extensions["engine"])
        try:
            yield own
        finally:
            db.session.remove()
            own.extensions["engine"].dispose()
            drop_database(url)


@pytest.fixture
def worker(own: Flask) -> Iterator[Session]:
    session = db.session.session_factory()
    yield session
    session.close()


@contextmanager
def as_worker(worker: Session) -> Iterator[None]:
    """The job's session, on a connection of its own, as `db.session` meanwhile."""
    page = db.session.registry()
    db.session.registry.set(worker)
    try:
        yield
    finally:
        db.session.registry.set(page)


def _queued() -> tuple[User, ImportRun]:
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    run = jobs.queue(admin, "institutes", "i.csv", csv_bytes(GOOD), dry_run=False, locale="en")
    db.session.commit()
    return admin, run


def _taken(worker: Session) -> ImportRun:
    """The worker takes the oldest queued run and reads its file, as its job starts."""
    with as_worker(worker):
        taken = jobs.claim_next()
        assert taken.upload is not None
        worker.commit()
    return taken


def _silent(run: ImportRun) -> None:
    """No sign of life from its worker for longer than the page waits: said stopped."""
    db.session.execute(update(ImportRun).where(ImportRun.id == run.id).values(
        seen_at=db.utcnow() - timedelta(seconds=STOPPED_AFTER_SECONDS + 1)))
    db.session.commit()
    db.session.refresh(run)


def _carried_out(own: Flask, worker: Session, taken: ImportRun) -> ImportRun:
    with as_worker(worker):
        return jobs.carry_out(taken, jobs.reporter_for(own.extensions["engine"], taken.id),
                              worker.commit)


def _institutes() -> int:
    return db.session.scalar(select(func.count()).select_from(Institute))


def test_a_cancel_of_a_run_said_stopped_that_finished_meanwhile_keeps_its_end(own, worker):
    admin, run = _queued()
    taken = _taken(worker)
    _silent(run)
    assert run.stopped and jobs.cancel_refusal(run) is None  # as the page read it
    db.session.commit()
    assert _carried_out(own, worker, taken).state is ImportState.DONE  # its worker lived
    with pytest.raises(Refused, match="ended before its cancellation reached it"):
        jobs.request_cancel(admin, run)
    db.session.rollback()
    assert (run.state, run.created, _institutes()) == (ImportState.DONE, 1, 1)
    assert jobs.ended_said(run) == (
        f"Import #{run.id} completed: 1 created, 0 updated.", "success")


def test_a_job_whose_run_a_cancel_ended_meanwhile_keeps_nothing(own, worker):
    admin, run = _queued()
    taken = _taken(worker)
    _silent(run)
    jobs.request_cancel(admin, run)
    db.session.commit()
    assert run.state is ImportState.CANCELLED
    ended = _carried_out(own, worker, taken)  # its worker lived, and read no Cancel
    assert ended.state is ImportState.CANCELLED
    db.session.refresh(run)
    assert (run.state, run.created, _institutes()) == (ImportState.CANCELLED, 0, 0)


def test_a_cancel_of_a_run_taken_since_its_page_read_it_asks_the_job_to_stop(own, worker):
    admin, run = _queued()
    assert run.state is ImportState.QUEUED  # as the page read it
    db.session.commit()
    taken = _taken(worker)
    jobs.request_cancel(admin, run)
    db.session.commit()
    # Not ended under its job, which would import on: asked to stop at its next report.
    assert (run.state, run.cancel_requested) == (ImportState.RUNNING, True)
    assert _carried_out(own, worker, taken).state is ImportState.DONE  # no report: one row


def test_a_checked_file_is_imported_from_its_page_once_whoever_clicks(own, worker):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    checked = ImportRun.of(admin, "institutes", "i.csv", True, state=ImportState.CHECKED,
                           upload=csv_bytes(GOOD), finished_at=db.utcnow())
    db.session.add(checked)
    db.session.commit()
    assert jobs.checked_refusal(checked) is None  # as the page read it
    db.session.commit()
    with as_worker(worker):  # another admin's click, or the same admin's second
        jobs.import_checked(worker.get(User, admin.id), worker.get(ImportRun, checked.id))
        worker.commit()
    with pytest.raises(Refused, match="imported from its page, once"):
        jobs.import_checked(admin, checked)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 2
