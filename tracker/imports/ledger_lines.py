"""A company's share ledger after incorporation, as the companies import reads and writes it:
later issues of shares (capital increases, the incentive pool topped up: the issue form and
`issue_shares`) and transfers between holders (the transfer form and `transfer_shares`), as
their pages record them.

A ledger entry is never edited (the tracker corrects one by reversing it, on the company's
page), so an entry is found again by what it says: a re-import of the same entries changes
nothing, entries the file adds are recorded in date order with the company's new rounds, and a
recorded entry the file no longer gives (dropped or changed) is refused, naming it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.companies import holder_names
from tracker.companies import services as companies
from tracker.companies.forms import IssueForm, TransferForm
from tracker.companies.models import Acquisition, Company, EntryKind, HolderType, ShareEntry
from tracker.companies.reversal_models import RoundReversal
from tracker.display import said
from tracker.display.formatting import day, number, plural
from tracker.errors import DomainError, Invalid, Problems, Refused
from tracker.imports import cells, columns, form_problems, reversal_lines
from tracker.imports.cells import CellError, iso_date
from tracker.imports.reversal_lines import Reversal
from tracker.incentives.models import IncentiveGrant

# Entries separated by commas, a number's aside (5,000,000, or 30,00, which `cells.number`
# refuses): a comma between digits that run on to the entry's end or its next colon.
COMMAS = re.compile(r"(?<!\d)[,，]|[,，](?!\d[\d,，.]*\s*(?:[:：,，、]|$))")
HOLDER_TYPE = columns.Column("holdings", "", choices=HolderType)
PAID_WITH = columns.Column("holdings", "", choices=Acquisition)

# (holder, type, shares, issued on, paid with, technology, locked up until)
LaterIssue = tuple[str, HolderType, Decimal, date, Acquisition, str, date | None]
# (from, to, the receiver's type, shares, transferred on, locked up until)
Transfer = tuple[str, str, HolderType, Decimal, date, date | None]


def choice(column: columns.Column, text: str, key: str) -> str:
    """A choice written in an entry of the cell `key`: a short form is listed on the run under
    that cell's column (`shortened.note`), not under the column the choices were first named by."""
    try:
        return cells.choice(replace(column, key=key), text)
    except CellError as error:
        raise CellError(str(error), key) from None


def form_errors(form) -> str:
    """A line's form's problems, said as an import says them (`form_problems.errors`)."""
    return said.joined(" ", [m for messages in form_problems.errors(form).values()
                             for m in messages])


def entries(text: str) -> list[list[str]]:
    return [cells.pieces(part) for part in cells.parts(text)]


def cell(text: str, column: str, entry: Callable[[list[str]], Any],
         elsewhere: re.Pattern | None = None) -> list:
    """A ledger cell's entries in order, each read by `entry` from its pieces (split at |),
    a reversal as one (`reversal | N | date | reason`, `reversal_lines.read`)."""
    return reversal_lines.entries(text, column, lambda part: entry(cells.pieces(part)),
                                 elsewhere)


def issues(text: str) -> list[LaterIssue | Reversal]:
    """'Fund Y | investor | 500000 | 2023-06-01; Team Li | team | 100000 | 2024-01-10 | ip |
    Sensor | 2028-12-31' read by the issue form, as its page reads it."""
    return cell(text, "issues", _issue)


