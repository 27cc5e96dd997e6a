"""The records of a kind as the rows its import reads (`flask import-export KIND FILE`): what a
network moves to another tracker, or checks against its spreadsheets. Importing such a file
into an empty database and exporting again gives the same file (`tests/imports/
test_round_trip.py`); importing it into the database it came from changes nothing.

Values are written as the import reads them: references by natural key, choices by value,
dates in ISO form, money as plain decimals, lists as the columns' notes describe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.achievements.deal_models import IncomeReceipt, RoyaltyReport, Transfer
from tracker.achievements.models import Achievement, IpRight, Jurisdiction
from tracker.companies import holder_names
from tracker.companies.models import Acquisition, Company
from tracker.contracts.models import Instalment, ResearchContract
from tracker.dates import local_date
from tracker.export.columns import neutralised
from tracker.funding.models import AgreementOutcome, FundingAgreement, Tranche
from tracker.gates.models import GateDecision, GateReview
from tracker.imports import ip_deals, ledger_order, reversal_lines, route_cells
from tracker.imports.cap_tables import recorded_holdings, standing_table
from tracker.imports.columns import KINDS
from tracker.imports.companies import recorded_order, recorded_rounds
from tracker.imports.company_events import (
    recorded_conversions,
    recorded_exit,
    recorded_reversed_exits,
)
from tracker.imports.contracts import recorded_payments
from tracker.imports.funding_cells import recorded_co_funder_payments, recorded_disbursements
from tracker.imports.grant_cells import recorded_exercises, recorded_leaving
from tracker.imports.ledger_lines import recorded_issues, recorded_transfers
from tracker.imports.pool_reversals import Passed
from tracker.incentives.models import IncentiveGrant
from tracker.milestones import imported
from tracker.milestones.models import Milestone
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.projects.models import Project


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 1000000, 500000.5: as typed
    return str(value)


def _enterprise(e: Enterprise | None) -> str:
    return "" if e is None else (e.uscc or e.name)


def _institutes(where: ColumnElement[bool]) -> Iterator[list]:
    for i in db.session.scalars(select(Institute).where(where).options(
            selectinload(Institute.director), selectinload(Institute.partners),
            selectinload(Institute.region)).order_by(Institute.code)):
        yield [i.code, i.name, i.name_en, i.field, i.field_en, i.type, i.founded_on,
               i.director.email if i.director else "", i.region.code if i.region else "",
               i.city, i.city_en, i.legal_entity, i.uscc,
               "; ".join(p.uscc or p.name for p in i.partners)]


def _enterprises(where: ColumnElement[bool]) -> Iterator[list]:
    for e in db.session.scalars(select(Enterprise).where(where).order_by(Enterprise.id)):
        yield [e.name, e.name_en, e.uscc, e.city, e.city_en, e.industry, e.industry_en, e.size,
               *(getattr(e, key) for key in RECOGNITIONS)]


def _users(where: ColumnElement[bool]) -> Iterator[list]:
    for u in db.session.scalars(select(User).where(where).order_by(User.email)):
        yield [u.email, u.name, ", ".join(sorted(g.role.value for g in u.role_grants)),
               u.locale, u.institute.code if u.institute else "",
               _enterprise(u.enterprise), u.staff_number, u.active]


def _centres(where: ColumnElement[bool]) -> Iterator[list]:
    for c in db.session.scalars(select(JointInnovationCentre).where(where).options(
            selectinload(JointInnovationCentre.liaison)).order_by(JointInnovationCentre.id)):
        yield [c.name, c.name_en, _enterprise(c.enterprise), c.established_on, c.city, c.city_en,
               c.liaison.email if c.liaison else ""]


def _needs(where: ColumnElement[bool]) -> Iterator[list]:
    for n in db.session.scalars(select(TechnologyNeed).where(where).order_by(TechnologyNeed.id)):
        yield [n.title, _enterprise(n.enterprise), n.description,
               n.centre.name if n.centre else "", n.institute.code if n.institute else "",
               n.intended_investment, n.state, local_date(n.created_at),
               local_date(n.matched_at) if n.matched_at else None]


def _projects(where: ColumnElement[bool]) -> Iterator[list]:
    projects = db.session.scalars(select(Project).where(where).options(
        selectinload(Project.budget_lines), selectinload(Project.members),
        selectinload(Project.budget_template),
        selectinload(Project.institute), selectinload(Project.pm))
        .order_by(Project.id)).all()  # the order they were imported in
    decisions: dict[int, list[GateDecision]] = {}
    for d in db.session.scalars(select(GateDecision).join(GateReview).options(
            selectinload(GateDecision.review), selectinload(GateDecision.conditions))
            .order_by(GateDecision.id)):
        decisions.setdefault(d.project_id, []).append(d)
    users = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    enterprises = {e.id: e for e in db.session.scalars(select(Enterprise))}
    needs = dict(db.session.execute(select(TechnologyNeed.id, TechnologyNeed.title))
                 .tuples().all())
    ended, resumed = route_cells.ended_on_hold(), route_cells.resumed()
    for p in projects:
        passed, conditions, ended_in, rationale, revisit, terminated, held = (
            route_cells.recorded(p, decisions.get(p.id, []), users, ended.get(p.id),
                                 resumed.get(p.id, [])))
        yield [p.code or "", p.title, p.summary, p.field, p.type, p.funding_source,
               p.programme_level or "", p.programme_name, p.funder_project_number,
               p.managing_body, p.institute.code,
               p.pm.email, ", ".join(sorted(users[m.user_id] for m in p.members)),
               _enterprise(enterprises.get(p.partner_enterprise_id)),
               needs.get(p.need_id, ""), p.trl_now, p.trl_target, p.budget_total,
               p.budget_template.code if p.budget_template else "",
               # A template's categories left at nothing are not written (they import so).
               "; ".join(f"{b.category}: {_text(b.amount)}" for b in p.budget_lines
                         if b.amount or b.category_id is None),
               p.start_date, p.end_date, p.phase, passed, conditions, ended_in, rationale,
               revisit, terminated, held]


def _milestones(where: ColumnElement[bool]) -> Iterator[list]:
    codes = dict(db.session.execute(select(Project.id, Project.code)).tuples().all())
    users = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    for m in db.session.scalars(select(Milestone).where(where).order_by(Milestone.project_id,
                                                           Milestone.id)):
        yield [codes[m.project_id] or "", m.title, m.phase, m.deliverable, m.due_date,
               m.weight, m.state, m.percent_complete, users.get(m.reviewer_id, ""),
               m.waiver_reason, local_date(m.submitted_at)
               if m.submitted_at and m.state in imported.SUBMITTED else None]


def _contracts(where: ColumnElement[bool]) -> Iterator[list]:
    for c in db.session.scalars(select(ResearchContract).where(where).where(
            ResearchContract.number.is_not(None), ResearchContract.standing()).options(
            selectinload(ResearchContract.project), selectinload(ResearchContract.enterprise),
            selectinload(ResearchContract.instalments).selectinload(Instalment.payments))
            .order_by(ResearchContract.id)):
        yield [c.project.code, c.number, c.title, _enterprise(c.enterprise), c.type,
               c.amount, c.signed_on,
               "; ".join(f"{i.due_date.isoformat()}: {_text(i.amount)}"
                         for i in c.instalments),
               reversal_lines.written(recorded_payments(c), lambda p: (
                   f"{p[0]}: {p[1].isoformat()}: {_text(p[2])}"))]


def _funding(where: ColumnElement[bool]) -> Iterator[list]:
    for a in db.session.scalars(select(FundingAgreement).where(where).options(
            selectinload(FundingAgreement.project), selectinload(FundingAgreement.decided_by),
            selectinload(FundingAgreement.co_funders),
            selectinload(FundingAgreement.substitute_project),
            selectinload(FundingAgreement.tranches).selectinload(Tranche.milestone),
            selectinload(FundingAgreement.tranches).selectinload(Tranche.disbursements))
            .where(FundingAgreement.standing()).order_by(FundingAgreement.id)):
        ended = a.outcome is not None and a.outcome is not AgreementOutcome.CONVERTED
        yield [a.project.code, a.decided_by.email, a.committed, a.hq_ratio,
               "; ".join(f"{c.name}: {_text(c.ratio)}" for c in a.co_funders),
               a.discount_pct, a.qualifying_round_min, a.signed_on,
               a.conversion_deadline,
               "; ".join(f"{_text(t.amount)} | " + (f"gate {t.gate}" if t.gate
                                                     else t.milestone.title)
                         for t in a.standing_tranches),
               reversal_lines.written(recorded_disbursements(a), _paid),
               a.outcome if ended else "", a.outcome_on if ended else "",
               a.repaid_amount if ended else "",
               a.substitute_project.code if ended and a.substitute_project else "",
               a.outcome_note if ended else "",
               reversal_lines.written(recorded_co_funder_payments(a), _paid)]


def _paid(line: tuple) -> str:
    """A disbursement or a co-funder's payment: who or which tranche, date, amount and the
    reference if any."""
    return f"{line[0]}: {line[1].isoformat()}: {_text(line[2])}" + (
        f": {line[3]}" if line[3] else "")


def _companies(where: ColumnElement[bool]) -> Iterator[list]:
    """Each company's ledger as typed in, reversed entries and their reversals too
    (`ledger_order`), so that an empty database given the file records the same ledger."""
    for c in db.session.scalars(select(Company).where(where).options(
            selectinload(Company.projects), selectinload(Company.holders),
            selectinload(Company.entries), selectinload(Company.rounds),
            selectinload(Company.exits)).order_by(Company.id)):
        cap_table, on = recorded_holdings(c)
        lines = standing_table(cap_table)
        shown = holder_names.shown_names(c.holders)  # each holder as the reader reads it
        yield [c.name, c.uscc, c.registered_on, c.registered_capital,
               c.legal_representative, ", ".join(p.code for p in c.projects), on,
               sum((s for _n, _k, s, *_rest in lines), Decimal("0")) if lines else "",
               reversal_lines.written(cap_table, partial(_holding, shown)),
               reversal_lines.written(recorded_rounds(c), partial(_round, shown)),
               reversal_lines.written(recorded_issues(c), partial(_issue, shown)),
               reversal_lines.written(recorded_transfers(c), partial(_transfer, shown)),
               reversal_lines.written(recorded_conversions(c), " | ".join),
               reversal_lines.written(recorded_reversed_exits(c), _exit),
               reversal_lines.written(recorded_exit(c), _exit),
               ledger_order.written(recorded_order(c))]


def _holding(shown: dict[str, str], line: tuple) -> str:
    n, k, s, a, t, lock = line
    return " | ".join([shown.get(n, n), k.value, _text(s)] + (
        [a.value, t, _text(lock)] if a is not Acquisition.CASH or t or lock else []))


def _round(shown: dict[str, str], line: tuple) -> str:
    name, closed, pre, investors = line
    return f"{name} | {closed.isoformat()} | {_text(pre)} | " + ", ".join(
        f"{shown.get(n, n)}: {k.value}: {_text(a)}" + (": lead" if lead else "")
        for n, k, a, lead in investors)


def _issue(shown: dict[str, str], line: tuple) -> str:
    n, k, s, on, a, t, lock = line
    return " | ".join([shown.get(n, n), k.value, _text(s), on.isoformat()] + (
        [a.value, t, _text(lock)] if a is not Acquisition.CASH or t or lock else []))


def _transfer(shown: dict[str, str], line: tuple) -> str:
    source, n, k, s, on, lock = line
    return " | ".join([shown.get(source, source), shown.get(n, n), k.value, _text(s),
                       on.isoformat()] + ([lock.isoformat()] if lock else []))


def _exit(line: tuple) -> str:
    k, on, p, n = line
    return " | ".join([k.value, on.isoformat(), _text(p)] + ([n] if n else []))


def _incentive_grants(where: ColumnElement[bool]) -> Iterator[list]:
    """Each grant with its exercises and its leaving, their reversals too: with the companies
    file, whose transfers are those typed in, the ledger whole (T21)."""
    emails = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    for g in db.session.scalars(select(IncentiveGrant).where(where).options(
            selectinload(IncentiveGrant.company), selectinload(IncentiveGrant.pool),
            selectinload(IncentiveGrant.all_exercises),
            selectinload(IncentiveGrant.leaving_reversals)).order_by(IncentiveGrant.id)):
        yield [g.company.uscc or g.company.name,
               emails[g.user_id] if g.user_id else g.person_name, g.kind, g.shares,
               g.exercise_price, g.pool.shown_name, g.granted_on, g.vesting_start,
               g.vesting_months, g.cliff_months, g.lock_up_until, g.exercise_window_days, g.note,
               reversal_lines.written(recorded_exercises(g),
                                      lambda done: f"{done[0].isoformat()} | {_text(done[1])}"),
               reversal_lines.written(recorded_leaving(g), partial(
                   _left, holder_names.shown_names(g.company.holders)))]


def _left(shown: dict[str, str], line: tuple | Passed) -> str:
    """A leaving, or a transfer out of the pool that waited for the grant."""
    if isinstance(line, Passed):
        return "transfer | " + _transfer(shown, line.line)
    return f"{line[0].isoformat()} | {line[1]}"


def _achievements(where: ColumnElement[bool]) -> Iterator[list]:
    emails = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    for a in db.session.scalars(select(Achievement).where(where).options(
            selectinload(Achievement.project), selectinload(Achievement.contributors),
            selectinload(Achievement.rights).selectinload(IpRight.annuities))
            .where(Achievement.standing()).order_by(Achievement.id)):
        yield [a.project.code, a.title, a.description,
               "; ".join(f"{emails[c.user_id] if c.user_id else c.name}: {_text(c.share_pct)}"
                         for c in a.contributors),
               "; ".join(" | ".join(_right(r)) for r in a.standing_rights),
               "; ".join(" | ".join([r.number, str(n.year_no), n.due_on.isoformat(),
                                     _text(n.fee)] + ([n.paid_on.isoformat(),
                                                       _text(n.paid_amount)] if n.paid else [])
                                    + ([n.late_fee_reason] if n.paid and n.late_fee_reason
                                       else []))
                         for r in a.standing_rights for n in r.annuities)]


def _right(r: IpRight) -> list[str]:
    """kind | title | number | status, then what else it has, as the column writes it."""
    more = [_text(r.filed_on), _text(r.granted_on), _text(r.patent_type),
            "" if r.jurisdiction is Jurisdiction.CN else r.jurisdiction.value,
            _text(r.attorney_costs) if r.attorney_costs else ""]
    while more and not more[-1]:
        more.pop()
    return [r.kind.value, r.title, r.number, r.status.value, *more]


def _ip_deals(where: ColumnElement[bool]) -> Iterator[list]:
    emails = dict(db.session.execute(select(User.id, User.email)).tuples().all())
    for t in db.session.scalars(select(Transfer).where(where).options(
            selectinload(Transfer.achievement).selectinload(Achievement.project),
            selectinload(Transfer.achievement).selectinload(Achievement.contributors),
            selectinload(Transfer.enterprise),
            selectinload(Transfer.reports).selectinload(RoyaltyReport.reversal),
            selectinload(Transfer.receipts).selectinload(IncomeReceipt.shares))
            .where(Transfer.standing()).order_by(Transfer.id)):
        yield [t.achievement.project.code, t.achievement.title, _enterprise(t.enterprise),
               *(getattr(t, f) for f in ip_deals.TERMS[1:]),
               reversal_lines.written(ip_deals.recorded_reports(t),
                                      lambda r: f"{r[0].isoformat()}: {_text(r[1])}"),
               reversal_lines.written(ip_deals.recorded_receipts(t),
                                      lambda r: " | ".join(_receipt(r, emails)))]


def _receipt(receipt: tuple, emails: dict[int, str]) -> list[str]:
    """date | amount | pays, then the report's number, costs, note and the shares it was split
    by (when other than the achievement's today) as far as any is given."""
    on, amount, pays, number, costs, note, shares = receipt
    more = [_text(number), _text(costs) if costs else "", note,
            ", ".join(f"{emails[u] if u else n}: {_text(p)}" for u, n, p in shares or ())]
    while more and not more[-1]:
        more.pop()
    return [on.isoformat(), _text(amount), pays.value, *more]


ROWS: dict[str, Callable[[], Iterator[list]]] = {
    "institutes": _institutes, "enterprises": _enterprises, "users": _users,
    "centres": _centres, "needs": _needs, "projects": _projects, "milestones": _milestones,
    "contracts": _contracts, "funding": _funding, "companies": _companies,
    "incentive_grants": _incentive_grants, "achievements": _achievements,
    "ip_deals": _ip_deals}


def rows(kind: str, where: ColumnElement[bool] | None = None,
         text: Callable[[Any], str] = _text) -> Iterator[list[str]]:
    """The header (the columns' keys, which the import reads) and each record's row, each
    value as `text` writes it: every record, or those `where` selects (a list page's,
    `page_files`)."""
    yield [c.shown for c in KINDS[kind].columns]
    for row in ROWS[kind](true() if where is None else where):
        yield [text(v) for v in row]


def _csv_text(value: Any) -> str:
    """A CSV cell: a text `neutralised` as the list exports neutralise it, so no spreadsheet
    runs a name typed as "=HYPERLINK(...)" (the import reads it back, `reading`); a number, a
    date or a choice as it is (-5 stays -5). The XLSX types its cells (`page_files.xlsx`)."""
    written = _text(value)
    return neutralised(written) if isinstance(value, str) and not isinstance(
        value, Enum) else written


def export_csv(kind: str, where: ColumnElement[bool] | None = None) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows(kind, where, _csv_text))
    return out.getvalue().encode("utf-8")

