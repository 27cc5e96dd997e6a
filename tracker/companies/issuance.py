"""Issuances on a company's ledger, audited, several written in one flush (`issue_entries`):
what `services.issue_entry` writes for one, for a cap table at incorporation and a round's
investors."""

from __future__ import annotations

from datetime import date

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.companies.holder_models import Shareholder
from tracker.companies.lines import IssueLine
from tracker.companies.models import Company, EntryKind, ShareEntry


def issue_entries(actor: User, company: Company, lines: list[tuple[Shareholder, IssueLine]],
                  on: date, *, round_id: int | None = None, ip_deal_id: int | None = None,
                  note: str = "") -> list[ShareEntry]:
    """Issuances on the ledger (each line's shares, paid with, technology, lock-up and paid, to
    its holder), each audited as `issue_entry` audits it, the entries written in one flush
    rather than one each (a cap table at incorporation, a round's investors: an imported
    company's ledger is mostly these, and each flush was a round trip and a seal of the audit
    chain): the same entries and records, in the same order (the callers have checked them)."""
    made = []
    for holder, line in lines:
        entry = ShareEntry(kind=EntryKind.ISSUE, on_date=on, shares=line.shares,
                           to_holder=holder, acquired_by=line.acquired_by,
                           technology=line.technology.strip(), paid=line.paid,
                           lock_up_until=line.lock_up_until, round_id=round_id,
                           ip_deal_id=ip_deal_id, note=note, recorded_by_id=actor.id)
        company.entries.append(entry)
        changes = audit.pending_changes(entry)
        changes["holder"] = [None, holder.name]  # the trail shows it as `shown_name`
        made.append((entry, changes))
    db.session.flush()
    for entry, changes in made:
        audit.record(actor, "shares.issue", entry, changes)
    return [entry for entry, _changes in made]
