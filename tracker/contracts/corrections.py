"""Correcting a research contract recorded wrong: its terms (number, title, counterparty,
type, value, signing date), as every edit of the tracker is saved (a version, audited).

Every rule a new contract meets is met again by the corrected one, by the same checks
(`services.check_terms`, `check_schedule`, `check_registration`), and so is every rule that
ties it to what is recorded under it already: its value is no less than what was received or
what its instalments ask for, and it was signed by the day of its first payment, its first
instalment and its registration. The money received is a ledger: a payment is never edited
here, it is reversed (`services.reverse_payment`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db
from tracker.audit import services as audit
from tracker.contracts import services
from tracker.contracts.models import ContractType, ResearchContract
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Forbidden, Problems

if TYPE_CHECKING:
    from tracker.accounts.models import User


def lock(contract: ResearchContract) -> None:
    """Serialise what changes a contract and its schedule with the payments recorded against
    it: PostgreSQL locks the contract's row, and what was received is read again after it."""
    db.session.refresh(contract, with_for_update=True)
    db.session.expire(contract, ["instalments"])
    for instalment in contract.instalments:
        db.session.expire(instalment, ["payments"])


def save_contract(actor: User, contract: ResearchContract, *, enterprise_id: int | None,
                  title: str, number: str | None, type: ContractType, amount: Decimal,
                  signed_on: date) -> ResearchContract:
    """The contract's terms corrected; every problem at once, each beside its field."""
    if not contract.can_correct(actor):
        raise Forbidden()
    lock(contract)
    problems = Problems()
    number = services.check_terms(problems, contract.project, enterprise_id=enterprise_id,
                                  amount=amount, signed_on=signed_on, number=number,
                                  contract=contract)
    services.check_schedule(problems, amount, signed_on,
                            [(i.due_date, i.amount) for i in contract.instalments],
                            due_field="signed_on", total_field="amount")
    if contract.is_registered:
        services.check_registration(
            problems, signed_on=signed_on, amount=amount, registered_on=contract.registered_on,
            value=contract.registered_value, date_field="signed_on", value_field="amount")
    if amount < contract.received:
        problems.add("amount", _(
            "%(received)s has been received under this contract already: its amount is at "
            "least that.", received=cny(contract.received)))
    first = min((p.received_on for i in contract.instalments for p in i.payments), default=None)
    if first is not None and signed_on > first:
        problems.add("signed_on", _("A payment was recorded as received on %(date)s: the "
                                    "contract was signed by then.", date=day(first)))
    problems.raise_any()
    contract.number, contract.title, contract.enterprise_id = number, title.strip(), enterprise_id
    contract.type, contract.amount, contract.signed_on = type, amount, signed_on
    changes = audit.pending_changes(contract)
    if changes:
        audit.record(actor, "contract.update", contract, changes)
    db.session.flush()
    return contract
