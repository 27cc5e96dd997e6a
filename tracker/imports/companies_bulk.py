"""The bulk path of the companies import (issue 13: `flask demo seed --scale large` goes through
it, as an HQ's file does): a new registered company whose row gives its cap table at
incorporation and its financing rounds, and nothing else of a ledger, checked as the services
check it (the company as `record_company` does, `check_company`; the table as `incorporate`,
`check_incorporation`; each round in the ledger's order as `record_round`, `check_round`,
priced on what the table and the rounds before it issued) on the company built in memory as
they build it (`new_company`, `holder_for`, `new_entries`, `new_round`); then a batch written a
table at a time (`tracker.imports.bulk`): the companies, their projects, holders, rounds,
entries and investments, and the audit records the services write, in the order each
company's are written by them (one seal an action a batch).

The row-by-row path takes the others: a company without a credit code (an import finds it by
its name), one the grants file names (its ledger is replayed among the grants,
`tracker/imports/replay.py`), one whose row adds anything else to a ledger (a reversal, a
void, an issue, a transfer, a conversion, an exit, the order of a day), one naming a project a
company the batch holds comes from, and a row with a problem in its cap table or rounds, which
that path says as it says it (each round's beside its name, in the ledger's order, the
rounds after it still checked). A problem of the company itself is refused here, as
`record_company` refuses it. `tests/imports/test_companies_bulk.py` imports the same rows by
both paths and compares every row they write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from operator import contains
from typing import Any

from tracker import bulk_rows
from tracker.audit import services as audit
from tracker.companies import ledger_checks
from tracker.companies import services as companies
from tracker.companies.holder_models import REFERENCES, Shareholder
from tracker.companies.issuance import founders_lines, incorporated, issued_changes, new_entries
from tracker.companies.models import (
    Company,
    FinancingRound,
    RoundInvestment,
    ShareEntry,
    company_projects,
)
from tracker.companies.pricing import bought_lines, check_round, new_round
from tracker.errors import Invalid, Refused
from tracker.imports import cap_tables, ledger_order
from tracker.imports.bulk import Batch, insert_returning_ids, insert_rows
from tracker.imports.companies import COMPANY_FIELDS, Companies, round_terms
from tracker.imports.grants_bulk import (
    HeldGrant,
    LeftToRows,
    Read,
    distinct_people,
    grant_keys,
    grant_row,
    held_grant,
)
from tracker.imports.reversal_lines import Reversal, Void
from tracker.incentives.models import IncentiveGrant
from tracker.organisations import uscc

# The ledger columns only the row-by-row path records (and the order of a day).
ELSEWHERE = ("issues", "transfers", "conversions", "reversed_exits", "exit", "recorded_order")
# The ids of the holders made in memory, from the highest a form's choice takes down
# (`tracker.web.fields.row_id`): read only by the checks of their own company, never written.
PROVISIONAL = 2**31 - 1
# A new round's and a new entry's columns, as the services fill them.
ROUND = ("name", "on_date", "pre_money", "amount", "shares_before", "price_per_share",
         "recorded_by_id")
ENTRY = ("kind", "on_date", "shares", "acquired_by", "technology", "lock_up_until", "paid",
         "ip_deal_id", "note", "recorded_by_id")


@dataclass
class _Round:
    record: FinancingRound
    changes: dict  # its audit record's, as `record_round` writes it
    entries: list[ShareEntry]  # the investors' shares, their investments on `record`


@dataclass
class _New:
    """A company held, as the services would have recorded it, not yet written."""

    company: Company
    changes: dict  # `company.create`'s
    table: list[ShareEntry] = field(default_factory=list)  # the cap table at incorporation
    incorporated: dict | None = None  # `company.incorporate`'s
    rounds: list[_Round] = field(default_factory=list)
    grants: list[HeldGrant] = field(default_factory=list)
    ledger: list[_Round | HeldGrant] = field(default_factory=list)  # both, as recorded


class CompanyBatch(Batch):
    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._made: list[_New] = []  # beside `held`, in its order
        self._projects: set[int] = set()  # those of the companies held
        self._grants: dict[str, list[tuple[int, dict]]] = {}  # by the credit code named
        self._names: set[str] = set()  # the companies the grants file names by name
        self._read: Read | None = None
        self._taken: list[int] = []  # the grants rows of the company last checked
        self.grants_taken: dict[int, list[int]] = {}  # by companies row: its grants rows

    def with_grants(self, rows: Iterable[tuple[int, dict]], read: Read) -> None:
        """The grants file imported with the companies file: each company it names by its
        credit code (its `company` cell, as `incentive_grants.company_named` reads it) takes
        its grants with it, read by `read` (`grants_bulk`); a company it may name by its name
        takes the row-by-row path."""
        self._read = read
        for number, row in rows:
            text = row.get("company") or ""
            self._grants.setdefault(uscc.normalise(text), []).append((number, row))
            self._names.add(text.strip())

    def take(self, values, number):
        if not super().take(values, number):
            return False
        if self._taken:
            self.grants_taken[number] = self._taken
        return True

    def find(self, probe):
        """`Companies.find`, but not a company this batch wrote (a row the row-by-row path
        saved wrote what it held): `take` says the row gives it twice, as that path says it
        of a company it saved."""
        if uscc.normalise(probe.get("uscc") or "") in self._keys:
            return None
        return self.adapter.find(probe)

    def key(self, values):
        return values["uscc"] or object()  # none: the row-by-row path (`check`)

    def check(self, values):
        if not self._bulk(values) or self._projects.intersection(values["project_ids"]):
            return False  # a project held: that path says whose it is, the batch written
        companies.require_manager(self.actor)
        terms = {**{f: values[f] for f in COMPANY_FIELDS}, "project_ids": values["project_ids"]}
        projects = companies.check_company(None, terms)  # raises as `record_company` does
        new = _New(*companies.new_company(terms, projects))
        grants = self._grants.get(values["uscc"], [])
        try:
            if not distinct_people(grants):
                raise LeftToRows()
            self._ledger(new, values, grants)
        except (Invalid, Refused, LeftToRows):
            return False  # that path says each problem where it says it
        self._taken = [g.number for g in new.grants]
        self._projects.update(values["project_ids"])
        self._made.append(new)
        return True

    def writes_first(self, values, obj):
        """Only before a row naming a project of a company held, whose check reads the
        companies of its projects from the database: a company held is nothing else a row's
        save reads (its credit code given again is refused by `key`, or found by no row:
        `find`), and the rows the row-by-row path saves come between the others (the
        grants file's companies: a third of the seed's, each of whose rows wrote a batch of
        about three companies)."""
        return bool(self._projects.intersection(values.get("project_ids") or ()))

    def _bulk(self, values: dict[str, Any]) -> bool:
        """Whether the row is one this path records (the module's docstring)."""
        table, rounds = values["holdings"] or [], values["rounds"] or []
        return bool(values["uscc"]) and not (
            {values["name"], values["name"].strip()} & self._names) and not any(
            values[key] for key in ELSEWHERE) and not any(
            isinstance(e, Reversal | Void) for e in [*table, *rounds]) and bool(
            table or not rounds)

    def _ledger(self, new: _New, values: dict[str, Any], grants: list[tuple[int, dict]]
                ) -> None:
        """The row's cap table, its rounds and its grants (`grants`: the grants file's rows
        naming it) on `new.company`, each checked as its service checks it (raising what it
        raises), in the order the replay records them (`ledger_order`, `replay.py`)."""
        company, table = new.company, values["holdings"] or []
        if table:
            on = values["incorporated_on"]
            lines = cap_tables.issue_lines(table)
            ledger_checks.check_incorporation(
                company, lines, on, cap_tables.table_total(table, values["_total_shares"]))
            new.table = new_entries(self.actor, company, founders_lines(company, lines), on)
            new.incorporated = incorporated(lines, on)
        rank = ledger_order.RANKS["rounds"][0]
        placed = [((entry[1], rank, 0, at), partial(self._round, new, entry))
                  for at, entry in enumerate(values["rounds"] or [])]
        placed += [(key, partial(self._grant, new, number, row))
                   for key, number, row in grant_keys(grants)]
        for _key, act in sorted(placed, key=lambda p: p[0]):
            _provisional(company, PROVISIONAL)
            new.ledger.append(act())
        _provisional(company, None)  # what the audit records say is written before the ids

    def _round(self, new: _New, entry) -> _Round:
        """A round of the row, checked as `record_round` checks it."""
        company, terms = new.company, round_terms(entry)
        terms["name"] = terms["name"].strip()
        priced = check_round(company, **terms, named=partial(
            contains, {r.name for r in company.rounds}, terms["name"]))
        record = new_round(self.actor, company, terms["name"], terms["on"],
                           terms["pre_money"], terms["amount"], priced)
        changes = audit.pending_changes(record)
        entries = new_entries(self.actor, company, bought_lines(company, priced),
                              terms["on"], note=record.name)
        record.investments = [RoundInvestment(amount=line.amount, lead=line.lead, entry=e)
                              for (line, _shares), e in zip(priced.bought, entries,
                                                            strict=True)]
        new.rounds.append(_Round(record, changes, entries))
        return new.rounds[-1]

    def _grant(self, new: _New, number: int, row: dict) -> HeldGrant:
        """A grants row's grant (`grants_bulk.held_grant`)."""
        new.grants.append(held_grant(self.actor, new.company, number, row, self._read))
        return new.grants[-1]

    # --- writing ---------------------------------------------------------------------------

    def insert(self, rows):
        made, self._made = self._made, []
        ids = insert_returning_ids(Company, [{f: getattr(n.company, f) for f in COMPANY_FIELDS}
                                             for n in made])
        bulk_rows.insert_rows(company_projects, [
            {"company_id": company_id, "project_id": p.id}
            for company_id, n in zip(ids, made, strict=True) for p in n.company.projects])
        holders = self._holders(ids, made)
        rounds = dict(zip([id(r.record) for n in made for r in n.rounds], insert_returning_ids(
            FinancingRound, [{"company_id": company_id, **{k: getattr(r.record, k)
                                                            for k in ROUND}}
                             for company_id, n in zip(ids, made, strict=True)
                             for r in n.rounds]), strict=True))
        for n in made:  # as `record_round` issues them: with their round's id
            for r in n.rounds:
                for entry in r.entries:
                    entry.round_id = rounds[id(r.record)]
        entries = [(company_id, e) for company_id, n in zip(ids, made, strict=True)
                   for e in [*n.table, *(e for event in n.ledger for e in _entries(event))]]
        entry_ids = dict(zip([id(e) for _company_id, e in entries], insert_returning_ids(
            ShareEntry, [{"company_id": company_id, "to_holder_id": holders[id(e.to_holder)],
                          "from_holder_id": holders[id(e.from_holder)] if e.from_holder
                          else None, "round_id": e.round_id,
                          **{k: _as_flushed(e, k) for k in ENTRY}}
                         for company_id, e in entries]), strict=True))
        insert_rows(RoundInvestment, [
            {"round_id": rounds[id(r.record)], "amount": i.amount, "lead": bool(i.lead),
             "entry_id": entry_ids[id(i.entry)]}
            for n in made for r in n.rounds for i in r.record.investments])
        grant_ids = dict(zip([id(g) for n in made for g in n.grants], insert_returning_ids(
            IncentiveGrant, [grant_row(company_id, g, holders, entry_ids)
                             for company_id, n in zip(ids, made, strict=True)
                             for g in n.grants]), strict=True))
        self._audit(ids, made, {**rounds, **grant_ids}, entry_ids)

    @staticmethod
    def _holders(ids: list[int], made: list[_New]) -> dict[int, int]:
        """Each company's holders written, in the order the services made them: their ids by
        the holder's own (`id()`)."""
        holders = [(company_id, h) for company_id, n in zip(ids, made, strict=True)
                   for h in n.company.holders]
        return dict(zip([id(h) for _company_id, h in holders], insert_returning_ids(
            Shareholder, [{"company_id": company_id, "name": h.name, "kind": h.kind,
                           **_references(h)} for company_id, h in holders]), strict=True))

    def _audit(self, ids: list[int], made: list[_New], written: dict[int, int],
               entry_ids: dict[int, int]) -> None:
        """The audit records the services write, in the order each company's are written:
        its creation, its cap table's entries, the incorporation, then each round and its
        investors' shares and each grant and its transfer, in the order recorded (`written`:
        the rounds' and grants' ids, by the object's own `id()`)."""
        def issued(entries):
            audit.record_many(self.actor, "shares.issue", "share_entries",
                              [(entry_ids[id(e)], issued_changes(e)) for e in entries])

        audit.record_many(self.actor, "company.create", "companies",
                          [(company_id, n.changes) for company_id, n in zip(ids, made,
                                                                             strict=True)])
        issued([e for n in made for e in n.table])
        audit.record_many(self.actor, "company.incorporate", "companies", [
            (company_id, n.incorporated) for company_id, n in zip(ids, made, strict=True)
            if n.incorporated is not None])
        for turn in range(max((len(n.ledger) for n in made), default=0)):
            nth = [n.ledger[turn] for n in made if len(n.ledger) > turn]
            rounds = [r for r in nth if isinstance(r, _Round)]
            audit.record_many(self.actor, "round.create", "financing_rounds",
                              [(written[id(r.record)], r.changes) for r in rounds])
            issued([e for r in rounds for e in r.entries])
            grants = [g for g in nth if isinstance(g, HeldGrant)]
            audit.record_many(self.actor, "shares.transfer", "share_entries",
                              [(entry_ids[id(g.moved[0])], g.moved[1]) for g in grants])
            audit.record_many(self.actor, "incentive.grant", "incentive_grants",
                              [(written[id(g)], g.changes) for g in grants])


def _entries(event: _Round | HeldGrant) -> list[ShareEntry]:
    """The entries a round or a grant puts on the ledger."""
    if isinstance(event, _Round):
        return event.entries
    return [event.moved[0]] if event.moved else []


def _as_flushed(record: Any, key: str) -> Any:
    """A column's value as the ORM writes it: its default when it was left unset."""
    value = getattr(record, key)
    default = record.__table__.c[key].default
    return default.arg if value is None and default is not None and default.is_scalar else value


def _provisional(company: Company, top: int | None) -> None:
    """Ids for the holders made in memory, from `top` down, and their entries' references to
    them, for the checks that read the ledger by holder (`ledger.lowest_balance_from`) and
    the form that chooses a pool by id; None: none again (`insert` writes each holder and
    entry by its own, and an issuance's audit record says no holder's id)."""
    taken = [h.id for h in company.holders if h.id is not None]
    for holder in company.holders:
        holder.id = None if top is None else holder.id or min(taken, default=top + 1) - 1
        taken.append(holder.id)
    for entry in company.entries:
        entry.to_holder_id = entry.to_holder.id
        entry.from_holder_id = entry.from_holder.id if entry.from_holder else None


def _references(holder: Shareholder) -> dict[str, int | None]:
    """The holder's reference to the record it is (`holder_for` set its relationship)."""
    return {column: getattr(getattr(holder, column.removesuffix("_id")), "id", None)
            for column in REFERENCES}


class BulkCompanies(Companies):
    """The companies import with its bulk path (the adapter the import uses)."""

    def batch(self, actor):
        return CompanyBatch(actor, self)
