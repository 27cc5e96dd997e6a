"""Undoing a disbursement recorded by mistake: a reversing disbursement of the negated amount,
dated and with a reason. What was paid on the tranche and under the agreement, and so what a
conversion would convert, follows by itself; both stay on the funding page."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.display.labels import label
from tracker.errors import Forbidden, Refused
from tracker.funding.models import Disbursement, FundingAgreement

if TYPE_CHECKING:
    from tracker.accounts.models import User


def reverse_disbursement(actor: User, paid: Disbursement, on: date,
                         reason: str) -> Disbursement:
    if not FundingAgreement.can_decide(actor):
        raise Forbidden(_("Only the investment committee decides allocation-investment funding."))
    agreement = paid.tranche.agreement
    # Serialise with payments and conversions on the agreement (as the funding services do).
    db.session.refresh(agreement, with_for_update=True)
    db.session.expire(paid, ["reversed_by"])
    if not agreement.is_open:
        raise Refused(_("The agreement is closed (%(outcome)s): its disbursements stand as they "
                        "were when it closed.", outcome=label(agreement.outcome)))
    if not paid.can_reverse(actor):
        raise Refused(_("This disbursement is a reversal or has been reversed already."))
    reason = reversals.check("on_date", paid.paid_on, on, reason)
    reversal = Disbursement(amount=-paid.amount, paid_on=on, reference=paid.reference,
                            reverses_id=paid.id, reason=reason, recorded_by_id=actor.id)
    paid.tranche.disbursements.append(reversal)
    audit.record(actor, "disbursement.reverse", reversal)
    db.session.flush()
    return reversal
