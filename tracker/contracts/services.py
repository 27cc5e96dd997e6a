"""Recording research contracts, their instalment schedules and the money received, and the
roll-ups HQ funds institutes by."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from tracker import corrections, db, reversals, voids
from tracker.audit import services as audit
from tracker.contracts.models import ContractType, Instalment, Payment, ResearchContract
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems, require
from tracker.files import attached
from tracker.funding.models import FundingAgreement
from tracker.money import cents
from tracker.needs import contracted
from tracker.organisations.models import Enterprise, Institute
from tracker.projects import life
from tracker.projects.closed import open_refusal
from tracker.projects.models import Project

if TYPE_CHECKING:
    from tracker.accounts.models import User


def record_contract(actor: User, project: Project, *, enterprise_id: int, title: str,
                    type: ContractType, amount: Decimal, signed_on: date,
                    instalments: list[tuple[date, Decimal]],
                    number: str | None = None, history: bool = False) -> ResearchContract:
    """A signed contract with its schedule. The need the project answers becomes contracted.
    Its number, when given, is unique among the contracts of the project's institute.
    `history`: the import brings it in as the project's history, which a closed project
    takes when signed by the day it closed (`closed.open_refusal`)."""
    problems = Problems()  # every problem at once, each beside its field
    number = check_contract(actor, project, problems, enterprise_id=enterprise_id,
                            amount=amount, signed_on=signed_on, number=number,
                            instalments=instalments, history=history)
    problems.raise_any()
    contract = ResearchContract(project_id=project.id, enterprise_id=enterprise_id,
                                number=number, title=title.strip(), type=type, amount=amount,
                                signed_on=signed_on)
    contract.instalments = [Instalment(due_date=d, amount=a) for d, a in instalments]
    changes = audit.pending_changes(contract)
    changes["instalments"] = recorded_schedule(instalments)
    db.session.add(contract)
    audit.record(actor, "contract.record", contract, changes)
    contracted.follow(actor, [project.need])
    db.session.flush()
    return contract


def check_contract(actor: User, project: Project, problems: Problems, *,
                   enterprise_id: int | None, amount: Decimal, signed_on: date,
                   number: str | None, instalments: list[tuple[date, Decimal]],
                   taken: Callable[[int, str], object] | None = None,
                   history: bool = False) -> str | None:
    """What `record_contract` refuses, before it writes anything (the bulk import checks each
    new contract by it): who records, the project open (or, closed, taking its `history`:
    signed by the day it closed, which `check_terms` asks beside the signing date), the terms
    (`check_terms`, `taken` as it takes it) and the schedule. Raises who and when; the terms'
    problems go to `problems`. Returns the number as kept."""
    require(ResearchContract.can_record(actor, project),
            lambda: open_refusal(project, history))
    number = check_terms(problems, project, enterprise_id=enterprise_id, amount=amount,
                         signed_on=signed_on, number=number, taken=taken)
    check_schedule(problems, amount, signed_on, instalments)
    return number


def recorded_schedule(instalments: list[tuple[date, Decimal]]) -> list:
    """A new contract's schedule as its audit record says it (`instalments`)."""
    return [None, [[d.isoformat(), str(a)] for d, a in instalments]]


