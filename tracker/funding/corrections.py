"""Undoing a disbursement recorded by mistake: a reversing disbursement of the negated amount,
dated and with a reason. What was paid on the tranche and under the agreement, and so what a
conversion would convert, follows by itself; both stay on the funding page. A conversion is
undone by a reversal of its shares on the ledger (`reverse_conversion`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db, reversals
from tracker.companies import closed, prerequisites
from tracker.companies import corrections as share_corrections
from tracker.funding import services as funding
from tracker.funding.models import Conversion, ConversionReversal, Disbursement, FundingAgreement
from tracker.partners import co_funding

if TYPE_CHECKING:
    from tracker.accounts.models import User


def disbursement_refusal(paid: Disbursement) -> str | None:
    """Why the disbursement can't be reversed (converted, the agreement closed, reversed
    already), for the service and the form's page (`web.corrections.offered`); None if it can."""
    agreement = paid.tranche.agreement
    if agreement.conversion is not None:
        return prerequisites.conversion_first(agreement.conversion, _("this disbursement"))
    if not agreement.is_open:
        return funding.agreement_closed(agreement, _("Its disbursements stand as they were "
                                                     "when it closed."))
    return reversals.refusal(paid, "paid_on")


def reversals_offered(user: User, agreement: FundingAgreement | None) -> dict[str, set[int]]:
    """The ids of the agreement's co-funders' payments and disbursements whose reversal its
    page offers `user` (who may, and no state refusing it)."""
    if agreement is None:
        return {"reversible_co_payments": set(), "reversible_disbursements": set()}
    return {"reversible_co_payments": reversals.offered_to(
                user, [p for c in agreement.co_funders for p in c.payments],
                co_funding.payment_refusal),
            "reversible_disbursements": reversals.offered_to(
                user, [d for t in agreement.tranches for d in t.disbursements],
                disbursement_refusal)}


def conversion_refusal(conversion: Conversion) -> str | None:
    """Why the conversion can't be reversed (reversed already, the company exited); None if
    it can."""
    if conversion.reversal is not None:
        return reversals.reversed_on(conversion.reversal.on_date)
    company = conversion.round.company
    if company.standing_exits:
        return closed.exited(company)
    return None


def reverse_disbursement(actor: User, paid: Disbursement, on: date,
                         reason: str) -> Disbursement:
    # Serialised with payments and conversions on the agreement (as the funding services do).
    return reversals.reverse(
        actor, paid, on, reason, when="paid_on", refusal=disbursement_refusal,
        under=paid.tranche.agreement,
        negated=_negated, action="disbursement.reverse",
        forbidden=funding.committee_only())


def _negated(paid: Disbursement, linked: dict) -> Disbursement:
    reversal = Disbursement(amount=-paid.amount, reference=paid.reference, **linked)
    paid.tranche.disbursements.append(reversal)
    return reversal


def reverse_conversion(actor: User, conversion: Conversion, on: date,
                       reason: str) -> ConversionReversal:
    """A conversion recorded by mistake: HQ's shares from it are reversed on the ledger (in
    no cap table, on any date), the agreement is open again (the committee may convert at
    another round, or record an outcome once the deadline has passed), and no figure counts
    the money as converted. Both conversions stay on the funding page."""
    agreement = conversion.agreement
    company = conversion.round.company

    def make(stated: dict) -> tuple[ConversionReversal, dict]:
        share_corrections.no_round_priced_on(company, [conversion.entry], conversion.round)
        share_corrections.reversal_of(actor, conversion.entry, on, stated["reason"])
        db.session.flush()
        share_corrections.no_holding_below_zero(company, conversion.entry.on_date)
        reversal = ConversionReversal(conversion=conversion, **stated)
        agreement.outcome = None
        agreement.outcome_on = None
        agreement.outcome_by_id = None
        return reversal, {"conversion_id": [None, conversion.id], **reversals.dated(reversal)}

    reversal = reversals.record(
        actor, conversion, on, reason, may=FundingAgreement.can_decide(actor),
        forbidden=funding.committee_only(), under=(agreement, company), refusal=conversion_refusal,
        when="round.on_date", make=make, action="conversion.reverse")
    db.session.expire(agreement, ["conversions"])
    return reversal
