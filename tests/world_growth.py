"""More of everything in the world of tests/world.py: what each of its pages lists grows
(members, milestones and their posts, contracts and payments, spending, conditions, evidence,
share entries, grants, agreements and their payments, audit entries, notices, reminders...),
for tests/test_access_matrix.py, whose last test asks every page for as many statements after as
before. Built through the services, as users make it; `grow(world)` may be called more than
once (each call adds under new names)."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal

from tests.achievements.helpers import make_achievement, make_patent
from tests.companies import helpers as companies_helpers
from tests.factories import (
    _commit,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.gates import helpers as gate_helpers
from tests.world import PDF, World
from tracker import db
from tracker.accounts.models import Role, User
from tracker.achievements import deals as ip_deals
from tracker.achievements import services as achievements
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement, IpRight
from tracker.apitokens import services as tokens
from tracker.apitokens.models import TokenScope
from tracker.assessment import services as assessment
from tracker.assessment.models import Indicator
from tracker.centres import services as centre_services
from tracker.centres.models import CentreAgreement
from tracker.companies.models import Company
from tracker.contracts import services as contracts
from tracker.dates import today
from tracker.experts.models import Expert, ExpertTitle
from tracker.funding.models import FundingAgreement
from tracker.gates.models import GateReview, Outcome
from tracker.imports import jobs
from tracker.incentives import services as incentives
from tracker.milestones import services as milestones
from tracker.milestones.models import ProgressUpdate
from tracker.obligations import services as obligation_services
from tracker.obligations.models import ReportKind
from tracker.organisations.models import Institute
from tracker.partners import co_funding
from tracker.partners import services as partner_services
from tracker.partners.agreement_models import AgreementKind
from tracker.partners.models import Partner
from tracker.pms import services as pm_services
from tracker.pms.models import InterviewOutcome, Origin
from tracker.projects import trl
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectMember
from tracker.reminders import scan as reminders
from tracker.spending import services as spending
from tracker.techfields.models import TechnicalField
from tracker.workdays import services as workdays

_round = itertools.count(1)


def _get(model, world: World, key: str):
    return db.session.get(model, world.ids[key])


def _person(world: World, name: str) -> User:
    return db.session.get(User, world.people[name])


def grow(world: World) -> None:
    n = next(_round)
    pm, admin, committee = (_person(world, name) for name in ("pm", "admin", "committee"))
    director, panelist = _person(world, "director"), _person(world, "panelist")
    ours: Institute = _get(Institute, world, "institute_id")
    project: Project = _get(Project, world, "project_id")
    _the_project(n, world, project, pm, admin, panelist, ours)
    _the_proposal(n, world, pm)
    _the_investment(n, world, admin, committee)
    _the_register(n, world, pm, admin)
    _organisations(n, world, admin, director, pm, ours)
    _commit()
    reminders.scan(today())
    _commit()


def _the_project(n, world, project, pm, admin, panelist, ours) -> None:
    """Its team, milestones with posts and evidence, a moved date, spending, TRL, gate 2's
    deliverables, contracts and their payments."""
    for k in range(2):
        colleague = make_user(institute_id=ours.id)
        db.session.add(ProjectMember(project=project, user_id=colleague.id, role=f"Engineer {k}",
                                     confirmed_at=db.utcnow(), confirmed_by_id=pm.id))
        # A note on the world's submitted milestone by each (its page lists them, authors and
        # all); the services take no post once it is submitted.
        db.session.add(ProgressUpdate(milestone_id=world.ids["milestone_id"],
                                      author_id=colleague.id, percent=100, percent_before=100,
                                      note=f"Checked {n}.{k}"))
        milestone = milestones.plan_milestone(
            pm, project, phase=Phase.CONTRACT_RESEARCH, title=f"Step {n}.{k}", deliverable="",
            due_date=today() + timedelta(days=30 + k), weight=Decimal("1"))
        milestones.assign_reviewer(admin, milestone, panelist.id)
        milestones.post_update(pm, milestone, 50, f"Half {n}.{k}",
                               [(io.BytesIO(PDF), f"half-{n}-{k}.pdf")])
        milestones.post_update(pm, milestone, 100, f"Done {n}.{k}",
                               [(io.BytesIO(PDF), f"done-{n}-{k}.pdf")])
        milestones.submit_milestone(pm, milestone)
        late = milestones.plan_milestone(
            pm, project, phase=Phase.CONTRACT_RESEARCH, title=f"Late {n}.{k}", deliverable="",
            due_date=today() + timedelta(days=5), weight=Decimal("1"))
        milestones.rebaseline(pm, late, late.due_date + timedelta(days=100), "Late supplier.")
        spending.record_spending(pm, project, budget_line_id=project.budget_lines[0].id,
                                 spent_on=today(), amount=Decimal("100.00"),
                                 description=f"Parts {n}.{k}")
    trl.record_trl(pm, project, 5, f"Pilot {n}")
    contract = gate_helpers.sign_contract(project, amount="400000.00")
    for instalment in contract.instalments:  # each paid in two parts
        for part in ("50000.00", "20000.00"):
            _pay(pm, instalment, Decimal(part))
    world_contract = db.session.get(type(contract), world.ids["contract_id"])
    _pay(pm, world_contract.instalments[0], Decimal("1000.00"))
    _pay(pm, world_contract.instalments[1], Decimal("1000.00"))


def _pay(pm, instalment, amount: Decimal) -> None:
    contracts.record_payment(pm, instalment, date(2026, 3, 2), amount)


def _the_proposal(n, world, pm) -> None:
    """The proposal under review: its team, whom its review page lists."""
    review: GateReview = _get(GateReview, world, "review_id")
    for k in range(2):
        colleague = make_user(institute_id=review.project.institute_id)
        db.session.add(ProjectMember(project=review.project, user_id=colleague.id,
                                     role=f"Analyst {n}.{k}", confirmed_at=db.utcnow(),
                                     confirmed_by_id=pm.id))


def _the_investment(n, world, admin, committee) -> None:
    agreement: FundingAgreement = _get(FundingAgreement, world, "agreement_id")
    co_funding.record_payment(admin, agreement.co_funders[0], amount=Decimal("1000.00"),
                              paid_on=today() - timedelta(days=300 - n))
    obligation_services.add_obligation(
        committee, agreement, kind=ReportKind.PROGRESS, due_on=today() + timedelta(days=60 + n),
        recipient="Matrix City Science Bureau")
    partner: Partner = _get(Partner, world, "partner_id")
    partner_services.record_agreement(
        admin, partner, kind=AgreementKind.CO_FUNDING, title=f"补充协议 {n}",
        signed_on=today() - timedelta(days=100), starts_on=None, ends_on=None)
    company: Company = _get(Company, world, "company_id")
    companies_helpers.record_round(company, admin, name=f"Series B{n}",
                                   on=today() - timedelta(days=5),
                                   investors=((f"Fund {n}", "1000000"), (f"Angel {n}", "500000")))
    pool = next(h for h in company.holders if h.kind.value == "incentive_pool")
    for k in range(2):
        grantee = make_user(Role.PROJECT_MANAGER)
        incentives.grant(
            admin, company, pool_id=pool.id, user=grantee, person_name="", kind="options",
            shares=Decimal("100"), exercise_price=Decimal("1.00"),
            granted_on=today() - timedelta(days=3), vesting_start=today() - timedelta(days=3),
            vesting_months=48, cliff_months=12, lock_up_until=None, note=f"{n}.{k}")
        # Vested at once, and exercised in part: the grants' exercises on the pool's page.
        vested = incentives.grant(
            admin, company, pool_id=pool.id, user=grantee, person_name="", kind="options",
            shares=Decimal("100"), exercise_price=Decimal("1.00"),
            granted_on=today() - timedelta(days=3), vesting_start=today() - timedelta(days=3),
            vesting_months=0, cliff_months=0, lock_up_until=None, note=f"vested {n}.{k}")
        incentives.exercise(admin, vested, today() - timedelta(days=1), Decimal("40"))
    invested = make_project(pm=_person(world, "pm"), phase=Phase.INVESTMENT_DECISION,
                            institute=_get(Institute, world, "institute_id"))
    other = companies_helpers.make_company(invested, admin, name=f"Spin-off {n}")
    companies_helpers.incorporate(other, admin)


def _the_register(n, world, pm, admin) -> None:
    achievement = db.session.get(Achievement, world.ids["achievement_id"])
    right = db.session.get(IpRight, world.ids["right_id"])
    achievements.add_annuity(pm, right, year_no=3 + n, due_on=today() + timedelta(days=120 + n),
                             fee=Decimal("1300.00"))
    make_patent(achievement, number=f"CN20241099{n:04d}.1")
    project = db.session.get(Project, world.ids["project_id"])
    make_achievement(project, title=f"Coating {n}")
    transfer = db.session.get(Transfer, world.ids["transfer_id"])
    ip_deals.record_income(admin, transfer, received_on=today() - timedelta(days=50 + n),
                           amount=Decimal("1000.00"), costs=None, pays="other", report_id=None)


def _organisations(n, world, admin, director, pm, ours) -> None:
    """Lists: projects, needs, enterprises, centres and their agreements, institutes, people,
    PM records and their interviews, experts, fields, indicators and their evidence, calendar
    days, imports, tokens."""
    enterprise = make_enterprise()
    for k in range(2):
        project = make_project(pm=pm, institute=ours, partner_enterprise_id=enterprise.id)
        review = gate_helpers.submit(project)
        gate_helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
            {"text": f"Condition {n}.{k}.{c}", "owner": pm,
             "due_date": today() + timedelta(days=20 + c)} for c in range(2)])
        make_need(institute=ours, enterprise=enterprise)
        make_user(Role.PROJECT_MANAGER, institute_id=ours.id)
    make_institute(make_user())
    make_centre(enterprise)
    term: CentreAgreement = _get(CentreAgreement, world, "centre_agreement_id")
    centre_services.record_payment(admin, term, paid_on=date(2024, 7, n), amount=Decimal("1000"))
    # The world's PM record is appointed: its interviews are closed; candidates grow the list.
    candidate = pm_services.save_record(admin, None, name=f"Candidate {n}",
                                        email=f"candidate{n}@example.cn",
                                        origin=Origin.DOMESTIC, institute_id=ours.id)
    pm_services.record_interview(admin, candidate, held_on=date(2024, 1, 10 + n),
                                 panel_ids=[admin.id], outcome=InterviewOutcome.RECOMMENDED)
    db.session.add(Expert(name=f"Expert {n}", professional_title=ExpertTitle.SENIOR,
                          unit="University", expertise="Materials",
                          email=f"expert{n}@example.cn", phone=""))
    db.session.add(TechnicalField(code=f"F{n}", name=f"领域{n}", name_en=f"Field {n}"))
    indicator: Indicator = _get(Indicator, world, "indicator_id")
    assessment.enter_evidence(director, indicator, ours, amount=Decimal("100"),
                              description=f"Services {n}",
                              uploads=[(io.BytesIO(PDF), f"invoice-{n}-{k}.pdf")
                                       for k in range(2)])
    workdays.add_day(admin, date(today().year, 12, 20 + n), False, f"Closed {n}")
    jobs.queue(admin, "institutes", f"institutes-{n}.csv", b"code,name\n", dry_run=True,
               locale=None)
    tokens.create_token(pm, f"Desktop {n}", TokenScope.READ, 30)
