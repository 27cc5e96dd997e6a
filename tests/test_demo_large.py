"""`flask demo seed --scale large`, at a size a test can afford: every table goes through the
import, proportions as at full size, and a second run changes nothing."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tracker import db
from tracker.accounts.services import find_by_email
from tracker.companies.holder_models import HolderType
from tracker.companies.models import Company
from tracker.contracts.models import Payment, ResearchContract
from tracker.demo import seed
from tracker.demo_large import Sizes, seed_large
from tracker.demo_tables import ANCHOR, LARGE, Tables
from tracker.demo_ventures import COMPANY_REGION
from tracker.funding.models import FundingAgreement
from tracker.incentives.models import IncentiveGrant
from tracker.milestones.models import Milestone
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import FINAL, SPIN_OFF_PHASES, Phase
from tracker.projects.models import Project, ProjectType
from tracker.reminders.models import OutboxMessage

SMALL = Sizes(institutes=4, pms=12, evaluators=2, enterprises=10, centres=3, needs=6,
              projects=60, active=10, milestones_each=2, contracts_each=2, committee=2,
              companies=8)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_large_seed_goes_through_the_import_and_again_changes_nothing(app):
    app.test_cli_runner()  # the app context of the tests' database
    seed()
    admin = find_by_email("admin@demo.jitri.cn")
    before = _count(OutboxMessage)  # the small demo's reminders
    seen = []
    seeded = seed_large(admin, "JITRI", sizes=SMALL,
                        progress=lambda name, done, total: seen.append(name))
    runs = seeded.runs
    # The allocation-investment projects under way (every third) each have an agreement.
    assert {name: run.created for name, run in runs.items()} == {
        "enterprises": 10, "institutes": 4, "users": 20, "institute directors": 0,
        "centres": 3, "needs": 6, "projects": 60, "milestones": 120, "contracts": 20,
        "funding": 3, "companies": SMALL.companies + len(_grants())}
    assert runs["institute directors"].updated == 4
    assert set(seen) == set(runs)
    large = select(Project.id).where(Project.code.like("JITRI-20%"), Project.title.like("项目%"))
    assert _count(Project, Project.id.in_(large), Project.phase.in_(FINAL)) == 50
    assert _count(Project, Project.id.in_(large), Project.phase == Phase.TERMINATED) == 6
    assert _count(Milestone, Milestone.project_id.in_(large)) == 120
    assert _count(ResearchContract, ResearchContract.number.is_not(None)) == 20
    assert _count(Payment) >= 10
    assert _count(Institute, Institute.director_id.is_not(None), Institute.code.like("L%")) == 4
    _the_money_and_the_companies(large)
    # The scan of today wrote what is due: the milestones of the projects under way that fell
    # due since the data set's today (2025-12-31) among them.
    outbox = _count(OutboxMessage)
    assert seeded.reminders.new == outbox - before > 0
    assert _count(OutboxMessage, OutboxMessage.rule == "milestone_due",
                  OutboxMessage.project_id.in_(large)) > 0

    again = seed_large(admin, "JITRI", sizes=SMALL)
    assert {run.created + run.updated for run in again.runs.values()} == {0}
    assert again.reminders.new == 0
    assert again.reminders.found == seeded.reminders.found
    assert _count(OutboxMessage) == outbox


def _the_money_and_the_companies(large) -> None:
    agreements = list(db.session.scalars(select(FundingAgreement).where(
        FundingAgreement.project_id.in_(large))))
    assert {a.project.type for a in agreements} == {ProjectType.ALLOCATION_INVESTMENT}
    assert len(agreements) == 3
    assert all(a.project.phase not in FINAL for a in agreements)
    assert [len(a.tranches) for a in agreements] == [2] * 3
    # Each tranche whose gate was passed is paid in full: gate 1 of a project past proposal
    # review, gate 2 of one past contract research.
    passed = sum({Phase.PROPOSAL_REVIEW: 0, Phase.CONTRACT_RESEARCH: 1}.get(a.project.phase, 2)
                 for a in agreements)
    assert sum(len(t.disbursements) for a in agreements for t in a.tranches) == passed > 0
    assert all(a.disbursed == sum(t.amount for t in a.tranches if t.condition_holds)
               for a in agreements)
    companies = _companies()
    assert len(companies) == SMALL.companies
    assert all(p.phase in SPIN_OFF_PHASES for c in companies for p in c.projects)
    # 0 to 3 rounds each, every count among them; the team holds 60 % at incorporation.
    assert {len(c.rounds) for c in companies} == {0, 1, 2, 3}
    assert {_team_share(c) for c in companies} == {Decimal("0.6")}
    assert _grants()


def _team_share(company: Company) -> Decimal:
    table = company.founders_table()
    return sum(e.shares for e in table if e.to_holder.kind is HolderType.TEAM) / sum(
        e.shares for e in table)


def _companies() -> list[Company]:
    return list(db.session.scalars(select(Company).where(
        Company.uscc.like(f"91{COMPANY_REGION}000%"))))


def _grants() -> list[IncentiveGrant]:
    return list(db.session.scalars(select(IncentiveGrant).where(
        IncentiveGrant.company_id.in_([c.id for c in _companies()]))))


def test_every_contract_of_the_large_tables_is_signed_in_its_project_s_life():
    """Found by session 13's full-size seed: a contract signed 60 days before the data set's
    today came before the project began for a project starting in the data set's last month
    (refused since 4501aebe: tracker/projects/life.py), which the test's own sizes have not."""
    tables = Tables("JITRI", LARGE)
    starts = {p["code"]: p["start"] for p in map(tables.project, range(LARGE.active))}
    rows = tables.contracts()
    signed = rows[0].index("signed_on")
    assert len(rows) == LARGE.active * LARGE.contracts_each + 1
    assert all(starts[row[0]] <= date.fromisoformat(row[signed]) <= ANCHOR for row in rows[1:])
