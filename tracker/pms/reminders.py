"""The open items of the register's reminder rule `pm_term_end` (tracker/reminders/rules.py):
a PM's term coming to its end, neither renewed nor ended. Recording the renewal or the end of
the appointment takes the term out of the query, so its reminders stop."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from tracker import db
from tracker.organisations.models import Institute
from tracker.pms.models import PmRecord, PmTerm
from tracker.pms.register import PmState
from tracker.reminders.items import Item, Query


def terms_ending(q: Query) -> list[Item]:
    renewal = aliased(PmTerm)
    stmt = (select(PmTerm.id, PmTerm.ends_on, PmRecord.name, PmRecord.id, Institute.name,
                   Institute.name_en, PmTerm.appointed_at)
            .join(PmRecord, PmRecord.id == PmTerm.record_id)
            .join(Institute, Institute.id == PmTerm.institute_id)
            .where(PmRecord.state == PmState.APPOINTED, PmTerm.ended_on.is_(None),
                   ~exists().where(renewal.renews_id == PmTerm.id)))
    stmt = q.apply(stmt, PmTerm.id, PmTerm.ends_on, None)
    # The institute in each reader's language (`mail._entry` reads `*_en`).
    return [Item(id=r[0], deadline=r[1], title=r[2], arrived=r[6],
                 extra={"institute": r[4], **({"institute_en": r[5]} if r[5] else {})},
                 link=("pms.show", {"record_id": r[3]}))
            for r in db.session.execute(stmt)]
