"""Running an import: every row filled into the form of its page and saved by the service that
page calls (`tracker.imports.row_forms`), each row in a savepoint so that all its errors are
found, all of them in one savepoint of the whole file that is kept only when no row failed (and
the run was no dry run); the run's counts, progress, cancellation and end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from flask import current_app

from tracker import collector, db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies import holder_names
from tracker.display import said
from tracker.errors import Forbidden
from tracker.imports import (
    header_problems,
    headings,
    notices,
    prerequisites,
    reading,
    references,
    row_forms,
    shortened,
    transitions,
)
from tracker.imports.kinds import ADAPTERS
from tracker.imports.models import ImportRun, ImportState

# Past this many, further errors are counted but not listed: the first ones tell what to fix.
MAX_ERRORS = 1000
# What an updated row wrote, kept for its run's page up to this many records.
MAX_RECORDS = 20
# What was created or updated, listed up to this many rows (the counts are complete).
MAX_CHANGES = 500
# How often (in rows) progress is reported and a cancellation looked for.
PROGRESS_EVERY = 50

Progress = Callable[[int, int | None], None]


def run_import(actor: User, kind_name: str, filename: str, stream: IO[bytes], *,
               dry_run: bool = False, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None,
               run: ImportRun | None = None) -> ImportRun:
    """Import `stream`: all rows or none. Returns the run, with its counts and errors; the
    caller commits (the run is kept whatever happened to the rows). `run`: the queued run of
    a web upload, which its job carries out (`tracker.imports.jobs`). Its problems are kept as
    they were said (`said.recording`), so that each reader reads them in their language."""
    if not ImportRun.can_import(actor):
        raise Forbidden()
    with said.recording(), collector.young_only(), shortened.noting():  # see collector
        return _run(actor, kind_name, filename, stream, dry_run, progress, cancelled, run)


def _run(actor, kind_name, filename, stream, dry_run, progress, cancelled, run) -> ImportRun:
    adapter = ADAPTERS[kind_name]
    queued = run is not None
    if run is None:  # a queued run is left alone until its end (`ImportRun.running`)
        run = ImportRun.running(actor, kind_name, filename, dry_run)
        db.session.add(run)
        db.session.flush()
    if (missing := prerequisites.refusal(adapter.kind)) is not None:  # before reading
        run.errors = [[1, "", missing]]
        return finish(actor, run, ImportState.FAILED, queued=queued)
    try:
        table = reading.read(adapter.kind, filename, stream, current_app.config["LANGUAGES"])
    except reading.UnreadableFile:
        run.errors = [[1, "", reading.unreadable()]]
        return finish(actor, run, ImportState.FAILED, queued=queued)
    if not queued:  # a queued run's progress reports say it
        run.total_rows = table.total or 0
    run.errors, read = header_problems.errors(adapter.kind, table), notices.of(adapter.kind, table)
    if run.errors:
        return finish(actor, run, ImportState.FAILED, queued=queued, read=read)
    with headings.headed(adapter.kind, table.written, table.scaled):
        state = _rows(actor, adapter, table, run, progress, cancelled)
    return finish(actor, run, state, queued=queued, read=read)


def record_cancelled(actor: User, kind_name: str, filename: str, dry_run: bool) -> ImportRun:
    """A run stopped before it finished (Ctrl-C on the command line), after its transaction
    was rolled back: only the record that it was tried and cancelled."""
    run = ImportRun.of(actor, kind_name, filename, dry_run)
    db.session.add(run)
    db.session.flush()
    return finish(actor, run, ImportState.CANCELLED)


def _rows(actor, adapter, table, run, progress, cancelled) -> ImportState:
    errors, changes, counts = [], [], {"created": 0, "updated": 0, "unchanged": 0}
    refs, seen = references.References(), {}
    whole = db.Savepoint(forget_loaded=True)
    # A kind's bulk path checks new records as they come, writes a batch at a time (bulk.py).
    batch = adapter.batch(actor)
    done = 0
    with audit.during_import(run.id), holder_names.remembering():
        for number, row in table.rows:
            try:
                outcome, saved = row_forms.import_row(actor, adapter, row, refs, seen, number,
                                                      batch)
            except row_forms.RowRefused as refused:
                errors += [[number, headings.named(adapter.kind, k) if k else "", m]
                           for k, m in refused.errors]
            else:
                counts[outcome] += 1
                if outcome != "unchanged" and len(changes) < MAX_CHANGES:
                    # An update says what it changes, as the history would say it.
                    records = audit.take_written()[:MAX_RECORDS] if outcome == "updated" else []
                    changes.append([number, outcome, adapter.name(row), records])
            done += 1
            if done % PROGRESS_EVERY == 0:
                if progress:
                    progress(done, table.total)
                if cancelled and cancelled():
                    whole.rollback()
                    count_run(run, done, counts, errors, changes)
                    return ImportState.CANCELLED
        if batch is not None and not errors:
            batch.write()
    if progress:
        progress(done, done)
    if errors or run.dry_run:
        whole.rollback()
    else:
        whole.commit()
    count_run(run, done, counts, errors, changes)
    return ImportState.FAILED if errors else (
        ImportState.CHECKED if run.dry_run else ImportState.DONE)


def count_run(run: ImportRun, done: int, counts: dict, errors: list, changes: list) -> None:
    run.done_rows = run.total_rows = done
    run.created, run.updated, run.unchanged = (
        counts["created"], counts["updated"], counts["unchanged"])
    run.errors = errors[:MAX_ERRORS]
    run.changes = changes
    run.readings = shortened.taken()


def finish(actor: User, run: ImportRun, state: ImportState, *, queued: bool = False,
           read: list | None = None) -> ImportRun:
    """The run's end, audited, written only while the run is open (`transitions`): a run its
    page's Cancel ended meanwhile raises `EndedMeanwhile`. Its records, held back since its
    first row, join the chain here (`tracker.audit.held`): the trail's turn is taken at the
    end, as briefly as the caller's commit is near. `queued`: a web upload's, whose kind and
    file its queueing recorded already (its history said them twice). `read`: how it read
    its file (`notices`), kept at its end as its counts are (`ImportRun.running`)."""
    if read:
        run.notices = read
    audit.take_turn()  # before the run's row, as its Cancel takes them
    if not transitions.moved(run.id, ImportRun.is_open, state=state, finished_at=db.utcnow()):
        raise transitions.EndedMeanwhile(run.id)
    db.session.refresh(run)
    named = {} if queued else {"kind": [None, run.kind], "file": [None, run.files]}
    audit.record(actor, "import.run", run, {
        **named, "state": [None, state.value],
        "created": [None, run.created], "updated": [None, run.updated],
        "errors": [None, len(run.errors)]})
    audit.append_held()
    return run
