"""The reminder items of enterprise needs (tracker/needs): a need left too long in a state."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from tracker.dates import local_date, org_zone
from tracker.organisations.models import Enterprise, NeedState, TechnologyNeed
from tracker.reminders.items import Item, Query, _rows

OPEN_NEED = (NeedState.COLLECTED, NeedState.ANALYSED, NeedState.MATCHED)


def needs_stale(q: Query) -> list[Item]:
    """Enterprise needs neither contracted nor closed, counted from the day they entered their
    state (`TechnologyNeed.state_since`); done once they move on."""
    stmt = (select(TechnologyNeed.id, TechnologyNeed.state_since, TechnologyNeed.title,
                   Enterprise.name, Enterprise.name_en, TechnologyNeed.created_at)
            .join(Enterprise, Enterprise.id == TechnologyNeed.enterprise_id)
            .where(TechnologyNeed.state.in_(OPEN_NEED)))
    if q.until is not None:
        end = datetime.combine(q.until + timedelta(days=1), time(0), org_zone()).astimezone(UTC)
        stmt = stmt.where(TechnologyNeed.state_since < end)
    stmt = Query(item_ids=q.item_ids, owner_id=q.owner_id).apply(
        stmt, TechnologyNeed.id, None, None)
    # Arrived: an imported need keeps its file's Recorded on day, not the import's (no column
    # keeps that). Its ladder's one rung goes to HQ, the first recipients, whose latest rung
    # `Ladder.news` sends once whichever the arrival; a rung for another audience would need
    # an arrival column of its own (review finding 8b).
    return [Item(id=r[0], deadline=local_date(r[1]), title=r[2], arrived=r[5],
                 # The enterprise in each reader's language (`mail._entry` reads `*_en`).
                 extra={"enterprise": r[3], **({"enterprise_en": r[4]} if r[4] else {})},
                 link=("organisations.need", {"object_id": r[0]}))
            for r in _rows(stmt)]
