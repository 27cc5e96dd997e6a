"""The bulk path of the contracts import: each new contract checked as `record_contract`
checks it (`check_contract`: who records, the project open or the contract its history, the
terms, the schedule) and each of its payments as `record_payment` checks it (`check_payment`,
against what the row's earlier payments left outstanding), then a batch written a table at a
time (`tracker.imports.bulk`): the contracts, their instalments and payments, the audit records
the services write (one seal an action a batch) and the needs the contracts make contracted. A
row whose payments hold a reversal takes the row-by-row path (`reverse_payment`), as does
every recorded contract.
`tests/imports/test_contracts_bulk.py` imports the same rows by both paths and compares them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker import db
from tracker.audit import services as audit
from tracker.contracts import services as contracts
from tracker.contracts.forms import ContractForm
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.errors import Problems
from tracker.imports.bulk import ProjectsBatch, insert_returning_ids, insert_rows
from tracker.imports.contracts import Contracts, numbered, payable
from tracker.imports.reversal_lines import Reversal
from tracker.needs import contracted
from tracker.organisations.models import Enterprise, TechnologyNeed
from tracker.projects.models import Project

# A new contract's columns, as `record_contract` fills them (and its audit record says them).
TERMS = ("project_id", "enterprise_id", "number", "title", "type", "amount", "signed_on")


class ContractBatch(ProjectsBatch):
    def __init__(self, actor, adapter):
        super().__init__(actor, adapter)
        self._numbers: dict[tuple[int, str], int] = {}
        # Held here: the session's identity map keeps no object nobody else holds, and each
        # row's check would read its enterprise again.
        self._enterprises: list[Enterprise] = []

    # --- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        # Every project (with its phase changes), every numbered contract's key
        # and every enterprise, one statement each, instead of a project, a number and an
        # enterprise read for each row.
        self._projects = {p.id: p for p in db.session.scalars(select(Project))}
        self._phase_changes()
        for row in db.session.execute(
                select(ResearchContract.id, Project.institute_id, ResearchContract.number)
                .join(Project, Project.id == ResearchContract.project_id)
                .where(ResearchContract.number.is_not(None)).order_by(ResearchContract.id)):
            self._numbers.setdefault((row.institute_id, row.number), row.id)
        self._enterprises = list(db.session.scalars(select(Enterprise)))

    def find(self, probe):
        """`Contracts.find` from what `_load` read: the contract of the row's number in its
        project's institute."""
        project = self.project(probe.get("project_id") or 0)
        number = (probe.get("number") or "").strip()
        if project is None or not number:
            return None
        found = self._numbers.get((project.institute_id, number))
        return None if found is None else db.session.get(ResearchContract, found)

    def _taken(self, institute_id: int, number: str) -> int | None:
        """`find_by_number` for `check_terms`, from what `_load` read (the numbers this run
        holds are refused before, as given twice: `key`)."""
        return self._numbers.get((institute_id, number))

    def form(self, formdata, obj, refs):
        """The contract form, made once; its counterparty's choice is what the row names, as
        `Contracts.choices` gives it (the name does not matter to validation)."""
        if obj is not None:
            return self.adapter.form(formdata, obj, refs)
        form = self.refilled(formdata, ContractForm)
        form.enterprise_id.choices = [(refs[k], "") for k in ("enterprise_id",) if k in refs]
        return form

    # --- checking --------------------------------------------------------------------------

    def key(self, values):
        if not values["number"]:
            return object()  # refused by `check` for want of its number, not as given twice
        return self.project(values["project_id"]).institute_id, values["number"]

    def check(self, values):
        paid = values["payments"] or []
        if any(isinstance(entry, Reversal) for entry in paid):
            return False  # the row-by-row path records the reversal by `reverse_payment`
        project = self.project(values["project_id"])
        problems = Problems()  # as `Contracts.save` finds them: the number first, alone
        numbered(values, problems)
        problems.raise_any()
        contracts.check_contract(
            self.actor, project, problems, enterprise_id=values["enterprise_id"],
            amount=values["amount"], signed_on=values["signed_on"], number=values["number"],
            instalments=values["instalments"], taken=self._taken, history=True)
        problems.raise_any()
        # Each payment as `record_payment` checks it, against what the payments before it
        # left outstanding of its instalment (a refused one pays nothing).
        outstanding = [amount for _due, amount in values["instalments"]]
        for entry in paid:
            number, received_on, amount = entry
            if not payable(entry, len(outstanding), problems):
                continue
            found = Problems()
            contracts.check_payment(found, outstanding[number - 1], values["signed_on"],
                                    received_on, amount)
            if found:  # the payment page's fields are this one column's
                problems.found += [("payments", message) for _field, message in found.found]
            else:
                outstanding[number - 1] -= amount
        problems.raise_any()
        return True

    # --- writing ---------------------------------------------------------------------------

    def insert(self, rows):
        terms = [{**{k: v[k] for k in TERMS}, "title": v["title"].strip()} for v in rows]
        ids = insert_returning_ids(ResearchContract, terms)
        instalment_ids = iter(insert_returning_ids(Instalment, [
            {"contract_id": contract_id, "due_date": due, "amount": amount}
            for contract_id, v in zip(ids, rows, strict=True)
            for due, amount in v["instalments"]]))
        payments, paid = [], []
        for contract_id, v in zip(ids, rows, strict=True):
            schedule = v["instalments"]
            mine = [next(instalment_ids) for _instalment in schedule]
            for number, received_on, amount in v["payments"] or []:
                payments.append({"instalment_id": mine[number - 1], "received_on": received_on,
                                 "amount": amount, "recorded_by_id": self.actor.id,
                                 "reverses_id": None, "reason": ""})
                # The instalment as `Instalment.named` says it: its place in the schedule,
                # the earliest due first (the schedule is in due-date order, ids with it).
                paid.append((contract_id, contracts.recorded_payment(
                    received_on, amount, [number, schedule[number - 1][0].isoformat()])))
        insert_rows(Payment, payments)
        # As `record_contract` writes it: what `audit.pending_changes` says of the new
        # contract, and its schedule; then the need it makes contracted; then the payments.
        audit.record_many(self.actor, "contract.record", "research_contracts", [
            (contract_id, {**{k: [None, audit.jsonable(x)] for k, x in row.items()
                              if x is not None},
                           "instalments": contracts.recorded_schedule(v["instalments"])})
            for contract_id, row, v in zip(ids, terms, rows, strict=True)])
        self._needs_contracted(rows)
        audit.record_many(self.actor, "contract.payment", "research_contracts", paid)

    def _needs_contracted(self, rows: list[dict[str, Any]]) -> None:
        """The needs of the contracts' projects dated by their contracts (`contracted.follow`,
        as `record_contract` does), the needs read in one statement."""
        projects = {v["project_id"]: self.project(v["project_id"]) for v in rows}
        wanted = {p.need_id for p in projects.values() if p.need_id is not None}
        if not wanted:
            return
        contracted.follow(self.actor, db.session.scalars(select(TechnologyNeed).where(
            TechnologyNeed.id.in_(wanted))))


class BulkContracts(Contracts):
    """The contracts import with its bulk path (the adapter the import uses)."""

    def batch(self, actor):
        return ContractBatch(actor, self)
