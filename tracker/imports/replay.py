"""The companies file and the incentive grants file imported together, in one run (issue 13):
a company's ledger replayed in date order across both files.

Imported one after the other, every entry of the companies file came in before every entry of
the grants file, so an entry of the companies file that rests on one the grants file holds
back came in before it: a round dated after shares of the pool were reversed (the reversal
waits in the grants file, after the leaving of the grant it had to follow) was priced on those
shares, and the reversal was then refused; a transfer of shares that came out of the pool
(written in the grants file too) was refused, its giver not yet holding them.

Together, each companies row is saved as its import saves it (the company form and
`record_company`, its cap table at incorporation), but the entries its ledger cells add are
kept (`Companies.ledger`, in their order: `ledger_order.events`), and so are the grants rows of
the same companies; then each company's entries are recorded in one sequence by date, each
grants row on its grant date, never before a row the file gives before it, with its exercises
and its leaving's cell right after it, in the order its own import records them
(`IncentiveGrants.ledger`). A grant's own entries stay with it, and the grants in the file's
order, because the grant page's check of what a pool can still give counts what options
promise as they stand, whatever their dates: the order they were recorded in, which the export
keeps (a grant backdated before another's leaving was recorded after it). On one day, the
grants file's rows come after the companies file's entries and before the exit that stands,
which comes last, so the exit needs no second import. Every entry is recorded by its page's
service, as each import records it, in a savepoint of its own (a refused one is taken back and
said beside its row's column); all or nothing; the same files again change nothing, each row
finding its records by its natural key as its own import does.

A grants row of a company the companies file does not give is imported as its own import
imports it, after the companies rows. Every problem is said beside its row and its column, the
column introduced by its file's name.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies import holder_names
from tracker.companies.models import Company
from tracker.display import said
from tracker.errors import Forbidden, Problems
from tracker.imports import (
    header_problems,
    headings,
    ledger_order,
    notices,
    prerequisites,
    reading,
    references,
    row_forms,
    services,
    shortened,
)
from tracker.imports.companies_bulk import BulkCompanies
from tracker.imports.grants_bulk import grant_keys
from tracker.imports.incentive_grants import IncentiveGrants, company_named
from tracker.imports.models import ImportRun, ImportState
from tracker.incentives.models import IncentiveGrant


@dataclass
class Ledger:
    """A row's entries kept to be recorded among the others of its company's: each with its
    place and its act, and the problems of the row they are said in."""

    row: int
    acts: list[tuple[tuple, Callable[[Problems], Any]]]
    problems: Problems


@dataclass
class File:
    """One of the run's files: its name, its kind's adapter, what its rows were read into."""

    name: str
    adapter: Any
    table: reading.Table
    refs: references.References = field(default_factory=references.References)
    seen: dict = field(default_factory=dict)

    def column(self, header: object) -> str:
        """A column of this file (its header), introduced by the file's name."""
        return _("%(file)s, %(column)s", file=self.name, column=header) if header else self.name

    def header(self, key: str) -> str:
        """The column of this file a problem's key names (none: the row's)."""
        known = key and any(c.key == key for c in self.adapter.kind.columns)
        return self.column(headings.named(self.adapter.kind, key) if known else "")


class _KeptCompanies(BulkCompanies):
    """The companies import, keeping each row's ledger entries for the replay (a company its
    bulk path takes has none to keep: `companies_bulk`)."""

    def __init__(self) -> None:
        self.kept: list[tuple[Company, list, Problems]] = []

    def ledger(self, company, events, problems):
        self.kept.append((company, events, problems))


class _KeptGrants(IncentiveGrants):
    """The grants import, keeping each row's exercises and leaving for the replay."""

    def __init__(self) -> None:
        self.kept: list[tuple[IncentiveGrant, list, Problems]] = []

    def ledger(self, record, acts, problems):
        self.kept.append((record, acts, problems))


def run_import(actor: User, files: list[tuple[str, IO[bytes]]], *, dry_run: bool = False,
               progress: services.Progress | None = None,
               cancelled: Callable[[], bool] | None = None,
               run: ImportRun | None = None) -> ImportRun:
    """Import a companies file and an incentive grants file (`files`: (name, stream), in that
    order) as one run: all rows of both, or none. Returns the run; the caller commits. `run`:
    the queued run of a web upload, which its job carries out (`tracker.imports.jobs`)."""
    if not ImportRun.can_import(actor):
        raise Forbidden()
    with said.recording(), shortened.noting():
        return _run(actor, files, dry_run, progress, cancelled, run)


