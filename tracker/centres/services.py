"""What HQ does with a centre's agreement: record its first term, renew it (a new term naming
the one it renews), correct a term, record what the enterprise paid. Each checks the actor's
permission, validates, applies, audits and flushes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, money
from tracker.audit import services as audit
from tracker.centres.models import CentreAgreement, CentrePayment
from tracker.errors import Forbidden, Problems

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
                                    date=format_date(renews.starts_on)))
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
    db.session.add(agreement)
    db.session.flush()
    audit.record(actor, "centre_agreement.renew" if renews else "centre_agreement.create",
                 agreement)
    return agreement


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
                                    date=format_date(agreement.renewed_by.starts_on)))
    problems.raise_any()
    agreement.signed_on, agreement.starts_on, agreement.ends_on = signed_on, starts_on, ends_on
    agreement.committed, agreement.note = money.cents(committed), (note or "").strip()
    changes = audit.pending_changes(agreement)
    if changes:
        audit.record(actor, "centre_agreement.update", agreement, changes)
    db.session.flush()
    return agreement


def record_payment(actor: User, agreement: CentreAgreement, *, paid_on: date,
                   amount: Decimal, note: str = "") -> CentrePayment:
    if not agreement.can_edit(actor):
        raise Forbidden()
    problems = Problems()
    if amount is None or amount <= 0:
        problems.add("amount", _("The amount is above zero."))
    if paid_on < agreement.signed_on:
        problems.add("paid_on", _("A payment is made once the agreement is signed (%(date)s).",
                                  date=format_date(agreement.signed_on)))
    problems.raise_any()
    payment = CentrePayment(agreement_id=agreement.id, paid_on=paid_on,
                            amount=money.cents(amount), note=(note or "").strip(),
                            recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    audit.record(actor, "centre_agreement.payment", payment)
    db.session.expire(agreement, ["payments"])
    return payment
