"""What takes shares from an incentive pool after a grant from it, written in the grants file
(issue 13): a company tops up its pool, options are granted against the top-up, the person
leaves and forfeits them, then the top-up is reversed on the company's page (or a round the
pool invested in is), or the shares the leaving freed are transferred out of the pool. The
companies file comes in before the grants file, so written there it would be recorded before
the grant, which would then find the pool short. Such a record (recorded after a grant from
the pool, `ledger_lines.after_grant`) is left out of the companies file and written in the last
such grant's row, in its leaving cell after the leaving, in the order recorded: a reversal as
`reversal | issue 2 | 2022-09-01 | never paid`, naming the entry by its cell (`issue`,
`transfer`, `holding` for the cap table at incorporation, `round`) and its number there in the
companies file, recorded by the company page's `reverse_entry` (a round's by
`reverse_round`); a transfer as the companies file writes one, after `transfer |`
(`transfer | Incentive pool | Fund Z | investor | 100000 | 2022-09-01`), recorded by
`transfer_shares` as the transfer page records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.companies import corrections, holder_names
from tracker.companies.models import Company, FinancingRound, ShareEntry
from tracker.companies.reversal_models import RoundReversal
from tracker.display import said
from tracker.display.formatting import day
from tracker.errors import Forbidden, Problems, Refused
from tracker.imports import cap_tables, cells, columns, companies, headings, ledger_lines
from tracker.imports.cells import CellError
from tracker.imports.reversal_lines import Elsewhere
from tracker.incentives.models import IncentiveGrant

# The companies file's cell, in either language, and the entry's number in it.
NAMED = re.compile(r"^(issue|发行|transfer|转让|holding|设立持股|round|融资轮次|轮次)\s*(\d+)$",
                   re.I)
CELLS = {"issue": "issues", "发行": "issues", "transfer": "transfers", "转让": "transfers",
         "holding": "holdings", "设立持股": "holdings", "round": "rounds", "融资轮次": "rounds",
         "轮次": "rounds"}
WORDS = {"issues": "issue", "transfers": "transfer", "holdings": "holding", "rounds": "round"}
# The command line's import of both files in one run (`tracker/imports/cli.py`).
TOGETHER = "flask import companies FILE --grants GRANTS_FILE"
TRANSFER = re.compile(r"^\s*(?:transfer|转让)\s*[|｜]", re.I)


@dataclass(frozen=True)
class Passed:
    """A transfer out of the pool written in the leaving cell (`ledger_lines.Transfer`, its
    holders by the names the ledger records them by)."""

    line: ledger_lines.Transfer


def passed(text: str) -> Passed | None:
    """'transfer | Incentive pool | Fund Z | investor | 100000 | 2022-09-01' read by the
    transfer form, as the companies file's transfers are (None: not a transfer)."""
    if not TRANSFER.match(text):
        return None
    try:
        return Passed(ledger_lines.transfer_entry(
            cells.pieces(text)[1:]))
    except CellError as error:
        raise CellError(str(error), "leaving") from None


def as_recorded(company: Company, cell: list | None) -> list | None:
    """The leaving cell with each transfer's holders named as the ledger records them (a file
    may name them in the other language, as `companies.as_recorded` reads them)."""
    def named(text: str) -> str:
        return holder_names.recorded_as(company.holders, text)

    return cell and [Passed((named(e.line[0]), named(e.line[1]), *e.line[2:]))
                     if isinstance(e, Passed) else e for e in cell]


def cell_records(company: Company) -> dict[str, list]:
    """The companies file's ledger cells that may give a pool shares, each's records as it
    numbers them (reversals counted, not those written in the grants file)."""
    return {"holdings": cap_tables.holding_records(company),
            "issues": ledger_lines.issue_records(company),
            "transfers": ledger_lines.transfer_records(company),
            "rounds": companies.round_records(company)}


def written_in(grant: IncentiveGrant) -> list[Elsewhere | Passed]:
    """What the grant's row writes after its leaving (reversals, transfers out of the pool),
    as recorded."""
    company = grant.company
    moved = sorted([r for r in [*(e for e in company.entries if e.reverses_id is not None
                                  or ledger_lines.takes_from_pool(e)),
                                *(f.reversal for f in company.rounds if f.reversal)]
                    if ledger_lines.after_grant(r) is grant], key=lambda r: r.recorded_at)
    if not moved:
        return []
    records = cell_records(company)
    found: list[Elsewhere | Passed] = []
    for reversal in moved:
        if isinstance(reversal, ShareEntry) and reversal.reverses_id is None:
            found.append(Passed(ledger_lines.transfer_line(reversal)))
            continue
        undone = reversal.round if isinstance(reversal, RoundReversal) else reversal.reverses
        key = next(k for k, cell in records.items() if undone in cell)
        number = records[key].index(undone) + 1
        found.append(Elsewhere(f"{WORDS[key]} {number}", reversal.on_date, reversal.reason))
    return found


def record(actor, company: Company, entry: Elsewhere | Passed,
           problems: Problems) -> ShareEntry | RoundReversal | None:
    """The reversal of the entry the companies file records at that number of that cell, by
    `reverse_entry` (a round's by `reverse_round`) as the company's page reverses it; refused,
    named, when the cell has no such entry standing (import companies first)."""
    if isinstance(entry, Passed):
        return ledger_lines.record_transfer(actor, company, entry.line, problems, "leaving")
    word, number = NAMED.match(entry.of).groups()
    key = CELLS[word.lower()]
    what = _("The reversal on %(date)s of %(entry)s", date=day(entry.on), entry=entry.of)
    records = cell_records(company)[key]
    at = int(number) - 1
    target = records[at] if 0 <= at < len(records) else None
    if not (isinstance(target, ShareEntry) and target.standing
            or isinstance(target, FinancingRound) and target.reversal is None):
        problems.add("leaving", _(
            "%(entry)s: the companies file's %(column)s of %(company)s have no entry %(n)s "
            "standing (its number in that cell, reversals counted): import companies first.",
            entry=what, column=headings.named(columns.COMPANIES, key), company=company.name,
            n=number))
        return None
    return ledger_lines.recorded(lambda: _reversed(actor, target, entry), "leaving", what,
                                 problems, refusals=(Forbidden,))


def _reversed(actor, target: ShareEntry | FinancingRound,
              entry: Elsewhere) -> ShareEntry | RoundReversal:
    """`target` reversed as its page reverses it. Refused for a round recorded after the
    reversal's date on the shares it takes away, the round came in with the companies file,
    imported before this one: imported together, each is recorded on its date
    (`tracker/imports/replay.py`), and the refusal says so."""
    financing = target if isinstance(target, FinancingRound) else None
    try:
        if financing is not None:
            return corrections.reverse_round(actor, financing, entry.on, entry.reason)
        return corrections.reverse_entry(actor, target, entry.on, entry.reason)
    except Refused as refused:
        entries = [i.entry for i in financing.investments] if financing else [target]
        later = corrections.later_round(target.company, entries, financing)
        if (later is None or later.on_date <= entry.on or str(refused.message) != str(
                corrections.round_priced_on(target.company, entries, financing))):
            raise  # refused for another reason, or by a round it came after all along
        raise Refused(said.joined(" ", [refused.message, _(
            "Imported together, the round would come after this reversal: import the companies "
            "file and its incentive grants file in one run (%(command)s, or the upload page's "
            "“Their incentive grants file” field).", command=TOGETHER)])) from None
