"""Imports uploaded through the web run as background jobs, never in the request.

The upload page queues the file in a run's own row (`queue`: state queued, the file's bytes,
the uploader's language; a companies file's grants file too, imported with it by
`tracker.imports.replay`) and answers at once with the run's page, which follows it. A worker
(the scheduler's `imports` job every few seconds, or `flask import work`) claims the oldest
queued run with one conditional UPDATE, so two workers never take the same run, and carries
it out with `run_import` as the command line does: all rows or none, then the file is cleared
(a dry run whose rows all passed keeps it, for its page's button to import it for real).

While it runs, the job reports its rows done and reads the page's Cancel through a connection
of its own (`Reporter`), committed at once, so the page of any web worker shows the progress
of a transaction that is still open; a cancelled job rolls its rows back and is recorded as
cancelled. Its claim and each report write the time (`seen_at`): a run silent for longer than
`STOPPED_AFTER_SECONDS` lost its worker (its process was killed, its transaction with it), its
page says it stopped, and its Cancel ends it at once. SQLite lets one connection write at a
time, so there the run's row says only that it runs, until it ends, and each report touches a
file beside the database instead (`SessionReporter`, `tracker.imports.liveness`): a live run
is never said stopped there either; a queued run is cancelled on SQLite too, a running one
refused its Cancel (`cancel_refusal`: its job could not read it).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Engine, false, select, update

from tracker import db
from tracker.audit import services as audit
from tracker.display import said
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.errors import Invalid, Refused, require
from tracker.imports import liveness, prerequisites, replay, services, transitions
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportRun, ImportState

log = logging.getLogger("tracker.imports")

RUNS = ImportRun.__table__


def queue(actor, kind: str, filename: str, data: bytes, *, dry_run: bool,
          locale: str | None, grants: tuple[str, bytes] | None = None) -> ImportRun:
    """A web upload: its run waits, with its file, for a worker. `grants`: a companies file's
    incentive grants file (its name, its bytes), imported with it (`tracker.imports.replay`)."""
    require(ImportRun.can_import(actor), lambda: prerequisites.refusal(KINDS[kind]))
    if grants is not None and kind != "companies":
        raise Invalid("grants", _("An incentive grants file goes with a companies file only."))
    run = ImportRun.of(actor, kind, filename, dry_run, state=ImportState.QUEUED, upload=data,
                       locale=locale, total_rows=0)
    if grants is not None:
        run.grants_filename, run.grants_upload = grants[0][:255], grants[1]
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "import.queue", run, {"kind": [None, kind], "file": [None, run.files],
                                              "dry_run": [None, dry_run]})
    return run


def cancel_refusal(run: ImportRun) -> str | None:
    """Why the run is not cancelled: it ended, or its cancellation was asked already; None
    while it may be."""
    if not run.is_open:
        return _("This import ended on %(date)s (%(state)s): there is nothing to cancel. Its "
                 "page shows what it did.", date=on_day(run.finished_at), state=label(run.state))
    if run.state is ImportState.RUNNING and not run.ends_at_once and not _reads_cancel():
        return _("A running import cannot be stopped on this installation's database, which "
                 "lets one writer at a time: it goes on to its end, keeping all its rows or "
                 "none, and its page then says what it did.")
    if run.cancel_requested and not run.stopped:
        return _("Its cancellation was asked already: it stops at its next progress report, "
                 "keeping nothing.")
    return None


def _reads_cancel(engine: Engine | None = None) -> bool:
    """Whether a running job reads its page's Cancel and reports through a connection of its
    own (`Reporter`, PostgreSQL); on SQLite it does neither (`SessionReporter`): a Cancel
    there said "nothing of it is kept" and the run went on to write every row."""
    engine = engine or current_app.extensions["engine"]
    return engine.dialect.name == "postgresql"


def ended_said(run: ImportRun) -> tuple[str, str] | None:
    """What an ended run did, and whether that is a success ("success") or not ("error"): a
    success only when it succeeded (its page says it where the upload's request once flashed
    it); None while it waits or runs."""
    if run.is_open:
        return None
    if run.state is ImportState.DONE:
        return _("Import #%(id)d completed: %(created)d created, %(updated)d updated.",
                 id=run.id, created=run.created, updated=run.updated), "success"
    if run.state is ImportState.CHECKED:
        return _("Import #%(id)d checked: every row is valid; nothing was written, as asked.",
                 id=run.id), "success"
    if run.state is ImportState.CANCELLED:
        return _("Import #%(id)d was cancelled: nothing was written.", id=run.id), "error"
    return _("Import #%(id)d failed: rows were refused, so nothing was written. The errors "
             "are listed below.", id=run.id), "error"


def request_cancel(actor, run: ImportRun) -> ImportRun:
    """The progress page's Cancel: a queued run never starts; a running one stops at its next
    progress report and keeps nothing; a stopped one (its worker died, `ImportRun.stopped`)
    is cancelled at once: its transaction died with its worker, so nothing of it was written
    (a worker still alive reads the Cancel at its next report and rolls back, and at its end
    finds its run ended: `transitions`). What the page read may have moved since (taken by a
    worker, a sign of life, ended): each write is conditional, and a run that ended otherwise
    before the Cancel reached it is refused, its page saying what it did."""
    require(run.can_cancel(actor), lambda: cancel_refusal(run))
    if run.state is not ImportState.QUEUED:
        _asked_at_once(run.id)
    audit.take_turn()  # brief: an import takes it only at its end (`tracker.audit.held`)
    # A run whose worker beat lately is alive, whatever its row says (SQLite: `liveness`).
    at_once = ImportRun.ends_at_once if run.ends_at_once else false()
    if not transitions.moved(run.id, at_once, state=ImportState.CANCELLED,
                             finished_at=db.utcnow(), upload=None, grants_upload=None,
                             cancel_requested=True):
        transitions.moved(run.id, ImportRun.is_open, cancel_requested=True)
    db.session.refresh(run)
    if not run.is_open and run.state is not ImportState.CANCELLED:
        raise Refused(_("Import #%(id)d ended before its cancellation reached it: its "
                        "page shows what it did.", id=run.id))
    if run.state is ImportState.CANCELLED:  # ended at once: no worker is left to forget it
        liveness.forget(run.id)
    audit.record(actor, "import.cancel", run, {"state": [None, run.state.value]})
    db.session.flush()
    return run


def _asked_at_once(run_id: int) -> None:
    """A running run's Cancel, written through a connection of its own and committed at once
    (PostgreSQL), as its job reads it (`Reporter.cancelled`): asked in the request's own
    transaction only, it is seen once that commits, and the request takes the trail's turn,
    which an import ending then holds to its commit (before its records were held back to its
    end, `tracker.audit.held`, the import held the turn throughout, and 10,000 projects were
    all written after their Cancel, which said "nothing of it is kept"; issue 13). It is
    written only while the run is open. SQLite lets one connection write at a time:
    there a running run is not cancelled (its job reads no Cancel, `SessionReporter`)."""
    if _reads_cancel():
        with current_app.extensions["engine"].begin() as connection:
            connection.execute(update(RUNS).where(
                RUNS.c.id == run_id, ImportRun.is_open).values(cancel_requested=True))


class Reporter:
    """Progress and cancellation through a connection of the worker's own (PostgreSQL)."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self.engine, self.run_id = engine, run_id

    def progress(self, done: int, total: int | None) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(RUNS).where(RUNS.c.id == self.run_id).values(
                done_rows=done, total_rows=max(total or 0, done), seen_at=db.utcnow()))

    def cancelled(self) -> bool:
        with self.engine.connect() as connection:
            return bool(connection.scalar(select(RUNS.c.cancel_requested).where(
                RUNS.c.id == self.run_id)))


