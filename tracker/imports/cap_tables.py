"""A company's cap table at incorporation as the companies import reads and writes its
`holdings` cell: the holders the incorporation form lists, each holding reversed on the
company's page followed by its reversal (`reversal | N | date | reason`), and a table voided
whole on that page (`corrections.void_founders`, to be entered again) followed by
`void | its date | reason`, after which the table entered again is written the same way:

    Team Li | team | 6000000; JITRI | hq | 4000000; void | 2020-03-01 | the split was wrong;
    Team Li | team | 7000000; JITRI | hq | 3000000

A table voided is dated by its void (its lines are reversed on their own date); the one that
stands by the row's `incorporated_on`, and its total is `total_shares` (a table's holdings add
up to its total, `incorporate` checks). The tables and voids the file adds are recorded in the
cell's order, each by its page's service (`incorporate`, `reverse_entry`, `void_founders`),
before the rest of the row's ledger; the reversals of the table that stands are recorded
among the row's other entries by date (`ledger_order`). What is recorded is not changed: a
recorded table, reversal or void the file changes or leaves out is refused, named.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.companies import corrections
from tracker.companies import services as companies
from tracker.companies.forms import HOLDING_ROWS, IncorporationForm
from tracker.companies.models import Acquisition, Company, HolderType, ShareEntry
from tracker.display.formatting import day, number, plural
from tracker.errors import Invalid, Problems, Refused
from tracker.imports import cells, ledger_lines, list_cells, reversal_lines
from tracker.imports.cells import CellError, iso_date
from tracker.imports.reversal_lines import Reversal, Void

# (holder, type, shares, paid with, technology, locked up until)
Holding = tuple[str, HolderType, Decimal, Acquisition, str, date | None]
Entry = Holding | Reversal | Void


def holdings(text: str, on: str, total: str) -> tuple[list[Entry], Decimal | None]:
    """'Team A | team | 6000000 | ip | Sensor | 2027-12-31; HQ | hq | 3000000 | cash' read by
    the incorporation form's rows, as its page reads them, one form a table (a table voided
    dated by its void, the one that stands by `on`); the total of the table that stands
    defaults to its holdings added up (None: none stands)."""
    cell: list = []  # each holding as its text, each reversal and void read
    refused = list_cells.BadEntries()  # every entry refused said at once
    for part in cells.parts(text):
        cell.append(part)
        with refused.entry(len(cell)):
            if reversal_lines.is_void(part):
                cell[-1] = reversal_lines.read_void(part, "holdings")
            elif reversal_lines.is_reversal(part):
                cell[-1] = reversal_lines.read(part, "holdings", len(cell), cell[:-1])
    refused.raise_any("holdings")
    found: list[Entry] = []
    start, totals = 0, None
    for end in [n for n, e in enumerate(cell) if isinstance(e, Void)] + [len(cell)]:
        voided = cell[end] if end < len(cell) else None
        rows = [e for e in cell[start:end] if isinstance(e, str)]
        if voided is None and rows and not on.strip():
            raise CellError(_("Give the date of the cap table."), "incorporated_on")
        table = _table(rows, voided.on.isoformat() if voided else on,
                       "" if voided else total) if rows else ([], None)
        lines = iter(table[0])
        found += [next(lines) if isinstance(e, str) else e for e in cell[start:end + 1]]
        totals = table[1]
        start = end + 1
    return found, totals


def _table(rows: list[str], on: str, total: str) -> tuple[list[Holding], Decimal]:
    if len(rows) > HOLDING_ROWS:
        raise CellError(_("At most %(n)d holders at incorporation.", n=HOLDING_ROWS),
                        "holdings")
    data = MultiDict({"on_date": iso_date(on), "total_shares": cells.number(total, "total_shares")})
    shares = Decimal("0")
    refused = list_cells.BadEntries()  # every holder refused said at once
    for i, part in enumerate(rows):
        with refused.entry(i + 1):
            data.update(_holder(i, part))
        try:
            shares += Decimal(data.get(f"holdings-{i}-shares", ""))
        except ArithmeticError:
            pass  # the form says what is wrong with it
    refused.raise_any("holdings")
    if not total.strip():
        data["total_shares"] = str(shares)
    form = IncorporationForm(formdata=data)
    if not form.validate():
        raise CellError(ledger_lines.form_errors(form), "holdings")
    return [(row.name.data.strip(), row.kind.data, row.shares.data, row.acquired_by.data,
             (row.technology.data or "").strip(), row.lock_up_until.data)
            for row in form.filled_rows()], form.total_shares.data


def _holder(i: int, part: str) -> dict[str, str]:
    """A holder's entry as the incorporation form's row `i`."""
    pieces = cells.pieces(part)
    if len(pieces) < 3 or len(pieces) > 6:
        raise CellError(_("Write each holder as name | type | shares | paid with | "
                          "technology | locked up until (the last three if any), e.g. "
                          "Team Li | team | 6000000 | ip | Sensor | 2027-12-31."), "holdings")
    name, kind, count, paid, technology, lock_up = pieces + [""] * (6 - len(pieces))
    return {f"holdings-{i}-name": name,
            f"holdings-{i}-kind": ledger_lines.choice(ledger_lines.HOLDER_TYPE, kind,
                                                      "holdings"),
            f"holdings-{i}-shares": cells.number(count, "holdings"),
            f"holdings-{i}-acquired_by": (ledger_lines.choice(
                ledger_lines.PAID_WITH, paid, "holdings") if paid else Acquisition.CASH.value),
            f"holdings-{i}-technology": technology,
            f"holdings-{i}-lock_up_until": iso_date(lock_up)}


def standing_table(cell: list[Entry]) -> list[Holding]:
    """The holdings of the table written after the cell's last void (none: every table was
    voided)."""
    last = max((n for n, e in enumerate(cell) if isinstance(e, Void)), default=-1)
    return [e for e in cell[last + 1:] if not isinstance(e, Reversal | Void)]


def issue_lines(table: list[Holding]) -> list[companies.IssueLine]:
    """A table's holdings as the incorporation's lines."""
    return [companies.IssueLine(name=n, kind=k, shares=s, acquired_by=a, technology=t,
                                lock_up_until=lock) for n, k, s, a, t, lock in table]


def table_total(table: list[Holding], total: Decimal | None) -> Decimal:
    """The shares the table issues: its `total_shares` (None: its holdings added up)."""
    return sum((h[2] for h in table), Decimal("0")) if total is None else total


def total_changed(company: Company, cell: list[Entry] | None, total: Decimal | None
                  ) -> str | None:
    """Why a row's `total_shares` of the table that stands, which its holdings leave as
    recorded, is refused: it is no longer read (a recorded table is not incorporated again),
    and an import does not change a recorded table (issue 13). None: nothing to say."""
    table = standing_table(recorded_holdings(company)[0])
    if cell is None or total is None or not table or standing_table(cell) != table or (
            total == table_total(table, None)):
        return None
    recorded = table_total(table, None)
    return ngettext("The cap table at incorporation is recorded with %(recorded)s share "
                    "issued, not %(given)s. An import does not change a recorded table: on the "
                    "company's page it is voided whole and entered again, which the holdings "
                    "cell then writes (void | its date | the reason, then the table again).",
                    "The cap table at incorporation is recorded with %(recorded)s shares "
                    "issued, not %(given)s. An import does not change a recorded table: on the "
                    "company's page it is voided whole and entered again, which the holdings "
                    "cell then writes (void | its date | the reason, then the table again).",
                    plural(recorded), recorded=number(recorded), given=number(total))


def holding_line(e: ShareEntry) -> Holding:
    return (e.to_holder.name, e.to_holder.kind, e.shares, e.acquired_by, e.technology,
            e.lock_up_until)


def holding_records(company: Company) -> list[ShareEntry | tuple[ShareEntry, ...]]:
    """Each table's lines, the reversals of those reversed one by one and, for a table voided,
    the entries of its void together: the cell's records, as `recorded_holdings` numbers
    them."""
    found: list = []
    for table in ledger_lines.tables(company):
        void = {e.id for e in table.void}
        found += [e for e in ledger_lines.with_their_reversals(company, table.lines)
                  if e.id not in void]
        if table.void:
            found.append(tuple(table.void))
    return found


def recorded_holdings(company: Company) -> tuple[list[Entry], date | None]:
    """The cap tables at incorporation as the cell writes them, and the date of the one that
    stands (None: none, or every one voided)."""
    records = holding_records(company)
    numbers = {r.id: n for n, r in enumerate(records, start=1) if isinstance(r, ShareEntry)}
    cell = [Void(r[0].on_date, r[0].reason) if isinstance(r, tuple)
            else Reversal(numbers[r.reverses_id], r.on_date, r.reason) if r.reverses_id
            else holding_line(r) for r in records]
    tables = ledger_lines.tables(company)
    return cell, (tables[-1].on if tables and not tables[-1].void else None)


def table_changed() -> str:
    return _("The company's cap table at incorporation is recorded: an import does not change "
             "it (a ledger is corrected on the company's page).")


def describe_holding(entry: Holding | Void) -> str:
    if isinstance(entry, Void):
        return _("The void of the cap table of %(date)s", date=day(entry.on))
    return ngettext("The holding of %(shares)s share by %(name)s at incorporation",
                    "The holding of %(shares)s shares by %(name)s at incorporation",
                    plural(entry[2]), shares=number(entry[2]), name=entry[0])


class _Replay:
    """The tables, reversals and voids a row adds to the cell, recorded in its order."""

    def __init__(self, actor, company: Company, cell: list[Entry],
                 found: reversal_lines.Compared, problems: Problems) -> None:
        self.actor, self.company, self.cell, self.found = actor, company, cell, found
        self.problems = problems
        self.records = holding_records(company)
        self.made: dict[int, ShareEntry] = {}
        self.pending: list[int] = []  # the positions of a table's new lines

    def target(self, at: int) -> ShareEntry | None:
        if at in self.found.found:
            return self.records[self.found.found[at]]
        return self.made.get(at)

    def incorporate(self, on: date | None, total: Decimal | None) -> None:
        if not self.pending or on is None:
            return
        if self.company.has_cap_table:  # lines added to a table recorded, which stands
            self.problems.add("holdings", table_changed())
            return
        lines = [self.cell[at] for at in self.pending]
        before = {e.id for e in self.company.entries}
        try:
            companies.incorporate(self.actor, self.company, issue_lines(lines), on,
                                  table_total(lines, total))
        except Invalid as error:  # the incorporation page's fields, as this row's columns
            self.problems.found += error.renamed(
                lambda field: {"on_date": "incorporated_on"}.get(field, field))
            return
        except Refused as error:
            self.problems.add("holdings", error.message)
            return
        new = sorted((e for e in self.company.entries if e.id not in before), key=lambda e: e.id)
        self.made.update(zip(self.pending, new, strict=True))
        self.pending = []

    def reverse(self, at: int, entry: Reversal) -> None:
        target = self.target(entry.of - 1)
        if target is not None:
            self.made[at] = ledger_lines.recorded(
                lambda: corrections.reverse_entry(self.actor, target, entry.on, entry.reason),
                "holdings", reversal_lines.described(self.cell, at, describe_holding),
                self.problems)

    def void(self, entry: Void) -> None:
        standing = [e for e in self.company.entries if e.standing]
        if standing and standing[0].on_date != entry.on:
            self.problems.add("holdings", _(
                "%(entry)s: the cap table it voids is of %(date)s.",
                entry=describe_holding(entry), date=day(standing[0].on_date)))
            return
        ledger_lines.recorded(lambda: corrections.void_founders(
            self.actor, self.company, entry.reason), "holdings", describe_holding(entry),
            self.problems)
        for line in self.company.entries:  # what stands now, as the next request reads it
            db.session.expire(line, ["reversed_by"])


def record(actor, company: Company, cell: list[Entry] | None, on: date | None,
           total: Decimal | None, problems: Problems) -> None:
    """What the row's cell adds to the company's tables, recorded in its order: each table
    voided, its reversals and its void, then the table that stands (whose reversals wait for
    `ledger_order`). A recorded holding the file changes or leaves out is refused: an import
    does not change a table; a recorded reversal or void it leaves out, named."""
    if cell is None:
        return
    recorded, dated = recorded_holdings(company)
    found = reversal_lines.compared(cell, recorded)
    last = max((n for n, e in enumerate(cell) if isinstance(e, Void)), default=-1)
    kept = [at for at in range(last + 1, len(cell)) if not isinstance(cell[at], Reversal)]
    if any(not isinstance(recorded[at], Reversal | Void) for at in found.missing) or (
            kept and all(at in found.found for at in kept) and on != dated):
        problems.add("holdings", table_changed())
        return
    ledger_lines.missing(found, recorded, "holdings", describe_holding, problems)
    if problems:
        return
    replay = _Replay(actor, company, cell, found, problems)
    for at, entry in found.new:
        if isinstance(entry, Void):
            replay.incorporate(entry.on, None)
            replay.void(entry)
        elif isinstance(entry, Reversal):
            if at < last:  # the standing table's wait for the rest of the ledger
                replay.incorporate(_dated(cell, at), None)
                replay.reverse(at, entry)
        else:
            replay.pending.append(at)
        if problems:
            return
    replay.incorporate(on, total)


def _dated(cell: list[Entry], at: int) -> date | None:
    """The date of the table the entry at `at` belongs to: its void's."""
    return next((e.on for e in cell[at:] if isinstance(e, Void)), None)

