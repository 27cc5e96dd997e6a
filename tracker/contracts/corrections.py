"""Correcting a research contract recorded wrong: its terms (number, title, counterparty,
type, value, signing date), as every edit of the tracker is saved (a version, audited); its
schedule, instalment by instalment; and voiding one recorded by mistake.

Every rule a new contract meets is met again by the corrected one, by the same checks
(`services.check_terms`, `check_schedule`, `check_registration`), and so is every rule that
ties it to what is recorded under it already: its value is no less than what was received or
what its instalments ask for, and it was signed by the day of its first payment, its first
instalment and its registration. The money received is a ledger: a payment is never edited
here, it is reversed (`services.reverse_payment`). So an instalment keeps at least what was
received against it, and one with a payment recorded against it (even one reversed since)
stays, to carry it; a contract is voided only once no payment stands under it and no report
is owed under it, and then counts nowhere (`ResearchContract.standing`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import corrections, db, reversals, voids
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.contracts import services
from tracker.contracts.models import ContractType, Instalment, ResearchContract
from tracker.display.formatting import day, on_day
from tracker.display.formatting import money as cny
from tracker.errors import Forbidden, Problems, Refused, require
from tracker.needs import contracted
from tracker.obligations import queries as obligations
from tracker.voids import Blocker

if TYPE_CHECKING:
    from tracker.accounts.models import User


def lock(contract: ResearchContract) -> None:
    """Serialise what changes a contract and its schedule with the payments recorded against
    it: PostgreSQL locks the contract's row, and what was received is read again after it."""
    # The row alone: its counterparty, loaded with it by an outer join, can't be locked
    # (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    db.session.execute(select(ResearchContract.id).where(ResearchContract.id == contract.id)
                       .with_for_update())
    db.session.refresh(contract)
    db.session.expire(contract, ["instalments"])
    for instalment in contract.instalments:
        db.session.expire(instalment, ["payments"])


def _allowed(actor: User, contract: ResearchContract) -> None:
    """Who may correct it, and a voided contract corrected by no one (an old page, Back)."""
    require(ResearchContract.can_record(actor, contract.project),
            lambda: services.correction_refusal(contract))


def save_contract(actor: User, contract: ResearchContract, *, enterprise_id: int | None,
                  title: str, number: str | None, type: ContractType, amount: Decimal,
                  signed_on: date, reason: str) -> ResearchContract:
    """The contract's terms corrected, with the reason (as every correction: kept in its
    history); every problem at once, each beside its field."""
    _allowed(actor, contract)
    lock(contract)
    problems = Problems()
    reason = reversals.stated(problems, reason)
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
    named_before = contract.enterprise_id
    contract.number, contract.title, contract.enterprise_id = number, title.strip(), enterprise_id
    contract.type, contract.amount, contract.signed_on = type, amount, signed_on
    corrections.corrected(actor, "contract.update", contract, reason)
    if enterprise_id != named_before:  # its reports owed to the enterprise follow the correction
        for owed in obligations.under(contract):
            if owed.recipient_enterprise_id == named_before:
                owed.recipient_enterprise_id = enterprise_id
                audit.record(actor, "report_obligation.update", owed)
    contracted.follow(actor, [contract.project.need])  # signed on another day
    db.session.flush()
    return contract


def corrected_of(contract: ResearchContract) -> dict:
    """The contract's latest corrections, shown beside what they corrected: by what
    (`terms`, `registration`, `schedule`: an instalment added or removed), and under
    `instalments` an instalment's own, by its id (an older record that names none: the
    schedule's)."""
    found = corrections.last_corrected(
        ResearchContract.__tablename__, [contract.id], _CORRECTED, key=corrected_part)
    shown: dict = {"instalments": {}}
    for part, record in sorted(found.items(), key=lambda item: item[1].id):
        if isinstance(part, int):
            shown["instalments"][part] = record
        else:
            shown[part] = record  # the latest of a part's several actions
    return shown


