"""What a co-funder of an allocation-investment agreement paid: a payment recorded (never above
what it committed), and one recorded by mistake reversed. Each checks the actor's permission,
validates (every problem at once), applies, audits and flushes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db, money, reversals, voids
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems, require
from tracker.funding.models import CoFunder
from tracker.partners.payment_models import CoFunderPayment

if TYPE_CHECKING:
    from tracker.accounts.models import User


def _lock(co_funder: CoFunder) -> None:
    """Serialise payments on one co-funder: two at once must not both fit the commitment.
    PostgreSQL locks the agreement's row (as the funding services do), and what was paid is
    read again after the lock."""
    db.lock(co_funder.agreement)
    db.session.expire(co_funder, ["payments"])


def pay_refusal(co_funder: CoFunder) -> str | None:
    """Why no payment of `co_funder` is recorded now (the service refuses, the funding page
    says it in the co-funder's row in place of the link, the payment's page answers 409 before
    its form): its agreement voided, or all it committed paid; None while some is to come."""
    if (said := voids.refusal(co_funder.agreement)) is not None:
        return said
    if co_funder.outstanding <= 0:
        return _("%(name)s has paid all it committed (%(committed)s): no more is recorded. A "
                 "payment recorded by mistake is reversed (“Reverse” in its row under Payments "
                 "by co-funders, with the reason).",
                 name=co_funder.partner.shown("name"), committed=cny(co_funder.commitment))
    return None


def record_payment(actor: User, co_funder: CoFunder, *, amount: Decimal | None,
                   paid_on: date | None, reference: str = "") -> CoFunderPayment:
    require(CoFunder.can_record_payment(actor), lambda: pay_refusal(co_funder),
            lock=lambda: _lock(co_funder))
    problems = Problems()
    signed_on = co_funder.agreement.signed_on
    if amount is None or amount <= 0:
        problems.add("amount", _("The amount is above zero."))
    elif co_funder.paid + money.cents(amount) > co_funder.commitment:
        problems.add("amount", _(
            "%(name)s committed %(committed)s and has paid %(paid)s: at most %(left)s more "
            "can be recorded.", name=co_funder.partner.shown("name"),
            committed=cny(co_funder.commitment), paid=cny(co_funder.paid),
            left=cny(co_funder.outstanding)))
    if paid_on is None:
        pass  # the form said so beside the field
    elif paid_on < signed_on:
        problems.add("paid_on", _("A payment is made once the agreement is signed (%(date)s).",
                                  date=day(signed_on)))
    elif paid_on > today():
        problems.add("paid_on", _("%(date)s is in the future.", date=day(paid_on)))
    problems.raise_any()
    payment = CoFunderPayment(paid_on=paid_on, amount=money.cents(amount),
                              reference=(reference or "").strip(), recorded_by_id=actor.id)
    co_funder.payments.append(payment)
    audit.record(actor, "co_funder.payment", payment)
    db.session.flush()
    return payment


def payment_refusal(paid: CoFunderPayment) -> str | None:
    """Why it can't be reversed, for the service's refusal and the form's page (which offers
    no form then: `tracker.web.corrections.offered`); None when it can."""
    return reversals.refusal(paid, "paid_on")


def reverse_payment(actor: User, paid: CoFunderPayment, on: date,
                    reason: str) -> CoFunderPayment:
    """A reversing entry of the negated amount from `on`; both stay on the agreement's page."""
    return reversals.reverse(actor, paid, on, reason, when="paid_on", refusal=payment_refusal,
                             under=paid.co_funder.agreement, negated=_negated,
                             action="co_funder.reverse")


def _negated(paid: CoFunderPayment, linked: dict) -> CoFunderPayment:
    reversal = CoFunderPayment(amount=-paid.amount, reference=paid.reference, **linked)
    db.session.expire(paid.co_funder, ["payments"])  # what was paid, read after the lock
    paid.co_funder.payments.append(reversal)
    return reversal