def _run(actor, files, dry_run, progress, cancelled, run) -> ImportRun:
    queued = run is not None
    if run is None:  # a queued run is left alone until its end (`ImportRun.running`)
        run = ImportRun.running(actor, "companies", files[0][0], dry_run,
                                grants_filename=files[1][0][:255])
        db.session.add(run)
        db.session.flush()
    if (missing := prerequisites.refusal(_KeptCompanies.kind, _KeptGrants.kind)) is not None:
        run.errors = [[1, "", missing]]  # before reading
        return services.finish(actor, run, ImportState.FAILED, queued=queued)
    read: list[File] = []
    errors: list[list] = []
    for (name, stream), adapter in zip(files, (_KeptCompanies(), _KeptGrants()), strict=True):
        try:
            table = reading.read(adapter.kind, name, stream, current_app.config["LANGUAGES"])
        except reading.UnreadableFile:
            run.errors = [[1, name, reading.unreadable()]]
            return services.finish(actor, run, ImportState.FAILED, queued=queued)
        read.append(File(name, adapter, table))
        errors += [[1, read[-1].column(header), message]
                   for _row, header, message in header_problems.errors(adapter.kind, table)]
    said_read = [n for f in read for n in notices.of(f.adapter.kind, f.table, f.name)]
    if errors:
        run.errors = errors
        return services.finish(actor, run, ImportState.FAILED, queued=queued, read=said_read)
    total = sum(f.table.total or 0 for f in read)
    if not queued:  # a queued run's progress reports say it
        run.total_rows = total
    with headings.headed(read[0].adapter.kind, read[0].table.written, read[0].table.scaled), \
            headings.headed(read[1].adapter.kind, read[1].table.written, read[1].table.scaled):
        state = _Replay(actor, run, read, progress, cancelled, total).rows()
    return services.finish(actor, run, state, queued=queued, read=said_read)


class _Cancelled(Exception):
    pass