def check_terms(problems: Problems, project: Project, *, enterprise_id: int | None,
                amount: Decimal, signed_on: date, number: str | None,
                contract: ResearchContract | None = None,
                taken: Callable[[int, str], object] | None = None) -> str | None:
    """The rules on a contract's own terms, for a new contract and a corrected one
    (`contract`): a counterparty, a value, a signing date that has come, in the project's life
    (`tracker.projects.life`: a correction that keeps the date recorded, signed before the rule
    or before a later start date, is not refused for it), a number unique in the institute.
    Returns the number as kept (trimmed; None when none is given). A value None is one its
    field has refused already. `taken(institute id, number)`: the contract holding that
    number, if any (`find_by_number`, or what the bulk import has read of them)."""
    if enterprise_id is None or db.session.get(Enterprise, enterprise_id) is None:
        problems.add("enterprise_id", _("Choose an enterprise."))
    if amount is not None and amount <= 0:
        problems.add("amount", _("The amount must be more than zero."))
    if signed_on is not None and signed_on > today():
        problems.add("signed_on", _("A contract is recorded once signed: the date is in the "
                                    "future."))
    elif (signed_on is not None and signed_on != getattr(contract, "signed_on", None)
          and (said := life.signing_refusal(project, signed_on))):
        problems.add("signed_on", said)  # a correction keeping its date is not asked again
    number = (number or "").strip() or None
    if number is not None and (taken or find_by_number)(project.institute_id, number) not in (
            None, contract):
        problems.add("number", _("The institute has a contract numbered %(number)s already.",
                                 number=number))
    return number


def check_schedule(problems: Problems, amount: Decimal, signed_on: date,
                   instalments: list[tuple[date, Decimal]], *, due_field: str = "instalments",
                   total_field: str = "instalments", part_field: str = "instalments") -> None:
    """The rules of a schedule: instalments of more than zero, none due before the signing,
    adding up to no more than the contract's value. The fields name where a form shows each
    (a corrected contract's terms: its signing date and its amount; one instalment's form:
    its due date and its amount). A value None is one its field has refused already."""
    if any(part <= 0 for _, part in instalments):
        problems.add(part_field, _("An instalment must be more than zero."))
    if signed_on is not None and any(due < signed_on for due, _ in instalments):
        problems.add(due_field, _("An instalment falls due before the signing date."))
    scheduled = sum((part for _, part in instalments), Decimal("0"))
    if amount is not None and scheduled > amount > 0:
        problems.add(total_field, _(
            "The instalments add up to %(scheduled)s, more than the contract's %(amount)s.",
            scheduled=cny(scheduled), amount=cny(amount)))


def check_registration(problems: Problems, *, signed_on: date, amount: Decimal,
                       registered_on: date | None, value: Decimal | None,
                       date_field: str = "registered_on", value_field: str = "value") -> None:
    """A registration comes after the signing, and its technology transaction value is part
    of the contract's amount: checked when the registration is recorded, and when the
    contract's terms are corrected under it (the fields then: its signing date, its amount).
    A value None is one its field has refused already."""
    if registered_on is not None and registered_on < signed_on:
        problems.add(date_field, _("A contract is registered after it is signed (%(date)s).",
                                   date=day(signed_on)) if date_field == "registered_on" else
                     _("The contract was registered on %(date)s: it was signed by then.",
                       date=day(registered_on)))
    if value is not None and value > amount:
        problems.add(value_field, _(
            "The technology transaction value is part of the contract's amount: %(value)s is "
            "more than its %(amount)s.", value=cny(value), amount=cny(amount)))


def register_contract(actor: User, contract: ResearchContract, *, number: str,
                      registered_on: date, value: Decimal,
                      certificate: tuple[IO[bytes], str] | None = None,
                      reason: str = "", remove_certificate: bool = False) -> ResearchContract:
    """The contract's registration with a technology-market office (技术合同登记): its number,
    date and the approved technology transaction value, with the certificate. Sent again, it
    corrects the registration, with the reason (as every correction); a certificate already
    kept stays unless another is sent, or it is taken off (`remove_certificate`: attached by
    mistake; it stays stored, and the history links it: `tracker.files.attached`)."""
    require(contract.can_register(actor), lambda: correction_refusal(contract))
    problems = Problems()
    correcting = contract.is_registered
    if correcting:
        reason = reversals.stated(problems, reason)
    number = number.strip()
    if not number:
        problems.add("number", _("Give the registration number on the certificate."))
    elif db.session.scalar(select(ResearchContract.id).where(
            ResearchContract.registration_number == number,
            ResearchContract.id != contract.id)) is not None:
        problems.add("number", _("Another contract is registered under %(number)s: a "
                                 "registration number is issued once.", number=number))
    if registered_on > today():
        problems.add("registered_on", _("A registration is recorded once made: the date is in "
                                        "the future."))
    if value <= 0 or cents(value) != value:
        problems.add("value", _("Give an amount of more than zero, in yuan and fen."))
    check_registration(problems, signed_on=contract.signed_on, amount=contract.amount,
                       registered_on=None if "registered_on" in problems else registered_on,
                       value=None if "value" in problems else value)
    problems.raise_any()
    attached.replace(actor, contract, "certificate_id", certificate,
                     correcting and remove_certificate, "certificate", contract.project_id)
    contract.registration_number = number
    contract.registered_on = registered_on
    contract.registered_value = cents(value)
    changes = corrections.changed(contract, new=not correcting)
    if correcting:
        changes["reason"] = [None, reason]
    audit.record(actor, "contract.registration_correct" if correcting else "contract.register",
                 contract, changes)
    db.session.flush()
    db.session.expire(contract, ["certificate"])  # the file its id now names
    return contract


