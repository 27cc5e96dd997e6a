"""A reversal of shares an incentive pool was given, written in the grants file (issue 13, a
reversal naming an entry of another kind's file): a company tops up its pool, options are
granted against the top-up, the person leaves and forfeits them, then the top-up is reversed
on the company's page; or a round the pool invested in is reversed so. The companies file
comes in before the grants file, so written with the issues (or the rounds) it would be
recorded before the grant, which would then find the pool short. Such a reversal (recorded
after a grant from the pool, `ledger_lines.after_grant`) is left out of the companies file and
written in the last such grant's row, in its leaving cell after the leaving: `reversal | issue
2 | 2022-09-01 | never paid`, naming the entry by its cell (`issue`, `transfer`, `holding` for
the cap table at incorporation, `round`) and its number there in the companies file; it is
recorded there by the company page's `reverse_entry` (a round's by `reverse_round`).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from tracker.companies import corrections
from tracker.companies.models import Company, FinancingRound, ShareEntry
from tracker.companies.reversal_models import RoundReversal
from tracker.display.formatting import day
from tracker.errors import Forbidden, Problems
from tracker.imports import cap_tables, columns, companies, ledger_lines
from tracker.imports.reversal_lines import Elsewhere
from tracker.incentives.models import IncentiveGrant

# The companies file's cell, in either language, and the entry's number in it.
NAMED = re.compile(r"^(issue|发行|transfer|转让|holding|设立持股|round|融资轮次|轮次)\s*(\d+)$",
                   re.I)
CELLS = {"issue": "issues", "发行": "issues", "transfer": "transfers", "转让": "transfers",
         "holding": "holdings", "设立持股": "holdings", "round": "rounds", "融资轮次": "rounds",
         "轮次": "rounds"}
WORDS = {"issues": "issue", "transfers": "transfer", "holdings": "holding", "rounds": "round"}


def cell_records(company: Company) -> dict[str, list]:
    """The companies file's ledger cells that may give a pool shares, each's records as it
    numbers them (reversals counted, not those written in the grants file)."""
    return {"holdings": cap_tables.holding_records(company),
            "issues": ledger_lines.issue_records(company),
            "transfers": ledger_lines.transfer_records(company),
            "rounds": companies.round_records(company)}


def written_in(grant: IncentiveGrant) -> list[Elsewhere]:
    """The reversals the grant's row writes after its leaving, as recorded."""
    company = grant.company
    moved = sorted([r for r in [*(e for e in company.entries if e.reverses_id is not None),
                                *(f.reversal for f in company.rounds if f.reversal)]
                    if ledger_lines.after_grant(r) is grant], key=lambda r: r.recorded_at)
    if not moved:
        return []
    records = cell_records(company)
    found = []
    for reversal in moved:
        undone = reversal.round if isinstance(reversal, RoundReversal) else reversal.reverses
        key = next(k for k, cell in records.items() if undone in cell)
        number = records[key].index(undone) + 1
        found.append(Elsewhere(f"{WORDS[key]} {number}", reversal.on_date, reversal.reason))
    return found


def record(actor, company: Company, entry: Elsewhere,
           problems: Problems) -> ShareEntry | RoundReversal | None:
    """The reversal of the entry the companies file records at that number of that cell, by
    `reverse_entry` (a round's by `reverse_round`) as the company's page reverses it; refused,
    named, when the cell has no such entry standing (import companies first)."""
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
            entry=what, column=columns.COMPANIES.column(key).header, company=company.name,
            n=number))
        return None
    reverse = (corrections.reverse_round if isinstance(target, FinancingRound)
               else corrections.reverse_entry)
    return ledger_lines.recorded(lambda: reverse(actor, target, entry.on, entry.reason),
                                 "leaving", what, problems, refusals=(Forbidden,))
