"""Issuances on a company's ledger, audited, several written in one flush (`issue_entries`):
what `services.issue_entry` writes for one, for a cap table at incorporation and a round's
investors. The parts are apart (`new_entries`, `issued_changes`, `founders_lines`,
`incorporated`) for the companies import's bulk path, which writes them with others'."""

from __future__ import annotations

from datetime import date

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies.holder_models import Shareholder
from tracker.companies.holder_names import holder_for
from tracker.companies.lines import IssueLine
from tracker.companies.models import Company, EntryKind, ShareEntry


def new_entries(actor: User, company: Company, lines: list[tuple[Shareholder, IssueLine]],
                on: date, *, round_id: int | None = None, ip_deal_id: int | None = None,
                note: str = "") -> list[ShareEntry]:
    """The issuances of `lines` (each line's shares, paid with, technology, lock-up and paid, to
    its holder), on the company's ledger, not yet written."""
    made = []
    for holder, line in lines:
        entry = ShareEntry(kind=EntryKind.ISSUE, on_date=on, shares=line.shares,
                           to_holder=holder, acquired_by=line.acquired_by,
                           technology=line.technology.strip(), paid=line.paid,
                           lock_up_until=line.lock_up_until, round_id=round_id,
                           ip_deal_id=ip_deal_id, note=note, recorded_by_id=actor.id)
        company.entries.append(entry)
        made.append(entry)
    return made


def issued_changes(entry: ShareEntry) -> dict:
    """What the audit record of a new issuance says, before it is written: its values and its
    holder's name (the trail shows it as `shown_name`)."""
    return {**audit.pending_changes(entry), "holder": [None, entry.to_holder.name]}


def issue_entries(actor: User, company: Company, lines: list[tuple[Shareholder, IssueLine]],
                  on: date, *, round_id: int | None = None, ip_deal_id: int | None = None,
                  note: str = "") -> list[ShareEntry]:
    """`new_entries`, each audited as `issue_entry` audits it, the entries written in one flush
    rather than one each (a cap table at incorporation, a round's investors: an imported
    company's ledger is mostly these, and each flush was a round trip and a seal of the audit
    chain): the same entries and records, in the same order (the callers have checked them)."""
    made = [(entry, issued_changes(entry)) for entry in new_entries(
        actor, company, lines, on, round_id=round_id, ip_deal_id=ip_deal_id, note=note)]
    db.session.flush()
    for entry, changes in made:
        audit.record(actor, "shares.issue", entry, changes)
    return [entry for entry, _changes in made]


def founders_lines(company: Company, lines: list[IssueLine]) -> list[tuple[Shareholder,
                                                                          IssueLine]]:
    """The cap table at incorporation's lines, each with the company's holder it names
    (created if new: `holder_for`)."""
    return [(holder_for(company, line.name, line.kind), line) for line in lines]


def incorporated(lines: list[IssueLine], on: date) -> dict:
    """What the audit record of a cap table at incorporation says (its entries' own say the
    rest)."""
    return {"cap_table": [None, [[line.name, str(line.shares)] for line in lines]],
            "on": [None, on.isoformat()]}
