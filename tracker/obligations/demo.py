"""Demo data: reports owed to funders. The demo contract owes its enterprise a progress report
that went in on time and a financial report now late (the PM, then the director and HQ are
reminded); the committee's agreement owes its city co-funder (its own terms) a progress report
in six months, and HQ a final report at its conversion deadline, which goes to the city's
science bureau, a recipient the tracker does not know."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.funding.models import FundingAgreement
from tracker.obligations import services
from tracker.obligations.models import ReportKind, ReportObligation

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def seed_obligations(admin: User) -> int:
    """How many obligations it recorded (none when there are some already)."""
    if db.session.scalar(select(ReportObligation.id).limit(1)) is not None:
        return 0
    now, made = today(), 0
    contract = db.session.scalar(select(ResearchContract).order_by(ResearchContract.id).limit(1))
    if contract is not None and contract.signed_on < now - timedelta(days=20):
        enterprise = f"enterprise-{contract.enterprise_id}"
        filed = services.add_obligation(
            admin, contract, kind=ReportKind.PROGRESS, due_on=now - timedelta(days=15),
            goes_to=enterprise, note="")
        services.submit_report(contract.project.pm, filed, submitted_on=now - timedelta(days=16),
                               upload=(io.BytesIO(PDF), "进展报告.pdf"))
        services.add_obligation(admin, contract, kind=ReportKind.FINANCIAL,
                                due_on=now - timedelta(days=3), goes_to=enterprise)
        made += 2
    agreement = db.session.scalar(select(FundingAgreement).order_by(FundingAgreement.id)
                                  .limit(1))
    if agreement is not None:
        city = agreement.co_funders[0] if agreement.co_funders else None
        services.add_obligation(admin, agreement, kind=ReportKind.PROGRESS,
                                due_on=agreement.signed_on + timedelta(days=182),
                                co_funder_id=city.id if city else None,
                                goes_to="" if city else f"hq-{agreement.project.hq_id}")
        services.add_obligation(admin, agreement, kind=ReportKind.FINAL,
                                due_on=agreement.conversion_deadline,
                                recipient="苏州市科学技术局")
        made += 2
    return made
