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
number of needs; `need_id IS NOT NULL` keeps `NOT contracted()` true for the others.

A need's contracted date follows its contracts (`follow`): the one rule every path that
changes which contracts count or when they were signed calls."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, func, select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.contracts.models import ResearchContract
from tracker.gates.dating import noon
from tracker.organisations import need_states
from tracker.organisations import services as organisations
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project


def contracted() -> ColumnElement[bool]:
    """A need in the state contracted with a research contract signed on one of its projects
    (one that stands: a contract voided as recorded by mistake contracted nothing)."""
    return and_(TechnologyNeed.state == NeedState.CONTRACTED, TechnologyNeed.id.in_(
        select(Project.need_id).join(ResearchContract, ResearchContract.project_id == Project.id)
        .where(Project.need_id.is_not(None), ResearchContract.standing())))


def follow(actor: User | None, needs: Iterable[TechnologyNeed | None]) -> None:
    """THE rule of a need's contracted date: its earliest standing contract's signing (noon
    that day in the organisation's zone, never after now), read again from the contracts of
    its projects whenever which contracts count, or their dates, change: a contract recorded
    (its page, both paths of the contracts import), its terms corrected (its page, an import:
    the signing date moved either way), voided, or a project's need changed. A collected,
    analysed or matched need with such a contract becomes contracted on that date
    (`stamp_state`); a contracted need is dated again; one left with no standing contract (its
    only contract voided as recorded by mistake) keeps its final state but no contracted date,
    as a need imported as contracted before its contract (`contracted()` counts it as
    matched). Each need changed is audited as `need.contracted` with what changed, and
    flushed."""
    by_id = {need.id: need for need in needs if need is not None}
    if not by_id:
        return
    db.session.flush()  # the contract just recorded, corrected or voided
    earliest = dict(db.session.execute(
        select(Project.need_id, func.min(ResearchContract.signed_on))
        .join(ResearchContract, ResearchContract.project_id == Project.id)
        .where(Project.need_id.in_(by_id), ResearchContract.standing())
        .group_by(Project.need_id)).tuples().all())
    now = db.utcnow()
    for need_id, need in sorted(by_id.items()):
        signed = earliest.get(need_id)
        at = None if signed is None else min(noon(signed), now)
        if at is not None and need.state in need_states.CONTRACTABLE:
            organisations.stamp_state(actor, need, NeedState.CONTRACTED, by_contract=True, at=at)
        elif need.state is NeedState.CONTRACTED and need.contracted_at != at:
            need.contracted_at = at
            if at is not None:
                need.state_since = at
        else:
            continue
        audit.record(actor, "need.contracted", need, audit.pending_changes(need))
    db.session.flush()