def _issue(pieces: list[str]) -> LaterIssue:
    if not 4 <= len(pieces) <= 7:
        raise CellError(_("Write each issue as holder | type | shares | date issued | paid "
                          "with | technology | locked up until (the last three if any), "
                          "e.g. Fund Y | investor | 500000 | 2023-06-01."), "issues")
    name, kind, count, on, paid, technology, lock_up = pieces + [""] * (7 - len(pieces))
    form = IssueForm(formdata=MultiDict({
        "name": name, "kind": choice(HOLDER_TYPE, kind, "issues"),
        "shares": cells.number(count, "issues"), "on_date": iso_date(on),
        "acquired_by": (choice(PAID_WITH, paid, "issues") if paid
                        else Acquisition.CASH.value),
        "technology": technology, "lock_up_until": iso_date(lock_up)}))
    if not form.validate():
        raise CellError(_("%(entry)s: %(problem)s", entry=name, problem=form_errors(form)),
                        "issues")
    return (form.name.data.strip(), form.kind.data, form.shares.data, form.on_date.data,
            form.acquired_by.data, (form.technology.data or "").strip(),
            form.lock_up_until.data)


def transfers(text: str) -> list[Transfer | Reversal]:
    """'Team Li | Fund Y | investor | 200000 | 2023-07-01' read by the transfer form, as its
    page reads it (the giving holder is found on the company's ledger when it is saved)."""
    return cell(text, "transfers", transfer_entry)


def transfer_entry(pieces: list[str]) -> Transfer:
    if len(pieces) not in (5, 6):
        raise CellError(_("Write each transfer as from | to | the receiver's type | shares | "
                          "date transferred | locked up until (if any), e.g. Team Li | "
                          "Fund Y | investor | 200000 | 2023-07-01."), "transfers")
    source, name, kind, count, on, lock_up = pieces + [""] * (6 - len(pieces))
    if not source:
        raise CellError(_("Name the holder who transfers the shares."), "transfers")
    form = TransferForm(formdata=MultiDict({
        "from_holder_id": "1", "name": name, "kind": choice(HOLDER_TYPE, kind, "transfers"),
        "shares": cells.number(count, "transfers"), "on_date": iso_date(on),
        "lock_up_until": iso_date(lock_up)}),
        holders=[SimpleNamespace(id=1, shown_name=source)])
    if not form.validate():
        raise CellError(_("%(entry)s: %(problem)s", entry=source, problem=form_errors(form)),
                        "transfers")
    return (source, form.name.data.strip(), form.kind.data, form.shares.data,
            form.on_date.data, form.lock_up_until.data)


def _typed_issues(company: Company) -> list[ShareEntry]:
    """The issues typed in (no round's, conversion's or incentive plan's), reversed ones too,
    in the ledger's order."""
    return [e for e in company.entries if e.kind is EntryKind.ISSUE and e.reverses_id is None
            and e.round_id is None and e.acquired_by in (Acquisition.CASH, Acquisition.IP)]


@dataclass
class Table:
    """A cap table at incorporation: its date, its lines (reversed ones too) and, when it was
    voided whole, the entries of its void."""

    on: date
    lines: list[ShareEntry] = field(default_factory=list)
    void: list[ShareEntry] = field(default_factory=list)


def tables(company: Company) -> list[Table]:
    """The cap tables at incorporation, in the order recorded: the issues typed in on the
    day of the first; then, once nothing of it stands, the next one entered, and so on. A
    table is voided (`corrections.void_founders`) when the entries that left nothing standing
    were recorded together, each reversing one of its lines on the table's date, with one
    reason, nothing else on the ledger dated after it (as the page voids one)."""
    typed = {e.id for e in _typed_issues(company)}
    entries = sorted(company.entries, key=lambda e: e.id)
    found: list[Table] = []
    standing: set[int] = set()
    for at, e in enumerate(entries):
        if e.reverses_id is not None:
            standing.discard(e.reverses_id)
            if not standing and found:
                found[-1].void = _void(found[-1], entries[:at + 1])
            continue
        if not standing and e.id in typed:  # a cap table entered: nothing stood before it
            found.append(Table(e.on_date))
        standing.add(e.id)
        if found and e.id in typed and e.on_date == found[-1].on and not found[-1].void:
            found[-1].lines.append(e)
    return found