class SessionReporter:
    """SQLite: one writer at a time, so no second connection: nothing of its progress is seen
    until the end, and its sign of life is a file beside the database (`liveness.beat`)."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self.run_id = run_id

    def progress(self, done: int, total: int | None) -> None:
        liveness.beat(self.run_id)

    def cancelled(self) -> bool:
        return False


def reporter_for(engine: Engine, run_id: int) -> Reporter | SessionReporter:
    if _reads_cancel(engine):
        return Reporter(engine, run_id)
    return SessionReporter(engine, run_id)


def claim_next() -> ImportRun | None:
    """The oldest queued run, now running and this worker's; committed, so the page shows it."""
    for run_id in db.session.scalars(select(ImportRun.id).where(
            ImportRun.state == ImportState.QUEUED).order_by(ImportRun.id).limit(5)):
        claimed = transitions.moved(run_id, ImportRun.state == ImportState.QUEUED,
                                    state=ImportState.RUNNING, started_at=db.utcnow(),
                                    seen_at=db.utcnow())
        db.session.commit()
        if claimed:
            run = db.session.get(ImportRun, run_id)
            db.session.refresh(run)
            return run
    return None


def carry_out(run: ImportRun, reporter: Reporter | SessionReporter,
              commit: Callable[[], None]) -> ImportRun:
    """Run a claimed job in its uploader's language; the file is cleared once read. A run its
    page's Cancel ended while it ran keeps that end, and nothing of the job is kept."""
    data, actor = run.upload or b"", run.actor
    locale = run.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        try:
            _carry_out(run, actor, data, reporter)
        except transitions.EndedMeanwhile:
            db.session.rollback()
            log.warning("import #%s was ended while it ran: its rows are rolled back", run.id)
            run = db.session.get(ImportRun, run.id)
            db.session.refresh(run)
            commit()  # the read's transaction
            liveness.forget(run.id)  # ended by its Cancel: its beats are read no more
            return run
        if run.state is not ImportState.CHECKED:
            # A dry run that passed keeps its files, to be imported for real.
            run.upload = run.grants_upload = None
        commit()
    liveness.forget(run.id)  # ended: its beats are read no more
    return run