_CORRECTED = {"contract.update": "terms", "contract.registration_correct": "registration",
              "instalment.create": "schedule", "instalment.update": "schedule",
              "instalment.remove": "schedule"}


def corrected_part(record: AuditRecord) -> str | int:
    """What a correction of the contract corrected: the id of the instalment it names, else
    its part of the page."""
    named = (record.changes or {}).get("instalment_id") or [None, None]
    if record.action == "instalment.update" and isinstance(named[1], int):
        return named[1]
    return _CORRECTED[record.action]


# --- the schedule ---------------------------------------------------------------------------


def _schedule(contract: ResearchContract) -> list[list[str]]:
    """The schedule as the trail keeps it (`instalments`: due date and amount, in order)."""
    return [[i.due_date.isoformat(), str(i.amount)]
            for i in sorted(contract.instalments, key=lambda i: (i.due_date, i.id or 0))]


def _check(contract: ResearchContract, schedule: list[tuple[date, Decimal]],
           problems: Problems) -> None:
    """A schedule as it would be, checked as a new contract's is, beside one instalment's
    fields."""
    services.check_schedule(problems, contract.amount, contract.signed_on, schedule,
                            due_field="due_date", total_field="amount", part_field="amount")


def _changed(actor: User, contract: ResearchContract, action: str,
             before: list[list[str]], reason: str, removed: int | None = None) -> None:
    """The schedule changed: audited as the schedule before and after, with the reason (and
    the id of an instalment `removed`, by which `removal_of` finds it), and the contract's
    version moves (a tab showing the old schedule is refused its save)."""
    db.session.flush()
    db.session.expire(contract, ["instalments"])
    contract.version = contract.version + 1
    more = {} if removed is None else {"removed_instalment_id": [removed, None]}
    audit.record(actor, action, contract, {"instalments": [before, _schedule(contract)],
                                           "reason": [None, reason], **more})
    db.session.flush()


def instalments_full(contract: ResearchContract) -> str | None:
    """Why a new instalment would only be refused (the service refuses, the contract's page
    says it in place of "Add an instalment", the instalment's page answers 409 before its
    form): the instalments already ask for the whole contract value (an instalment is more
    than zero, and together they stay within the value); None while part is unscheduled."""
    if contract.scheduled < contract.amount:
        return None
    return _("The instalments already ask for all %(amount)s of the contract, so a new "
             "instalment would be more than its value: correct an instalment or the contract's "
             "amount first.", amount=cny(contract.amount))


def add_instalment(actor: User, contract: ResearchContract, *, due_date: date,
                   amount: Decimal, reason: str) -> Instalment:
    """An instalment the schedule lacked, with the reason."""
    _allowed(actor, contract)
    lock(contract)
    if (said := instalments_full(contract)) is not None:
        raise Refused(said)
    before = _schedule(contract)
    problems = Problems()
    _check(contract, [(i.due_date, i.amount) for i in contract.instalments]
           + [(due_date, amount)], problems)
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    instalment = Instalment(due_date=due_date, amount=amount)
    contract.instalments.append(instalment)
    _changed(actor, contract, "instalment.create", before, reason)
    return instalment


def save_instalment(actor: User, instalment: Instalment, *, due_date: date,
                    amount: Decimal, reason: str) -> Instalment:
    """An instalment's due date or amount corrected, with the reason: never below what was
    received against it."""
    contract = instalment.contract
    _allowed(actor, contract)
    lock(contract)
    problems = Problems()
    _check(contract, [(due_date, amount) if i is instalment else (i.due_date, i.amount)
                      for i in contract.instalments], problems)
    if amount < instalment.received:
        problems.add("amount", _(
            "%(received)s has been received against this instalment already: it asks for at "
            "least that.", received=cny(instalment.received)))
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    named = instalment.named()  # as it was known: its number and due date before
    instalment.due_date, instalment.amount = due_date, amount
    changes = corrections.changed(instalment)
    db.session.flush()
    contract.version = contract.version + 1  # a tab showing the old schedule is refused
    # On the contract, whose history it is, naming the instalment: its page shows it in the
    # instalment's row (`corrected_of`), and it stays when the instalment is removed.
    audit.record(actor, "instalment.update", contract, {
        "instalment": [None, named], "instalment_id": [None, instalment.id], **changes,
        "reason": [None, reason]})
    db.session.flush()
    return instalment