def _void(table: Table, entries: list[ShareEntry]) -> list[ShareEntry]:
    """The entries at the end of `entries` that voided the table, if they did (else []): the
    last ones, reversing its lines on its date with the last one's reason."""
    lines, reason = {e.id for e in table.lines}, entries[-1].reason
    run = list(itertools.takewhile(lambda e: e.reverses_id in lines and e.reason == reason
                                   and e.on_date == table.on, reversed(entries)))
    before = entries[:len(entries) - len(run)]
    return run[::-1] if run and all(e.on_date <= table.on for e in before) else []


def with_their_reversals(company: Company, entries: list[ShareEntry]) -> list[ShareEntry]:
    """`entries` and the entries reversing them, in the ledger's order (by date): a cell's
    records, as `reversal_lines.recorded` numbers them; not a reversal that waited for a
    grant from the pool (`after_grant`)."""
    ids = {e.id for e in entries}
    return [e for e in company.entries if e.id in ids or (
        e.reverses_id in ids and after_grant(e) is None)]


def takes_from_pool(entry: ShareEntry) -> bool:
    """A transfer typed in out of an incentive pool that stands (one reversed counts in no cap
    table, so nothing waits for it): it takes shares the pool's grants may have needed."""
    return (entry.kind is EntryKind.TRANSFER and entry.acquired_by is Acquisition.CASH
            and entry.standing and entry.from_holder is not None
            and entry.from_holder.kind is HolderType.INCENTIVE_POOL)


def after_grant(record: ShareEntry | RoundReversal) -> IncentiveGrant | None:
    """For what takes shares away from an incentive pool, recorded after a grant from that
    pool: the last such grant (the last of them in the grants file, which lists grants as
    recorded). That is the reversal of shares the pool was given (issued at incorporation or
    later, or transferred to it), of a round the pool invested in, or a transfer out of the
    pool that stands (`takes_from_pool`). The grants file's entries may have needed those
    shares first (options granted against a top-up, forfeited, then the top-up reversed or
    the freed shares transferred out), and it is imported after the companies file, so the
    record is written in that grant's row of the grants file, after its leaving, and recorded
    there (`tracker/imports/pool_reversals.py`): each file's import keeps the ledger's date
    order. None for anything else, and for the entries of a round's reversal, which go with
    the round's (`RoundReversal`)."""
    if isinstance(record, RoundReversal):
        pools = {i.entry.to_holder_id for i in record.round.investments
                 if i.entry.to_holder.kind is HolderType.INCENTIVE_POOL}
    elif record.reverses_id is None:
        pools = {record.from_holder_id} if takes_from_pool(record) else set()
    else:
        undone = record.reverses
        pools = {undone.to_holder_id} if undone is not None and undone.round_id is None and (
            undone.to_holder.kind is HolderType.INCENTIVE_POOL) else set()
    if not pools:
        return None
    return db.session.scalar(select(IncentiveGrant).where(
        IncentiveGrant.pool_id.in_(pools),
        IncentiveGrant.recorded_at < record.recorded_at).order_by(IncentiveGrant.id.desc())
        .limit(1))


def issue_records(company: Company) -> list[ShareEntry]:
    """The issues typed in after the cap table at incorporation, and their reversals."""
    first = {e.id for table in tables(company) for e in table.lines}
    return with_their_reversals(company, [e for e in _typed_issues(company)
                                          if e.id not in first])


def transfer_records(company: Company) -> list[ShareEntry]:
    """The transfers typed in (not the incentive plans' grants), and their reversals; not a
    transfer out of a pool that waited for a grant from it (`after_grant`: the grants file
    writes it)."""
    return with_their_reversals(company, [
        e for e in company.entries if e.kind is EntryKind.TRANSFER and e.reverses_id is None
        and e.acquired_by is Acquisition.CASH and not (takes_from_pool(e) and after_grant(e))])


def issue_line(e: ShareEntry) -> LaterIssue:
    return (e.to_holder.name, e.to_holder.kind, e.shares, e.on_date, e.acquired_by,
            e.technology, e.lock_up_until)


