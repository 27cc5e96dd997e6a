"""A PM's figures, for one record's page or the register's list: their projects by phase,
accepted milestones on time and late, gate outcomes (decisions in force), the research-contract
value raised and the companies created from their projects; and HQ's new PMs per year. Counted
over the projects the PM leads now (Project.pm_id). A fixed number of statements whatever the
number of PMs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from tracker import db, money
from tracker.companies.models import company_projects
from tracker.contracts.models import ResearchContract
from tracker.dates import local_date
from tracker.gates.decision_models import GateDecision, Outcome
from tracker.milestones.models import Milestone, MilestoneState
from tracker.pms.models import PmTerm
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reports.filters import year_bounds

ZERO = Decimal("0")
# A new PM: their first term (renewing none), in the year of the day HQ recorded it. The
# annual report and the institute assessment count new PMs by it.
FIRST_TERM = PmTerm.renews_id.is_(None)


@dataclass
class PmFigures:
    by_phase: Counter[Phase] = field(default_factory=Counter)
    # Accepted milestones submitted on or before their due date (the submission's local
    # date), and after it: the assessment's measure of milestones on time, per PM.
    milestones_on_time: int = 0
    milestones_late: int = 0
    gate_outcomes: Counter[Outcome] = field(default_factory=Counter)
    contract_value: Decimal = ZERO
    companies: int = 0

    @property
    def projects(self) -> int:
        return sum(self.by_phase.values())


def figures(user_ids: Collection[int]) -> dict[int, PmFigures]:
    """PM's user id -> their figures (five statements); a PM with no project has the empty
    figures."""
    ids = [i for i in user_ids if i is not None]
    found: dict[int, PmFigures] = defaultdict(PmFigures)
    if not ids:
        return {}
    for pm_id, phase, count in db.session.execute(
            select(Project.pm_id, Project.phase, func.count(Project.id))
            .where(Project.pm_id.in_(ids)).group_by(Project.pm_id, Project.phase)):
        found[pm_id].by_phase[phase] = count
    for pm_id, due, submitted in db.session.execute(
            select(Project.pm_id, Milestone.due_date, Milestone.submitted_at)
            .join(Project, Project.id == Milestone.project_id)
            .where(Project.pm_id.in_(ids), Milestone.state == MilestoneState.ACCEPTED,
                   Milestone.submitted_at.is_not(None))):
        if local_date(submitted) <= due:
            found[pm_id].milestones_on_time += 1
        else:
            found[pm_id].milestones_late += 1
    for pm_id, outcome, count in db.session.execute(
            select(Project.pm_id, GateDecision.outcome, func.count(GateDecision.id))
            .join(Project, Project.id == GateDecision.project_id)
            .where(Project.pm_id.in_(ids), GateDecision.in_force())
            .group_by(Project.pm_id, GateDecision.outcome)):
        found[pm_id].gate_outcomes[outcome] = count
    for pm_id, value in db.session.execute(
            select(Project.pm_id, func.sum(ResearchContract.amount))
            .join(Project, Project.id == ResearchContract.project_id)
            .where(Project.pm_id.in_(ids), ResearchContract.standing())
            .group_by(Project.pm_id)):
        found[pm_id].contract_value = money.cents(Decimal(value or 0))
    for pm_id, count in db.session.execute(
            select(Project.pm_id, func.count(func.distinct(company_projects.c.company_id)))
            .join(company_projects, company_projects.c.project_id == Project.id)
            .where(Project.pm_id.in_(ids)).group_by(Project.pm_id)):
        found[pm_id].companies = count
    return {i: found[i] for i in ids}


def first_appointments(years: Collection[int],
                       institute_ids: Collection[int] | None = None) -> dict[tuple[int | None,
                                                                                  int], int]:
    """New PMs: (institute id, year) -> how many were first appointed (a term renewing none)
    in the year, by the date HQ recorded the appointment in the organisation's time zone, at
    the institute of that term. One statement."""
    years = sorted(years)
    start, end = year_bounds(years[0])[0], year_bounds(years[-1])[1]
    query = (select(PmTerm.institute_id, PmTerm.appointed_at)
             .where(FIRST_TERM, PmTerm.appointed_at >= start,
                    PmTerm.appointed_at < end))
    if institute_ids is not None:
        query = query.where(PmTerm.institute_id.in_(list(institute_ids)))
    counted: Counter[tuple[int | None, int]] = Counter()
    for institute_id, at in db.session.execute(query):
        year = local_date(at).year
        if year in years:
            counted[(institute_id, year)] += 1
    return dict(counted)
