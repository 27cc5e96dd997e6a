"""What each computed indicator counts, and by which date: one query per measure, returning
the records counted (the drill-down) for every institute at once, or for one.

A year is the organisation's calendar year (Asia/Shanghai by default): a date column (a
signing, a payment, a registration, a round) is in the year when it falls from 1 January to 31
December; an instant (a decision, a submission, the audit record of a match) when its local
date does, that is from 1 January 00:00 local time (31 December 16:00 UTC in Shanghai) to the
next year's. The value of an indicator is the sum of the amounts of its records, or, for a
measure that counts, how many there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import aliased

from tracker import db
from tracker.achievements import figures as ip_figures
from tracker.achievements.deal_models import IncomeReceipt, Transfer
from tracker.achievements.models import Achievement
from tracker.assessment.models import MONEY_MEASURES, Measure
from tracker.audit.models import AuditRecord
from tracker.companies.models import Company, FinancingRound, ShareEntry, company_projects
from tracker.companies.reversal_models import round_stands
from tracker.contracts.models import ContractType, Instalment, Payment, ResearchContract
from tracker.dates import local_date
from tracker.funding.models import Conversion, FundingAgreement, conversion_stands
from tracker.gates.models import GateDecision, Outcome
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.pms.figures import FIRST_TERM
from tracker.pms.models import PmRecord, PmTerm
from tracker.projects.models import Project
from tracker.reports.filters import year_bounds

ZERO = Decimal("0")


@dataclass(frozen=True)
class Counted:
    """One record an indicator counts: for whom, on which date, what it is, how much."""

    institute_id: int
    on: date
    what: str
    code: str | None  # the project's code, where there is one
    amount: Decimal | None  # None for a measure that counts records
    endpoint: str  # the record's page
    args: dict


def _in_year(column: ColumnElement, year: int) -> ColumnElement[bool]:
    return column.between(date(year, 1, 1), date(year, 12, 31))


def _at_in_year(column: ColumnElement, year: int) -> ColumnElement[bool]:
    start, end = year_bounds(year)
    return and_(column >= start, column < end)


def _of(project, institute_ids: set[int] | None) -> ColumnElement[bool]:
    return project.institute_id.in_(institute_ids) if institute_ids is not None else true()


def _payments(types: tuple[ContractType, ...] | None) -> Callable:
    def rows(year: int, institute_ids: set[int] | None) -> list[Counted]:
        query = (select(Payment.id, Payment.received_on, Payment.amount, ResearchContract.id,
                        ResearchContract.title, Project.code, Project.institute_id)
                 .join(Instalment, Instalment.id == Payment.instalment_id)
                 .join(ResearchContract, ResearchContract.id == Instalment.contract_id)
                 .join(Project, Project.id == ResearchContract.project_id)
                 .where(_in_year(Payment.received_on, year), _of(Project, institute_ids),
                        ResearchContract.standing())
                 .order_by(Payment.received_on, Payment.id))
        if types is not None:
            query = query.where(ResearchContract.type.in_(types))
        return [Counted(r[6], r[1], r[4], r[5], r[2], "contracts.show", {"contract_id": r[3]})
                for r in db.session.execute(query)]
    return rows


def _transfer_income(year: int, institute_ids: set[int] | None) -> list[Counted]:
    """The income received under the register's transfers and licences: the receipts the
    dashboard's "Income received" and the annual report count (`achievements.figures`), a
    reversing receipt negative on its own date."""
    query = (ip_figures.receipts()
             .add_columns(IncomeReceipt.received_on, IncomeReceipt.amount, Transfer.id,
                          Achievement.title, Project.code, Project.institute_id)
             .where(_in_year(IncomeReceipt.received_on, year), _of(Project, institute_ids))
             .order_by(IncomeReceipt.received_on, IncomeReceipt.id))
    return [Counted(r[5], r[0], r[3], r[4], r[1], "transfers.show", {"transfer_id": r[2]})
            for r in db.session.execute(query)]


def _contracts_signed(year: int, institute_ids: set[int] | None) -> list[Counted]:
    query = (select(ResearchContract.id, ResearchContract.signed_on, ResearchContract.amount,
                    ResearchContract.title, Project.code, Project.institute_id)
             .join(Project, Project.id == ResearchContract.project_id)
             .where(_in_year(ResearchContract.signed_on, year), _of(Project, institute_ids),
                    ResearchContract.standing())
             .order_by(ResearchContract.signed_on, ResearchContract.id))
    return [Counted(r[5], r[1], r[3], r[4], r[2], "contracts.show", {"contract_id": r[0]})
            for r in db.session.execute(query)]


def _owner():
    """A company counts for the institute of its first project (as in the annual report)."""
    first = (select(company_projects.c.company_id,
                    func.min(company_projects.c.project_id).label("project_id"))
             .group_by(company_projects.c.company_id).subquery())
    return first, aliased(Project)


def _companies(year: int, institute_ids: set[int] | None) -> list[Counted]:
    first, owner = _owner()
    query = (select(Company.id, Company.registered_on, Company.name, owner.institute_id,
                    owner.code)
             .join(first, first.c.company_id == Company.id)
             .join(owner, owner.id == first.c.project_id)
             .where(_in_year(Company.registered_on, year), _of(owner, institute_ids))
             .order_by(Company.registered_on, Company.id))
    return [Counted(r[3], r[1], r[2], r[4], None, "companies.show", {"company_id": r[0]})
            for r in db.session.execute(query)]


def _financing(year: int, institute_ids: set[int] | None) -> list[Counted]:
    first, owner = _owner()
    query = (select(FinancingRound.id, FinancingRound.on_date, FinancingRound.amount,
                    FinancingRound.name, Company.id, Company.name, owner.institute_id,
                    owner.code)
             .join(Company, Company.id == FinancingRound.company_id)
             .join(first, first.c.company_id == Company.id)
             .join(owner, owner.id == first.c.project_id)
             .where(_in_year(FinancingRound.on_date, year), round_stands(FinancingRound.id),
                    _of(owner, institute_ids))
             .order_by(FinancingRound.on_date, FinancingRound.id))
    return [Counted(r[6], r[1], f"{r[5]} · {r[3]}", r[7], r[2], "companies.show",
                    {"company_id": r[4]}) for r in db.session.execute(query)]


def _converted(year: int, institute_ids: set[int] | None) -> list[Counted]:
    """Dated by the conversion's share issue, as in the annual report; of an agreement that
    stands, as the dashboard's money converted (a voided agreement counts nowhere)."""
    query = (select(Conversion.id, ShareEntry.on_date, Conversion.disbursed, Project.id,
                    Project.title, Project.code, Project.institute_id)
             .join(ShareEntry, ShareEntry.id == Conversion.entry_id)
             .join(FundingAgreement, FundingAgreement.id == Conversion.agreement_id)
             .join(Project, Project.id == FundingAgreement.project_id)
             .where(_in_year(ShareEntry.on_date, year), conversion_stands(Conversion.id),
                    FundingAgreement.standing(), _of(Project, institute_ids))
             .order_by(ShareEntry.on_date, Conversion.id))
    return [Counted(r[6], r[1], r[4], r[5], r[2], "funding.show", {"project_id": r[3]})
            for r in db.session.execute(query)]