def transfer_line(e: ShareEntry) -> Transfer:
    return (e.from_holder.name, e.to_holder.name, e.to_holder.kind, e.shares, e.on_date,
            e.lock_up_until)


def recorded_issues(company: Company) -> list[LaterIssue | Reversal]:
    """The issues typed in after the cap table at incorporation, as the column writes them
    (a reversal after what it reverses, by date)."""
    return reversal_lines.recorded(issue_records(company), issue_line)


def recorded_transfers(company: Company) -> list[Transfer | Reversal]:
    """The transfers typed in, as the column writes them."""
    return reversal_lines.recorded(transfer_records(company), transfer_line)


def added(wanted: list | None, recorded: list, column: str, describe: Callable,
          problems: Problems) -> list:
    """What the file adds to the recorded entries; each recorded entry it lacks is a problem
    (`wanted` None: the file has no such column, and adds nothing)."""
    if wanted is None:
        return []
    found = reversal_lines.compared(wanted, recorded)
    missing(found, recorded, column, describe, problems)
    return [entry for _at, entry in found.new]


def missing(found: reversal_lines.Compared, recorded: list, column: str, describe: Callable,
            problems: Problems) -> None:
    for at in found.missing:
        problems.add(column, _("%(entry)s is recorded and missing from the file: an import "
                               "does not remove or change a recorded entry (reverse it on the "
                               "company's page).",
                               entry=reversal_lines.described(recorded, at, describe)))


def describe_issue(entry: LaterIssue) -> str:
    name, _kind, shares, on, *_rest = entry
    return ngettext("The issue of %(shares)s share to %(name)s on %(date)s",
                    "The issue of %(shares)s shares to %(name)s on %(date)s", plural(shares),
                    shares=number(shares), name=name, date=day(on))


def describe_transfer(entry: Transfer) -> str:
    source, name, _kind, shares, on, _lock = entry
    return ngettext("The transfer of %(shares)s share from %(source)s to %(name)s on %(date)s",
                    "The transfer of %(shares)s shares from %(source)s to %(name)s on %(date)s",
                    plural(shares), shares=number(shares), source=source, name=name,
                    date=day(on))


def record_issue(actor, company: Company, entry: LaterIssue,
                 problems: Problems) -> ShareEntry | None:
    name, kind, shares, on, paid, technology, lock_up = entry
    line = companies.IssueLine(name=name, kind=kind, shares=shares, acquired_by=paid,
                               technology=technology, lock_up_until=lock_up)
    return recorded(lambda: companies.issue_shares(actor, company, line, on), "issues",
              describe_issue(entry), problems)


def record_transfer(actor, company: Company, entry: Transfer, problems: Problems,
                    column: str = "transfers") -> ShareEntry | None:
    source_name, name, kind, shares, on, lock_up = entry
    source = holder_names.find(company.holders, source_name)
    if source is None:
        problems.add(column, _("%(entry)s: %(name)s holds no shares of %(company)s.",
                                    entry=describe_transfer(entry), name=source_name,
                                    company=company.name))
        return None
    return recorded(lambda: companies.transfer_shares(
        actor, company, source, name, kind, shares, on, lock_up_until=lock_up),
        column, describe_transfer(entry), problems)


def recorded(call: Callable, column: str, entry: str, problems: Problems,
             refusals: tuple[type[DomainError], ...] = ()) -> Any:
    """Make the page's service call and return what it made (None: refused); its every
    problem goes to `column`, introduced by the entry it is about."""
    try:
        return call()
    except Invalid as error:
        problems.found += error.renamed(
            lambda _field: column, lambda message: _("%(entry)s: %(problem)s", entry=entry,
                                                     problem=message))
    except (Refused, *refusals) as error:
        problems.add(column, _("%(entry)s: %(problem)s", entry=entry, problem=error.message))
    return None