def _carry_out(run: ImportRun, actor, data: bytes,
               reporter: Reporter | SessionReporter) -> None:
    try:
        if run.grants_filename is not None:  # a companies file with its grants file
            replay.run_import(actor, [(run.filename, io.BytesIO(data)), (
                run.grants_filename, io.BytesIO(run.grants_upload or b""))],
                dry_run=run.dry_run, progress=reporter.progress,
                cancelled=reporter.cancelled, run=run)
        else:
            services.run_import(actor, run.kind, run.filename, io.BytesIO(data),
                                dry_run=run.dry_run, progress=reporter.progress,
                                cancelled=reporter.cancelled, run=run)
    except transitions.EndedMeanwhile:
        raise
    except Exception:
        db.session.rollback()
        log.exception("import #%s failed", run.id)
        run = db.session.get(ImportRun, run.id)
        with said.recording():
            run.errors = [[0, "", _("The import stopped on an unexpected error; it is "
                                    "logged.")]]
        services.finish(actor, run, ImportState.FAILED, queued=True)


def checked_refusal(checked: ImportRun) -> str | None:
    """Why the run's file is not imported from its page: not a dry run whose every row
    passed, or imported from it already (its file gone); None when it is."""
    if checked.keeps_checked_file:
        return None
    return _("This run is %(state)s: only a dry run whose every row passed is imported from "
             "its page, once. Upload the file again.", state=label(checked.state))


def import_checked(actor, checked: ImportRun) -> ImportRun:
    """The dry run's "Import this file" button: the file it checked, kept with it, is queued
    for real as a new run (the file then leaves the dry run: it is imported once)."""
    require(checked.can_import_checked(actor), lambda: checked_refusal(checked))
    data, grants = db.session.execute(select(ImportRun.upload, ImportRun.grants_upload).where(
        ImportRun.id == checked.id)).one()
    audit.take_turn()  # before the run's row (`transitions`)
    # Taken once: a second click, or another admin's, may have imported it since it was read.
    taken = transitions.moved(checked.id, ImportRun.keeps_checked_file, upload=None,
                              grants_upload=None)
    db.session.refresh(checked)
    if not taken:
        raise Refused(checked_refusal(checked))
    run = queue(actor, checked.kind, checked.filename, data, dry_run=False,
                locale=checked.locale, grants=None if checked.grants_filename is None else (
                    checked.grants_filename, grants or b""))
    audit.record(actor, "import.confirm", run, {"checked_in": [None, checked.id]})
    db.session.flush()
    return run


def work(limit: int | None = None) -> int:
    """Carry out queued runs until none is left (or `limit` of them); how many were run."""
    engine = current_app.extensions["engine"]
    count = 0
    while limit is None or count < limit:
        run = claim_next()
        if run is None:
            break
        carry_out(run, reporter_for(engine, run.id), db.session.commit)
        count += 1
    # The look for a queued run opened a transaction: end it, or a worker sleeping between
    # polls would hold it, and on SQLite (BEGIN IMMEDIATE) the write lock with it.
    db.session.commit()
    return count
