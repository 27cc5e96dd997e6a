"""What makes an enterprise need contracted: a research contract signed on a project made from
it (domain.md: a need moves collected → analysed → matched → contracted, the contract being
the research contract with the enterprise). The dashboard's figure and the needs list it links
to count by this, not by the need's stored state alone: a need HQ marked contracted before the
state could only be reached by a contract (`need_states`) is matched, not contracted, until
its contract is recorded."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists

from tracker.contracts.models import ResearchContract
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project


def contracted() -> ColumnElement[bool]:
    """A need in the state contracted with a research contract signed on one of its projects
    (one that stands: a contract voided as recorded by mistake contracted nothing)."""
    return and_(TechnologyNeed.state == NeedState.CONTRACTED, exists().where(
        Project.need_id == TechnologyNeed.id, ResearchContract.project_id == Project.id,
        ResearchContract.standing()))
