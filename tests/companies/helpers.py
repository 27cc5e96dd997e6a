"""Spin-off companies and allocation-investment set up through the services, for tests."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.achievements import helpers as ip_helpers
from tests.factories import _commit, make_user, uscc_for
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements.models import Achievement
from tracker.companies import deals
from tracker.companies import services as companies
from tracker.companies.deals import InvestorLine
from tracker.companies.ip_models import IpDeal, IpDealKind
from tracker.companies.models import Acquisition, Company, HolderType
from tracker.companies.services import IssueLine
from tracker.dates import today
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase

_codes = itertools.count(700_001)

TECHNOLOGY = "Force-controlled joint module"
# The worked example of the issue: 10,000,000 shares before the round.
FOUNDING = [
    IssueLine("R&D team", HolderType.TEAM, Decimal("7000000"), Acquisition.IP, TECHNOLOGY),
    IssueLine("Robotics institute", HolderType.INSTITUTE, Decimal("2000000"), Acquisition.IP,
              TECHNOLOGY),
    IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, Decimal("1000000"), Acquisition.CASH),
]


LONG_AGO = 730  # days: a project begun then is older than every record of these helpers


def days_ago(n: int):
    return today() - timedelta(days=n)


def manager():
    return make_user(Role.HQ_ADMIN)


def make_company(project, actor=None, *, registered: bool = True, **values) -> Company:
    values = {
        "name": f"Spin-off of {project.code}",
        "uscc": uscc_for(next(_codes)) if registered else None,
        "registered_on": days_ago(400) if registered else None,
        "registered_capital": Decimal("10000000.00"), "legal_representative": "Li Qiang",
        "project_ids": [project.id], **values,
    }
    company = companies.record_company(actor or manager(), **values)
    _commit()
    return company


def incorporate(company: Company, actor=None, lines=FOUNDING, on=None) -> list[str]:
    total = sum((line.shares for line in lines), Decimal("0"))
    warnings = companies.incorporate(actor or manager(), company, list(lines),
                                     on or days_ago(400), total)
    _commit()
    return warnings


def record_round(company: Company, actor=None, *, on=None, pre_money="120000000",
                 investors=(("Suzhou Venture Capital", "24000000"),), name="Series A"):
    lines = [InvestorLine(n, HolderType.INVESTOR, Decimal(a), lead=i == 0)
             for i, (n, a) in enumerate(investors)]
    financing = deals.record_round(
        actor or manager(), company, name=name, on=on or days_ago(30),
        pre_money=Decimal(pre_money), amount=sum((line.amount for line in lines), Decimal("0")),
        investors=lines)
    _commit()
    return financing


_patents = itertools.count(1)


def register(project, *, patent: bool = True):
    """The project's achievement in the register (its first, else a new one with a patent):
    what a spin-off's IP deal names (F38)."""
    found = db.session.scalars(select(Achievement).where(
        Achievement.project_id == project.id).order_by(Achievement.id)).first()
    if found is not None:
        return found
    achievement = ip_helpers.make_achievement(project, title="Force-controlled joint")
    if patent:
        ip_helpers.make_patent(achievement, number=f"CN2023101{next(_patents):05d}.7")
    return achievement


def license_ip(company: Company, project, actor=None, **values):
    signed_on = max(days_ago(390), company.registered_on)
    achievement = register(project)
    values = {"achievement_id": achievement.id, "right_ids": [r.id for r in achievement.rights],
              "kind": IpDealKind.LICENCE, "licensee": company.name, "exclusive": True,
              "field_of_use": "Collaborative robots", "upfront": Decimal("500000"),
              "royalty_pct": Decimal("3.00"), "signed_on": signed_on, **values}
    deal = deals.record_ip_deal(actor or manager(), company, **values)
    _commit()
    return deal


def typed_deal(company: Company, project, actor) -> IpDeal:
    """A deal recorded before the register, its patent typed (F38): not linked to it."""
    typed = IpDeal(company_id=company.id, project_id=project.id, kind=IpDealKind.ASSIGNMENT,
                   patent_number="CN201910000001.X", title="Old joint design",
                   licensee=company.name, exclusive=False, field_of_use="", upfront=Decimal(0),
                   royalty_pct=Decimal(0), equity_shares=Decimal(0),
                   signed_on=days_ago(300), recorded_by_id=actor.id)
    db.session.add(typed)
    _commit()
    return typed


def ready_for_spin_off(project) -> Company:
    """What gate 4 asks for: a registered company, a cap table, a licence of the IP."""
    company = make_company(project)
    incorporate(company)
    license_ip(company, project)
    return company


def make_milestone(project, state=MilestoneState.PLANNED, title="Prototype joint") -> Milestone:
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title=title,
                          due_date=today() + timedelta(days=30), state=state)
    db.session.add(milestone)
    _commit()
    return milestone


def worked_example(project=None, committee=None):
    """The issue's example, converted, with the IP licensed: the agreement and the company."""
    from tracker.funding import services as funding

    committee = committee or make_user(Role.INVESTMENT_COMMITTEE)
    project = project or invested_project()
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("10000000.00"),
        qualifying_round_min=Decimal("20000000.00"), discount_pct=Decimal("20"),
        signed_on=days_ago(500), conversion_deadline=today() + timedelta(days=365))
    milestone = make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=Decimal("10000000.00"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=Decimal("10000000.00"),
                                paid_on=days_ago(450))
    company = make_company(project)
    incorporate(company)
    license_ip(company, project)
    funding.convert(committee, agreement, record_round(company))
    _commit()
    return agreement, company


def invested_project(**kw):
    """A project invested in, begun long enough ago (`LONG_AGO`) for an agreement signed 600
    days ago: a contract or agreement is signed in its project's life (tracker/projects/life)."""
    from tests.factories import make_project

    return make_project(phase=Phase.INVESTMENT_DECISION, start_date=days_ago(LONG_AGO), **kw)