def instalment_refusal(instalment: Instalment) -> str | None:
    """Why it can't be removed (the service refuses, the page offers no button); None when
    it can."""
    if (said := voids.refusal(instalment.contract)) is not None:
        return said
    if instalment.payments:
        return _("Payments were recorded against this instalment (%(count)d, reversals "
                 "included): they stay in its history, so the instalment stays too. Change "
                 "its due date or amount instead.", count=len(instalment.payments))
    return None


def remove_instalment(actor: User, instalment: Instalment, reason: str) -> ResearchContract:
    """An instalment recorded by mistake, with nothing received against it, is removed, with
    the reason."""
    contract = instalment.contract
    require(ResearchContract.can_record(actor, contract.project),
            lambda: instalment_refusal(instalment), lock=lambda: lock(contract))
    problems = Problems()
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    before = _schedule(contract)
    removed = instalment.id
    contract.instalments.remove(instalment)
    _changed(actor, contract, "instalment.remove", before, reason, removed)
    return contract


def removal_of(instalment_id: int) -> AuditRecord | None:
    """The audit record of the instalment's removal (on its contract), if it was removed."""
    removals = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "instalment.remove",
        AuditRecord.object_type == ResearchContract.__tablename__))
    return next((r for r in removals
                 if (r.changes or {}).get("removed_instalment_id", [None])[0] == instalment_id),
                None)


def removed_refusal(removal: AuditRecord) -> str:
    """What a page of a removed instalment (Back, another tab's edit) answers."""
    return _("This instalment was removed from the contract's schedule on %(date)s by "
             "%(name)s: %(reason)s",
             date=on_day(removal.at), name=removal.actor.name if removal.actor else _("the system"),
             reason=(removal.changes.get("reason") or [None, ""])[1])


# --- voiding ----------------------------------------------------------------------------------


def void_refusal(contract: ResearchContract) -> Blocker | None:
    """What stands under the contract and keeps it from being voided, and where it is undone
    first; None when nothing does."""
    if (said := voids.refusal(contract)) is not None:
        return Blocker(said)
    paid = voids.standing_first(
        [p for i in contract.instalments for p in i.payments], lambda num, amount: ngettext(
            "A payment of %(amount)s stands under this contract: reverse it first (with the "
            "reason), then void the contract.",
            "%(num)d payments adding up to %(amount)s stand under this contract: reverse them "
            "first (with the reason), then void the contract.",
            num, amount=amount), "contracts.reverse_payment", "payment_id",
        _("Reverse the payment"))
    if paid is not None:
        return paid
    return voids.owed_first(
        obligations.under(contract, standing=True), lambda num: ngettext(
            "A report owed to the enterprise is recorded under this contract: cancel it first "
            "(or, if one was submitted, the contract was no mistake).",
            "%(num)d reports owed to the enterprise are recorded under this contract: cancel "
            "them first (or, if one was submitted, the contract was no mistake).", num))


def void_contract(actor: User, contract: ResearchContract, reason: str) -> ResearchContract:
    """A contract recorded by mistake no longer counts: it stays, marked voided with the
    reason, in its project's history and its own."""
    if not ResearchContract.can_record(actor, contract.project):
        raise Forbidden()
    lock(contract)
    voids.void(actor, contract, reason, "contract.void", _("Say why the contract is voided."),
               refusal=void_refusal, stale=[p for i in contract.instalments for p in i.payments])
    contracted.follow(actor, [contract.project.need])  # it counts no more
    return contract
