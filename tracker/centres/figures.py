"""A centre's own figures and status, for one centre's page or every centre's list: needs
raised and matched, the approved projects those needs became (drafts, proposals not yet
approved and rejected ones aside: not part of the portfolio), the value of those projects'
research contracts, what the enterprise committed under its
agreements and what it paid. Five statements whatever the number of centres."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker import db, money
from tracker.centres.models import CentreAgreement, CentrePayment
from tracker.centres.status import CentreStatus, status_on
from tracker.contracts.models import ResearchContract
from tracker.dates import local_date
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project
from tracker.reports.filters import approved
from tracker.settings import catalogue
from tracker.settings import services as settings

ZERO = Decimal("0")
MATCHED = (NeedState.MATCHED, NeedState.CONTRACTED)


@dataclass
class CentreFigures:
    needs_raised: int = 0
    needs_matched: int = 0
    last_need: date | None = None
    projects: int = 0
    contract_value: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    agreements: list[CentreAgreement] = field(default_factory=list)
    status: CentreStatus = CentreStatus.NO_AGREEMENT

    @property
    def outstanding(self) -> Decimal:
        return max(self.committed - self.paid, ZERO)

    @property
    def current(self) -> CentreAgreement | None:
        """The latest term (the one a renewal would renew)."""
        return max(self.agreements, key=lambda a: a.starts_on, default=None)


def _only(query: Select, column, centre_ids: Collection[int] | None) -> Select:
    return query.where(column.in_(list(centre_ids))) if centre_ids is not None else query


def figures(on: date, centre_ids: Collection[int] | None = None,
            payments: bool = False) -> dict[int, CentreFigures]:
    """centre id -> its figures and status on `on`, for these centres (None: every one that
    has any); a centre with nothing recorded is absent (`CentreFigures()` is its value).
    `payments`: the agreements come with their payments and each one's reversal (the centre's
    page lists them: read one by one they were a statement an agreement and one a payment)."""
    found: dict[int, CentreFigures] = defaultdict(CentreFigures)
    need = TechnologyNeed
    for centre_id, raised, matched, last in db.session.execute(_only(
            select(need.centre_id, func.count(need.id),
                   func.count(need.id).filter(need.state.in_(MATCHED)), func.max(need.created_at))
            .where(need.centre_id.is_not(None)).group_by(need.centre_id),
            need.centre_id, centre_ids)):
        found[centre_id].needs_raised, found[centre_id].needs_matched = raised, matched
        found[centre_id].last_need = local_date(last) if last is not None else None
    from_needs = (select(need.centre_id).join(Project, Project.need_id == need.id)
                  .where(need.centre_id.is_not(None), approved()))
    for centre_id, count in db.session.execute(_only(
            from_needs.add_columns(func.count(Project.id)).group_by(need.centre_id),
            need.centre_id, centre_ids)):
        found[centre_id].projects = count
    for centre_id, value in db.session.execute(_only(
            from_needs.join(ResearchContract, ResearchContract.project_id == Project.id)
            .where(ResearchContract.standing()).add_columns(func.sum(ResearchContract.amount)).group_by(need.centre_id),
            need.centre_id, centre_ids)):
        found[centre_id].contract_value = money.cents(Decimal(value or 0))
    listed = select(CentreAgreement).order_by(CentreAgreement.starts_on, CentreAgreement.id)
    if payments:
        listed = listed.options(selectinload(CentreAgreement.payments).options(
            selectinload(CentrePayment.reverses), selectinload(CentrePayment.reversed_by)))
    agreements = db.session.scalars(_only(listed, CentreAgreement.centre_id, centre_ids)).all()
    paid = dict(db.session.execute(_only(
        select(CentreAgreement.id, func.sum(CentrePayment.amount))
        .join(CentrePayment, CentrePayment.agreement_id == CentreAgreement.id)
        .group_by(CentreAgreement.id), CentreAgreement.centre_id, centre_ids)).all())
    for agreement in agreements:
        figure = found[agreement.centre_id]
        figure.agreements.append(agreement)
        figure.committed += agreement.committed
        figure.paid += money.cents(Decimal(paid.get(agreement.id) or 0))
    months = int(settings.get(catalogue.CENTRE_DORMANT_MONTHS))
    for figure in found.values():
        figure.status = status_on(on, figure.agreements, figure.last_need, months)
    return dict(found)


def statuses(on: date) -> dict[int, CentreStatus]:
    """centre id -> its status on `on`, for the centres that have an agreement (the others
    have none in force): two statements of columns only, the terms and each centre's last
    need, so that a list filtered by status pages the centres before reading their figures."""
    last = dict(db.session.execute(
        select(TechnologyNeed.centre_id, func.max(TechnologyNeed.created_at))
        .where(TechnologyNeed.centre_id.is_not(None)).group_by(TechnologyNeed.centre_id)).all())
    terms: dict[int, list] = defaultdict(list)
    for term in db.session.execute(select(CentreAgreement.centre_id, CentreAgreement.starts_on,
                                          CentreAgreement.ends_on, CentreAgreement.renews_id)):
        terms[term.centre_id].append(term)
    months = int(settings.get(catalogue.CENTRE_DORMANT_MONTHS))
    return {centre_id: status_on(on, found, local_date(last[centre_id])
                                 if last.get(centre_id) is not None else None, months)
            for centre_id, found in terms.items()}