class _Replay:
    """The run's rows: the companies rows saved, their ledgers kept; the grants rows of other
    companies imported; then each company's ledger and grants recorded in date order."""

    def __init__(self, actor, run, files, progress, cancelled, total: int) -> None:
        self.actor, self.run, self.progress, self.cancelled = actor, run, progress, cancelled
        self.total = total
        self.companies, self.grants = files
        self.errors: list[tuple[int, int, str, str]] = []  # (file, row, column, message)
        self.changes: list[list] = []
        self.updated: dict[tuple[int, int], list] = {}  # (file, row): its change
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.done = 0
        self.tie = itertools.count()
        self.granted: list[tuple[File, Ledger]] = []  # the ledgers of the grants replayed

    def rows(self) -> ImportState:
        whole = db.Savepoint(forget_loaded=True)
        try:
            with audit.during_import(self.run.id), holder_names.remembering():
                self._rows()
        except _Cancelled:
            whole.rollback()
            self._count()
            return ImportState.CANCELLED
        if self.progress:
            self.progress(self.done, self.done)
        if self.errors or self.run.dry_run:
            whole.rollback()
        else:
            whole.commit()
        self._count()
        return ImportState.FAILED if self.errors else (
            ImportState.CHECKED if self.run.dry_run else ImportState.DONE)

    def _rows(self) -> None:
        given: dict[int, list[Ledger]] = {}  # each company of the file: its row's ledger
        kept = self.companies.adapter.kept
        grants = list(self.grants.table.rows)
        # New companies with nothing else to replay, checked as they come with their grants
        # and written a batch at a time (`companies_bulk`, `grants_bulk`); the others are
        # replayed with the grants file.
        batch = self.companies.adapter.batch(self.actor)
        if batch is not None:
            batch.with_grants(grants, self._read)
        order: list[tuple[int, int]] = []  # the file's companies: (saved, id) or (held, row)
        for number, row in self.companies.table.rows:
            saved = self._row(self.companies, number, row, batch=batch)
            if saved is not None:
                ledgers = given.setdefault(saved.id, [])
                ledgers += [Ledger(number, [((key[0], key[1], 0, number, key), call)
                                            for key, call in acts], problems)
                            for _company, acts, problems in kept]
                order.append((1, saved.id))
            elif batch is not None and number in batch.grants_taken:
                order.append((0, number))
            kept.clear()
        taken = batch.grants_taken if batch is not None else {}
        if batch is not None:
            batch.write()
        held = {n for numbers in taken.values() for n in numbers}
        waiting: dict[int, list[tuple[int, dict]]] = {}
        plain = IncentiveGrants()
        for number, row in grants:
            if number in held:
                continue
            company = company_named(row.get("company", ""))
            if company is not None and company.id in given:
                waiting.setdefault(company.id, []).append((number, row))
            else:  # a company the companies file does not give: as its own import
                self._row(self.grants, number, row, plain)
        rows = dict(grants)
        for saved, key in dict.fromkeys(order):
            if saved:
                self._replay(given[key], waiting.get(key, []))
            else:  # written with their company: counted in their place
                for number in taken[key]:
                    self._created(self.grants, number, rows[number], self.grants.adapter)
                    self._tick()

    def _read(self, adapter: IncentiveGrants, number: int, row: dict) -> dict | None:
        """A grants row's values as its import reads them, for the bulk path; None when it
        refuses the row (the row-by-row path then says why)."""
        try:
            prepared = row_forms.prepare_row(adapter, row, references.References(), {}, number)
        except row_forms.RowRefused:
            return None
        return prepared.values if isinstance(prepared, row_forms.Prepared) else None

    def _replay(self, ledgers: list[Ledger], grants: list[tuple[int, dict]]) -> None:
        """One company's entries, in date order: its row's, and each grants row on its grant
        date (never before a row the file gives before it), with its exercises and leaving."""
        heap: list = []
        for ledger in ledgers:
            for key, call in ledger.acts:
                heapq.heappush(heap, (key, next(self.tie), self.companies, ledger, call))
        for key, number, row in grant_keys(grants):  # in the file's order, each on its date
            heapq.heappush(heap, ((*key, (0,)), next(self.tie), self.grants, None,
                                  (number, row, key[0])))
        while heap:
            _key, _tie, file, ledger, call = heapq.heappop(heap)
            if ledger is None:
                for pushed in self._grant(*call):
                    heapq.heappush(heap, pushed)
            else:
                self._act(file, ledger, call)
        for file, ledger in [*((self.companies, x) for x in ledgers), *self.granted]:
            self.errors += [(self._index(file), ledger.row, file.header(key), message)
                            for key, message in ledger.problems.found]
        self.granted.clear()

    def _grant(self, number: int, row: dict, on: date) -> list:
        """The grants row saved in its place (`on`); its exercises and leaving to come right
        after it, in the order its own import records them."""
        kept = self.grants.adapter.kept
        self._row(self.grants, number, row)
        pushed = []
        for _record, acts, problems in kept:
            ledger = Ledger(number, [], problems)
            self.granted.append((self.grants, ledger))
            for seq, call in enumerate(acts, start=1):
                pushed.append(((on, ledger_order.GRANTS, 1, number, (seq,)), next(self.tie),
                               self.grants, ledger, call))
        kept.clear()
        return pushed

    def _act(self, file: File, ledger: Ledger, call: Callable[[Problems], Any]) -> None:
        """One entry recorded, in a savepoint of its own, taken back when refused."""
        savepoint = db.Savepoint()
        before = len(ledger.problems.found)
        call(ledger.problems)
        if len(ledger.problems.found) > before:
            savepoint.rollback()
        else:
            savepoint.commit()
        written = audit.take_written()
        change = self.updated.get((self._index(file), ledger.row))
        if change is not None:
            change[3] += written[:services.MAX_RECORDS - len(change[3])]

    def _row(self, file: File, number: int, row: dict, adapter: Any = None,
             batch: Any = None) -> Any:
        """A row saved as its import saves it, the ledger it keeps left in its adapter's
        `kept` (none of a row refused): its record, or None when refused or held by `batch`
        (the companies file's bulk path)."""
        adapter = adapter or file.adapter
        before = len(file.adapter.kept)
        try:
            outcome, saved = row_forms.import_row(self.actor, adapter, row, file.refs,
                                                  file.seen, number, batch)
        except row_forms.RowRefused as refused:
            del file.adapter.kept[before:]  # what a row refused (or its dry run) kept
            self.errors += [(self._index(file), number, file.header(key), message)
                            for key, message in refused.errors]
            saved = None
        else:
            change = self._created(file, number, row, adapter, outcome)
            if change is not None and outcome == "updated":
                self.updated[self._index(file), number] = change
        self._tick()
        return saved

    def _created(self, file: File, number: int, row: dict, adapter: Any,
                 outcome: str = "created") -> list | None:
        """A row counted, and listed among the changes (up to `MAX_CHANGES`) unless
        unchanged: its change."""
        self.counts[outcome] += 1
        if outcome == "unchanged" or len(self.changes) >= services.MAX_CHANGES:
            return None
        records = audit.take_written()[:services.MAX_RECORDS] if outcome == "updated" else []
        self.changes.append([number, outcome, f"{file.name} · {adapter.name(row)}", records])
        return self.changes[-1]

    def _index(self, file: File) -> int:
        return 0 if file is self.companies else 1

    def _tick(self) -> None:
        self.done += 1
        if self.done % services.PROGRESS_EVERY == 0:
            if self.progress:
                self.progress(self.done, self.total)
            if self.cancelled and self.cancelled():
                raise _Cancelled()

    def _count(self) -> None:
        errors = [[row, column, message] for _file, row, column, message in sorted(
            self.errors, key=lambda e: e[:2])]
        services.count_run(self.run, self.done, self.counts, errors, self.changes)

