"""Items the reminder rules watch, made directly in the tables: the reminders read state and
dates, so a test sets them as they would be on the day it simulates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts.models import ContractType, Instalment, Payment, ResearchContract
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase


def people(pm_locale: str = "zh_CN", director_locale: str = "zh_CN"):
    """A PM, the director of their institute, an HQ admin and an evaluator."""
    pm = make_user(Role.PROJECT_MANAGER, locale=pm_locale, name="Li Qiang")
    director = make_user(locale=director_locale, name="Zhang Wei")
    hq = make_user(Role.HQ_ADMIN, locale="en", name="Wang Min")
    evaluator = make_user(Role.EVALUATOR, locale="en", name="Anna Evans")
    return pm, director, hq, evaluator


def project_for(pm, director=None, **kw):
    institute = make_institute(director=director)
    return make_project(pm=pm, institute=institute, phase=kw.pop("phase", Phase.CONTRACT_RESEARCH),
                        **kw)


def milestone(project, due: date, *, reviewer=None, title: str = "Prototype",
              state: MilestoneState = MilestoneState.IN_PROGRESS) -> Milestone:
    m = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title=title,
                  due_date=due, state=state, reviewer_id=reviewer.id if reviewer else None)
    db.session.add(m)
    _commit()
    return m


def submit(m: Milestone, when: datetime) -> None:
    m.state = MilestoneState.SUBMITTED
    m.submitted_at = when
    _commit()


def set_state(m: Milestone, state: MilestoneState) -> None:
    m.state = state
    _commit()


def instalment(project, due: date, amount: str = "500000.00") -> Instalment:
    contract = ResearchContract(project_id=project.id, enterprise_id=make_enterprise().id,
                                title="Sensor development", type=ContractType.DEVELOPMENT,
                                amount=Decimal("2000000.00"), signed_on=date(2026, 1, 10))
    contract.instalments = [Instalment(due_date=due, amount=Decimal(amount))]
    db.session.add(contract)
    _commit()
    return contract.instalments[0]


def pay(inst: Instalment, amount: str, on: date, by) -> None:
    db.session.add(Payment(instalment_id=inst.id, received_on=on, amount=Decimal(amount),
                           recorded_by_id=by.id))
    _commit()
    db.session.refresh(inst)