def schedule_warning(contract: ResearchContract) -> str | None:
    """Why the schedule deserves a second look: instalments that add up to less than the
    contract's value leave the rest with no due date, and so with no reminder."""
    if contract.unscheduled <= 0:
        return None
    return _("The instalments add up to %(scheduled)s, %(short)s less than the contract's "
             "%(amount)s: no instalment, and so no reminder, asks for the rest.",
             scheduled=cny(contract.scheduled), short=cny(contract.unscheduled),
             amount=cny(contract.amount))


def find_by_number(institute_id: int, number: str) -> ResearchContract | None:
    """The institute's contract of that number (numbers are compared as written, trimmed)."""
    return db.session.scalar(
        select(ResearchContract).join(Project, Project.id == ResearchContract.project_id)
        .where(Project.institute_id == institute_id,
               ResearchContract.number == number.strip()).limit(1))


def record_payment(actor: User, instalment: Instalment, received_on: date,
                   amount: Decimal) -> Payment:
    """Money received against an instalment; partial payments add up, never beyond it."""
    require(instalment.contract.can_correct(actor), lambda: pay_refusal(instalment.contract))
    # Two payments at once must not both see the same amount outstanding.
    db.lock(instalment, "payments")
    problems = Problems()  # every problem at once, each beside its field
    check_payment(problems, instalment.outstanding, instalment.contract.signed_on,
                  received_on, amount)
    problems.raise_any()
    payment = Payment(received_on=received_on, amount=amount, recorded_by_id=actor.id)
    instalment.payments.append(payment)
    audit.record(actor, "contract.payment", instalment.contract,
                 recorded_payment(received_on, amount, instalment.named()))
    db.session.flush()
    return payment


def check_payment(problems: Problems, outstanding: Decimal, signed_on: date,
                  received_on: date, amount: Decimal) -> None:
    """The rules of money received against an instalment with `outstanding` left, of a
    contract signed on `signed_on` (`record_payment`'s, and the bulk import's for each new
    contract's payments): more than zero, no more than outstanding, received, and not before
    the signing."""
    if amount <= 0:
        problems.add("amount", _("The amount must be more than zero."))
    elif amount > outstanding:
        problems.add("amount", _(
            "Only %(outstanding)s of this instalment is outstanding; %(amount)s is more.",
            outstanding=cny(outstanding), amount=cny(amount)))
    if received_on > today():
        problems.add("received_on", _("Money is recorded once received: the date is in the "
                                      "future."))
    elif received_on < signed_on:
        problems.add("received_on", _("The date is before the contract was signed (%(date)s).",
                                      date=day(signed_on)))


def recorded_payment(received_on: date, amount: Decimal, instalment: list) -> dict:
    """What a payment's audit record says: the money, and the instalment (`Instalment.named`)."""
    return {"payment": [None, [received_on.isoformat(), str(amount)]],
            "instalment": [None, instalment]}


def registering_said(contract: ResearchContract) -> str:
    """What the registration's form, sent now, will have done once saved: a registration
    recorded, or (the contract registered already) corrected. Asked before it is saved."""
    if contract.is_registered:
        return _("Registration corrected.")
    return _("Registration recorded.")


