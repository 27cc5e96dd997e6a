"""What HQ does with a centre's agreement: record its first term, renew it (a new term naming
the one it renews), correct a term, record what the enterprise paid. Each checks the actor's
permission, validates, applies, audits and flushes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, money, reversals
from tracker.audit import services as audit
from tracker.centres.models import CentreAgreement, CentrePayment
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Forbidden, Problems, require

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.organisations.models import JointInnovationCentre


def latest_term(centre: JointInnovationCentre) -> CentreAgreement | None:
    """The term a new one renews: the centre's latest."""
    return db.session.scalar(
        select(CentreAgreement).where(CentreAgreement.centre_id == centre.id)
        .order_by(CentreAgreement.starts_on.desc(), CentreAgreement.id.desc()).limit(1))


def _check_term(problems: Problems, signed_on: date, starts_on: date, ends_on: date,
                committed: Decimal | None, renews: CentreAgreement | None) -> None:
    if ends_on <= starts_on:
        problems.add("ends_on", _("The term ends after it starts."))
    if committed is None or committed < 0:
        problems.add("committed", _("The amount cannot be negative."))
    if renews is not None and starts_on <= renews.starts_on:
        problems.add("starts_on", _("A renewal starts after the term it renews starts (%(date)s).",
                                    date=day(renews.starts_on)))
    if signed_on > ends_on:
        problems.add("signed_on", _("An agreement is signed before its term ends."))


def record_agreement(actor: User, centre: JointInnovationCentre, *, signed_on: date,
                     starts_on: date, ends_on: date, committed: Decimal,
                     note: str = "") -> CentreAgreement:
    """The centre's first term, or a renewal of its latest one."""
    if not CentreAgreement.can_record(actor):
        raise Forbidden()
    renews = latest_term(centre)
    problems = Problems()
    _check_term(problems, signed_on, starts_on, ends_on, committed, renews)
    problems.raise_any()
    agreement = CentreAgreement(
        centre_id=centre.id, signed_on=signed_on, starts_on=starts_on, ends_on=ends_on,
        committed=money.cents(committed), note=(note or "").strip(), recorded_by_id=actor.id,
        renews_id=renews.id if renews is not None else None)
    audit.saved(actor, "centre_agreement", agreement, True,  # adds and flushes it,
                created="renew" if renews else "create")  # with its values
    return agreement


def recorded_said(agreement: CentreAgreement) -> str:
    """What recording the term just did, said to whoever recorded it: a renewal of the centre's
    latest term (`record_agreement` made it name that term), or its first term."""
    if agreement.renews_id is not None:
        return _("Agreement renewed: its new term is recorded.")
    return _("Agreement recorded.")


def save_agreement(actor: User, agreement: CentreAgreement, *, signed_on: date,
                   starts_on: date, ends_on: date, committed: Decimal,
                   note: str = "") -> CentreAgreement:
    """A term corrected: its dates, commitment or note."""
    if not agreement.can_edit(actor):
        raise Forbidden()
    problems = Problems()
    _check_term(problems, signed_on, starts_on, ends_on, committed, agreement.renews)
    if agreement.renewed_by is not None and starts_on >= agreement.renewed_by.starts_on:
        problems.add("starts_on", _("This term starts before its renewal (%(date)s).",
                                    date=day(agreement.renewed_by.starts_on)))
    _lock(agreement)
    if committed is not None and money.cents(committed) < agreement.paid:
        problems.add("committed", _(
            "The enterprise has paid %(paid)s under this term already: the commitment is at "
            "least that.", paid=cny(agreement.paid)))
    first = min((p.paid_on for p in agreement.payments), default=None)
    if signed_on is not None and first is not None and signed_on > first:
        problems.add("signed_on", _("A payment was recorded on %(date)s: the agreement was "
                                    "signed by then.", date=day(first)))
    problems.raise_any()
    agreement.signed_on, agreement.starts_on, agreement.ends_on = signed_on, starts_on, ends_on
    agreement.committed, agreement.note = money.cents(committed), (note or "").strip()
    audit.saved(actor, "centre_agreement", agreement, False)
    db.session.flush()
    return agreement


def _lock(agreement: CentreAgreement) -> None:
    """Serialise what changes a term's payments: two payments at once must not both fit the
    commitment. PostgreSQL locks the agreement's row; what was paid is read again after it."""
    db.lock(agreement, "payments")


def pay_refusal(agreement: CentreAgreement) -> str | None:
    """Why no payment is recorded under `agreement` now (the service refuses, the centre's page
    says it in place of "Record a payment", the payment's page answers 409 before its form):
    the enterprise has paid all it committed under the term; None while some is to come."""
    if agreement.paid < agreement.committed:
        return None
    return _("The enterprise has paid all %(committed)s it committed under this term: no more is "
             "recorded under it. If the commitment grew, correct the term first.",
             committed=cny(agreement.committed))


def record_payment(actor: User, agreement: CentreAgreement, *, paid_on: date,
                   amount: Decimal, note: str = "") -> CentrePayment:
    """What the enterprise paid under a term: never above what is left of its commitment."""
    require(agreement.can_edit(actor), lambda: pay_refusal(agreement),
            lock=lambda: _lock(agreement))
    problems = Problems()
    if amount is None or amount <= 0:
        problems.add("amount", _("The amount is above zero."))
    elif agreement.paid + money.cents(amount) > agreement.committed:
        problems.add("amount", _(
            "The enterprise committed %(committed)s under this term and has paid %(paid)s: at "
            "most %(left)s more can be recorded.", committed=cny(agreement.committed),
            paid=cny(agreement.paid), left=cny(agreement.outstanding)))
    if paid_on is None:
        pass  # the form said so beside the field
    elif paid_on < agreement.signed_on:
        problems.add("paid_on", _("A payment is made once the agreement is signed (%(date)s).",
                                  date=day(agreement.signed_on)))
    elif paid_on > today():
        problems.add("paid_on", _("%(date)s is in the future.", date=day(paid_on)))
    problems.raise_any()
    payment = CentrePayment(agreement_id=agreement.id, paid_on=paid_on,
                            amount=money.cents(amount), note=(note or "").strip(),
                            recorded_by_id=actor.id)
    audit.record(actor, "centre_agreement.payment", payment)  # adds, flushes, its values
    db.session.expire(agreement, ["payments"])
    return payment


def payment_refusal(paid: CentrePayment) -> str | None:
    """Why it can't be reversed, for the service's refusal and the form's page (which offers
    no form then: `tracker.web.corrections.offered`); None when it can."""
    return reversals.refusal(paid, "paid_on")


def reverse_payment(actor: User, paid: CentrePayment, on: date, reason: str) -> CentrePayment:
    """A reversing entry of the negated amount from `on`; both stay on the centre's page."""
    return reversals.reverse(actor, paid, on, reason, when="paid_on", refusal=payment_refusal,
                             under=paid.agreement, negated=_negated,
                             action="centre_agreement.reverse")


def _negated(paid: CentrePayment, linked: dict) -> CentrePayment:
    reversal = CentrePayment(agreement_id=paid.agreement_id, amount=-paid.amount,
                             note=paid.note, **linked)
    paid.agreement.payments.append(reversal)
    return reversal