def _milestones(year: int, institute_ids: set[int] | None) -> list[Counted]:
    """Accepted milestones due in the year, submitted on or before their due date (the local
    date of the submission): compared in Python, the same on every database."""
    query = (select(Milestone.id, Milestone.due_date, Milestone.submitted_at, Milestone.title,
                    Project.code, Project.institute_id)
             .join(Project, Project.id == Milestone.project_id)
             .where(Milestone.state == MilestoneState.ACCEPTED,
                    Milestone.submitted_at.is_not(None),
                    _in_year(Milestone.due_date, year), _of(Project, institute_ids))
             .order_by(Milestone.due_date, Milestone.id))
    return [Counted(r[5], r[1], r[3], r[4], None, "milestones.show", {"milestone_id": r[0]})
            for r in db.session.execute(query) if local_date(r[2]) <= r[1]]


def _gates(year: int, institute_ids: set[int] | None) -> list[Counted]:
    query = (select(GateDecision.id, GateDecision.decided_at, GateDecision.review_id,
                    GateDecision.outcome, Project.title, Project.code, Project.institute_id)
             .join(Project, Project.id == GateDecision.project_id)
             .where(GateDecision.outcome.in_((Outcome.GO, Outcome.CONDITIONAL_GO)),
                    GateDecision.in_force(),
                    _at_in_year(GateDecision.decided_at, year), _of(Project, institute_ids))
             .order_by(GateDecision.decided_at, GateDecision.id))
    return [Counted(r[6], local_date(r[1]), r[4], r[5], None, "gates.review",
                    {"review_id": r[2]}) for r in db.session.execute(query)]


def _needs(year: int, institute_ids: set[int] | None) -> list[Counted]:
    """Needs whose state became `matched` in the year, dated by the audit record of the match
    (a need counts once, for its first match in the year, for the institute it is matched to
    now)."""
    records = db.session.execute(
        select(AuditRecord.object_id, AuditRecord.at, AuditRecord.changes)
        .where(AuditRecord.object_type == TechnologyNeed.__tablename__,
               _at_in_year(AuditRecord.at, year))
        .order_by(AuditRecord.at, AuditRecord.id)).all()
    matched_at: dict[int, datetime] = {}
    for need_id, at, changes in records:
        state = (changes or {}).get("state")
        if isinstance(state, list) and state[-1] == NeedState.MATCHED.value:
            matched_at.setdefault(need_id, at)
    if not matched_at:
        return []
    query = select(TechnologyNeed.id, TechnologyNeed.title, TechnologyNeed.institute_id).where(
        TechnologyNeed.id.in_(matched_at), TechnologyNeed.institute_id.is_not(None))
    if institute_ids is not None:
        query = query.where(TechnologyNeed.institute_id.in_(institute_ids))
    rows = [Counted(r[2], local_date(matched_at[r[0]]), r[1], None, None,
                    "organisations.need", {"object_id": r[0]})
            for r in db.session.execute(query)]
    return sorted(rows, key=lambda c: (c.on, c.what))