def correction_refusal(contract: ResearchContract) -> str | None:
    """Why nothing of the contract is corrected or registered any more: it was voided (when,
    why); None when it can be (whoever may: `ResearchContract.can_correct`)."""
    return voids.refusal(contract)


def pay_refusal(contract: ResearchContract) -> str | None:
    """Why no money is recorded against the contract's instalments: it was voided (the one
    sentence of a voided contract, `voids.refusal`), with where the money goes instead; None
    when it can be (whoever may: `ResearchContract.can_correct`). The service refuses by it and
    the contract page offers the payment form by it."""
    if (said := voids.refusal(contract)) is None:
        return None
    return _("%(voided)s Record the money on the contract it was paid under, from the "
             "project's page.", voided=said)


def payment_refusal(payment: Payment) -> str | None:
    """Why it can't be reversed, for the service's refusal and the form's page (which offers
    no form then: `tracker.web.corrections.offered`); None when it can."""
    return reversals.refusal(payment, "received_on")


def reverse_payment(actor: User, payment: Payment, on: date, reason: str) -> Payment:
    """A payment recorded by mistake is undone by a reversing payment of the negated amount,
    dated `on`; both stay, and every sum of the payments follows."""
    return reversals.reverse(
        actor, payment, on, reason, when="received_on", refusal=payment_refusal,
        under=payment.instalment,
        negated=_negated, action="payment.reverse", about=payment.instalment.contract,
        said=lambda _reversal: {
            "payment": [[payment.received_on.isoformat(), str(payment.amount)], None],
            "instalment": [None, payment.instalment.named()]})


def _negated(payment: Payment, linked: dict) -> Payment:
    reversal = Payment(amount=-payment.amount, **linked)
    payment.instalment.payments.append(reversal)
    return reversal


def signed_contract_missing(project: Project,
                            contracts: list[ResearchContract] | None = None) -> str | None:
    """The guard of gate 2 (research acceptance): a signed contract, or an
    allocation-investment agreement that funds the research instead. `contracts`: every one
    of the project's, when the caller has read them already."""
    signed = any(not c.is_void for c in contracts) if contracts is not None else db.session.scalar(
        select(ResearchContract.id).where(ResearchContract.project_id == project.id,
                                          ResearchContract.standing()).limit(1))
    if not signed and db.session.scalar(select(FundingAgreement.id).where(
            FundingAgreement.project_id == project.id, FundingAgreement.standing())) is None:
        return _("Gate 2 reviews contracted research: record the signed research contract "
                 "(or the allocation-investment agreement) first.")
    return None


# --- roll-ups ----------------------------------------------------------------------------------

ROLLUPS = ("project", "institute", "year")


def registered_rollup(project_filter=None, year: int = 0) -> list[dict]:
    """Registered technology contracts by institute and year of registration (all years, or
    `year`): how many, their amounts and the technology transaction value approved. One query."""
    registered_year = extract("year", ResearchContract.registered_on)
    key = (Institute.id, Institute.code, Institute.shown_in_sql("name"), registered_year)
    query = (select(*key, func.count(ResearchContract.id), func.sum(ResearchContract.amount),
                    func.sum(ResearchContract.registered_value))
             .select_from(ResearchContract)
             .join(Project, Project.id == ResearchContract.project_id)
             .join(Institute, Institute.id == Project.institute_id)
             .where(ResearchContract.registration_number.is_not(None),
                    ResearchContract.standing()))
    if project_filter is not None:
        query = query.where(project_filter)
    if year:
        query = query.where(registered_year == year)
    rows = [{"key": (row[0], row[1], row[2], int(row[3])), "contracts": row[4],
             "value": Decimal(row[5] or 0), "registered": Decimal(row[6] or 0)}
            for row in db.session.execute(query.group_by(*key))]
    return sorted(rows, key=lambda r: (-r["key"][3], r["key"][1]))
