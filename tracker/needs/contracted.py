"""What makes an enterprise need contracted: a research contract signed on a project made from
it (domain.md: a need moves collected → analysed → matched → contracted, the contract being
the research contract with the enterprise). The dashboard's figure and the needs list it links
to count by this, not by the need's stored state alone: a need HQ marked contracted before the
state could only be reached by a contract (`need_states`) is matched, not contracted, until
its contract is recorded.

Written as `id IN (needs with a standing contract)`, not as a correlated `EXISTS`: PostgreSQL
estimated the dashboard's statement with the `EXISTS` (twice, in two `FILTER`s) at two million,
past the cost where it compiles a query to machine code first, which took a second for a
query of 10 ms (3,000 needs, 5,000 contracts). The list of needs is read once, whatever the
number of needs; `need_id IS NOT NULL` keeps `NOT contracted()` true for the others."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select

from tracker.contracts.models import ResearchContract
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project


def contracted() -> ColumnElement[bool]:
    """A need in the state contracted with a research contract signed on one of its projects
    (one that stands: a contract voided as recorded by mistake contracted nothing)."""
    return and_(TechnologyNeed.state == NeedState.CONTRACTED, TechnologyNeed.id.in_(
        select(Project.need_id).join(ResearchContract, ResearchContract.project_id == Project.id)
        .where(Project.need_id.is_not(None), ResearchContract.standing())))
