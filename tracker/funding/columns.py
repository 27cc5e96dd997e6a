"""The allocation-investment list's columns: what its page shows and its files hold."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Subquery, func, select

from tracker import db, money
from tracker.dates import today
from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.funding.models import (
    CoFunder,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
    conversion_stands,
)
from tracker.partners.payment_models import CoFunderPayment, co_funder_commitment


def _passed(agreement) -> bool:
    return agreement.is_open and agreement.deadline_passed(today())


def _status(agreement):
    """Its outcome, or whether its deadline passed while it runs; none for the total."""
    if agreement.outcome:
        return agreement.outcome
    if not agreement.is_open:
        return None
    return _l("Passed") if _passed(agreement) else _l("Running")


def converted(agreement) -> Decimal:
    """The disbursed money its conversion turned into equity: CN¥0.00 while it has not
    converted, as its disbursed and co-funded amounts read CN¥0.00 when nothing was, and as
    the total row and the dashboard add it up. It read "—" above a total of CN¥0.00 (found
    by a newcomer): a dash is for what is missing, no amount is a number."""
    return agreement.conversion.disbursed if agreement.conversion else Decimal("0.00")


AGREEMENT_COLUMNS = [
    Column(_l("Project"), lambda a: a.project.name, width=44,
           link=lambda a: id_path("funding.show", "project_id", a.project_id)),
    Column(_l("Committed"), lambda a: a.committed, Kind.MONEY, 16),
    Column(_l("Disbursed"), lambda a: a.disbursed, Kind.MONEY, 16),
    Column(_l("Converted to equity"), converted, Kind.MONEY, 16),
    Column(_l("Committed by co-funders"), lambda a: a.co_funded, Kind.MONEY, 16),
    Column(_l("Paid by co-funders"), lambda a: a.co_funders_paid, Kind.MONEY, 16),
    Column(_l("Conversion deadline"), lambda a: a.conversion_deadline, Kind.DATE, 14,
           tone=lambda a: "bad" if _passed(a) else None),
    Column(_l("Status"), _status, Kind.LABEL, 18),
]


def co_funder_sums() -> tuple[Subquery, Subquery]:
    """Per agreement (`agreement_id`, `amount`): what its co-funders committed by the ratio,
    and what they paid (a reversal negative). The dashboard and the list's total row both sum
    them (each agreement's own are `FundingAgreement.co_funded` and `co_funders_paid`)."""
    committed = (select(CoFunder.agreement_id, func.sum(co_funder_commitment()).label("amount"))
                 .join(FundingAgreement).group_by(CoFunder.agreement_id).subquery())
    paid = (select(CoFunder.agreement_id, func.sum(CoFunderPayment.amount).label("amount"))
            .join(CoFunderPayment).group_by(CoFunder.agreement_id).subquery())
    return committed, paid


def agreements_total(listed: Select) -> SimpleNamespace:
    """The list's last row: what every agreement of `listed` (a query of agreements, all its
    pages) committed, disbursed and converted, summed in one statement as the dashboard sums
    them (`reports.dashboard.funding_figures`): disbursements per agreement before they are
    joined, and the conversions that stand."""
    chosen = listed.with_only_columns(FundingAgreement.id).subquery()
    disbursed = (select(Tranche.agreement_id, func.sum(Disbursement.amount).label("amount"))
                 .join(Disbursement, Disbursement.tranche_id == Tranche.id)
                 .where(Tranche.agreement_id.in_(select(chosen.c.id)))
                 .group_by(Tranche.agreement_id).subquery())
    converted_sum = (select(func.sum(Conversion.disbursed))
                     .where(Conversion.agreement_id.in_(select(chosen.c.id)),
                            conversion_stands(Conversion.id)).scalar_subquery())
    co_committed, co_paid = co_funder_sums()
    committed, paid, turned, co_funded, co_funders_paid = db.session.execute(
        select(func.sum(FundingAgreement.committed), func.sum(disbursed.c.amount),
               converted_sum, func.sum(co_committed.c.amount), func.sum(co_paid.c.amount))
        .select_from(FundingAgreement)
        .outerjoin(disbursed, disbursed.c.agreement_id == FundingAgreement.id)
        .outerjoin(co_committed, co_committed.c.agreement_id == FundingAgreement.id)
        .outerjoin(co_paid, co_paid.c.agreement_id == FundingAgreement.id)
        .where(FundingAgreement.id.in_(select(chosen.c.id)))).one()
    return SimpleNamespace(
        project=SimpleNamespace(name=_l("Total")), project_id=None, outcome=None, is_open=False,
        committed=_cents(committed), disbursed=_cents(paid),
        conversion=SimpleNamespace(disbursed=_cents(turned)), conversion_deadline=None,
        co_funded=_cents(co_funded), co_funders_paid=_cents(co_funders_paid))


def _cents(value: object) -> Decimal:
    return money.cents(Decimal(value)) if value is not None else Decimal("0")
