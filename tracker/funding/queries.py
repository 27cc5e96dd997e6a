"""What the funding page loads, in a fixed number of statements whatever the number of
tranches, disbursements, co-funders and their payments
(`tests/companies/test_query_counts.py`)."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from tracker.funding.models import CoFunder, Conversion, Disbursement, FundingAgreement, Tranche
from tracker.gates.models import GateReview
from tracker.partners.payment_models import CoFunderPayment
from tracker.projects.models import Project


def funding_page_options():
    """What the funding page shows, in a fixed number of statements."""
    tranches = selectinload(FundingAgreement.tranches)
    paid = selectinload(FundingAgreement.co_funders).selectinload(CoFunder.payments)
    return (paid.selectinload(CoFunderPayment.recorded_by),
            paid.selectinload(CoFunderPayment.reversed_by),
            selectinload(FundingAgreement.decided_by),
            tranches.selectinload(Tranche.disbursements).selectinload(Disbursement.recorded_by),
            tranches.selectinload(Tranche.disbursements).selectinload(Disbursement.reversed_by),
            tranches.selectinload(Tranche.milestone),
            selectinload(FundingAgreement.project).selectinload(Project.gate_reviews)
            .selectinload(GateReview.decisions),
            selectinload(FundingAgreement.conversions).selectinload(Conversion.round),
            selectinload(FundingAgreement.conversions).selectinload(Conversion.reversal))