def _new_pms(year: int, institute_ids: set[int] | None) -> list[Counted]:
    """As in the annual report: project managers first appointed in the year (the register,
    tracker/pms), counted for the institute of that first term, dated by the day HQ recorded
    the appointment in the organisation's time zone."""
    query = (select(PmRecord.id, PmRecord.name, PmTerm.institute_id, PmTerm.appointed_at)
             .join(PmRecord, PmRecord.id == PmTerm.record_id)
             .where(FIRST_TERM, _at_in_year(PmTerm.appointed_at, year))
             .order_by(PmRecord.name, PmRecord.id))
    if institute_ids is not None:
        query = query.where(PmTerm.institute_id.in_(institute_ids))
    return [Counted(r[2], local_date(r[3]), r[1], None, None, "pms.show", {"record_id": r[0]})
            for r in db.session.execute(query)]


@dataclass(frozen=True)
class Computation:
    rows: Callable[[int, set[int] | None], list[Counted]]
    rule: object  # the date rule, stated on the drill-down page


CATALOGUE: dict[Measure, Computation] = {
    Measure.CONTRACTS_SIGNED: Computation(_contracts_signed, _l(
        "Research contracts of the institute's projects, every type, at their full amount, "
        "counted in the year of their signing date.")),
    Measure.CONTRACTS_RECEIVED: Computation(_payments(None), _l(
        "Payments received on research contracts of every type, counted on the date the "
        "money was received; a reversing payment counts, negative, on its own date.")),
    Measure.TRANSFER_INCOME: Computation(_transfer_income, _l(
        "Income received under the transfers and licences of the achievements register (a "
        "withdrawn achievement's aside), counted on the date received, a reversing receipt "
        "negative on its own date: the dashboard's income received. Money received on research "
        "contracts, of every type, counts in contract research received.")),
    Measure.SERVICE_INCOME: Computation(_payments((ContractType.SERVICE,
                                                   ContractType.CONSULTING)), _l(
        "Payments received on technical-service and technical-consulting contracts, counted "
        "on the date the money was received.")),
    Measure.COMPANIES_INCUBATED: Computation(_companies, _l(
        "Companies whose first project is the institute's, counted in the year of their "
        "registration date; a company not yet registered does not count.")),
    Measure.FINANCING_RAISED: Computation(_financing, _l(
        "Financing rounds of the companies whose first project is the institute's, at the "
        "round's amount, counted on the round's date; a reversed round does not count.")),
    Measure.CONVERTED: Computation(_converted, _l(
        "Allocation-investment money converted to equity on the institute's projects, "
        "counted on the date the shares were issued; a reversed conversion does not count.")),
    Measure.MILESTONES_ON_TIME: Computation(_milestones, _l(
        "Accepted milestones of the institute's projects due in the year and submitted on or "
        "before their due date (the submission's date in the organisation's time zone).")),
    Measure.GATES_PASSED: Computation(_gates, _l(
        "GO and CONDITIONAL GO decisions on the institute's projects, counted on the date "
        "decided in the organisation's time zone; a superseded decision does not count.")),
    Measure.NEEDS_MATCHED: Computation(_needs, _l(
        "Enterprise needs matched to the institute, counted on the date the match was "
        "recorded (in the organisation's time zone); a need counts once.")),
    Measure.NEW_PMS: Computation(_new_pms, _l(
        "Project managers first appointed to the institute in the year (the register; a "
        "renewal is no new PM), on the day HQ recorded the appointment in the organisation's "
        "time zone.")),
}


def value_of(measure: Measure, rows: list[Counted]) -> Decimal:
    if measure in MONEY_MEASURES:
        return sum((r.amount or ZERO for r in rows), ZERO)
    return Decimal(len(rows))


def values(measure: Measure, year: int,
           institute_ids: set[int] | None = None) -> dict[int, Decimal]:
    """The measure's value for each institute with a record counted (one query)."""
    grouped: dict[int, list[Counted]] = defaultdict(list)
    for row in CATALOGUE[measure].rows(year, institute_ids):
        grouped[row.institute_id].append(row)
    return {institute_id: value_of(measure, rows) for institute_id, rows in grouped.items()}


def drill_down(measure: Measure, year: int, institute_id: int) -> list[Counted]:
    """Exactly the records counted for one institute."""
    return CATALOGUE[measure].rows(year, {institute_id})
