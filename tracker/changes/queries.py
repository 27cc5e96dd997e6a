"""What the change pages show: each request's before and after in the words of the project's
history, and the approved baseline beside the current plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.audit.models import UnsavedRecord
from tracker.changes import plan
from tracker.changes.models import OPEN_STATES, ChangeRequest, ProjectBaseline
from tracker.display import history
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project


def before_after(requests: list[ChangeRequest]) -> dict[int, list[history.Change]]:
    """Each request's fields, before and after, formatted as the project's history shows
    them (names for people, money, dates)."""
    lines = history.describe([UnsavedRecord(
        "change.request", "projects", r.project_id,
        {k: [r.before.get(k), v] for k, v in r.after.items()}, r.requested_at, r.requested_by)
        for r in requests])
    return {r.id: line.changes for r, line in zip(requests, lines, strict=True)}


@dataclass
class PlanRow:
    label: str
    kind: str  # "money", "date", "text", "user"
    approved: Any
    current: Any

    @property
    def changed(self) -> bool:
        return self.approved != self.current


@dataclass
class PlanComparison:
    baseline: ProjectBaseline | None
    rows: list[PlanRow] = field(default_factory=list)
    # When the baseline was approved: HQ's decision on the change it follows, or the proposal
    # gate's GO for the first one (taken when the first change is made, which is not when
    # anybody approved it). None: a project imported under way, with no gate on record.
    approved_at: datetime | None = None


def approved_at(base: ProjectBaseline) -> datetime | None:
    """When what `base` holds was approved, never when the row was written."""
    if base.change_request_id is not None:
        return db.session.scalar(select(ChangeRequest.decided_at).where(
            ChangeRequest.id == base.change_request_id))
    return db.session.scalar(select(func.min(PhaseChange.at)).where(
        PhaseChange.project_id == base.project_id,
        PhaseChange.from_phase == Phase.PROPOSAL_REVIEW,
        PhaseChange.to_phase == Phase.CONTRACT_RESEARCH))


def comparison(project: Project) -> PlanComparison:
    """The approved baseline beside the current plan, row by row (no baseline: nothing has
    changed since the proposal gate, and the plan is its own baseline)."""
    base = plan.baseline(project)
    result = PlanComparison(base)
    if base is None:
        return result
    result.approved_at = approved_at(base)
    approved_lines = {c: Decimal(a) for c, a in base.budget_lines}
    current_lines = {b.category: b.amount for b in project.budget_lines}
    result.rows.append(PlanRow(_l("Budget total"), "money", base.budget_total,
                               project.budget_total))
    # A template's lines by their category's name in the reader's language.
    shown = {c.name: c.shown("name") for c in (project.budget_template.categories
                                                if project.budget_template else ())}
    for category in dict.fromkeys([*approved_lines, *current_lines]):
        result.rows.append(PlanRow(shown.get(category, category), "money",
                                   approved_lines.get(category), current_lines.get(category)))
    result.rows.append(PlanRow(_l("End date"), "date", base.end_date, project.end_date))
    result.rows.append(PlanRow(_l("Technical route"), "text", base.technical_route,
                               project.technical_route))
    result.rows.append(PlanRow(_l("Project manager"), "user", base.pm.name, project.pm.name))
    return result


def requests_of(project: Project) -> list[ChangeRequest]:
    return list(db.session.scalars(
        select(ChangeRequest).where(ChangeRequest.project_id == project.id)
        .options(selectinload(ChangeRequest.requested_by), selectinload(ChangeRequest.decided_by),
                 selectinload(ChangeRequest.correction))
        .order_by(ChangeRequest.id.desc())))


def pending_count(project: Project) -> int:
    return sum(1 for _ in db.session.scalars(select(ChangeRequest.id).where(
        ChangeRequest.project_id == project.id, ChangeRequest.state.in_(OPEN_STATES))))
