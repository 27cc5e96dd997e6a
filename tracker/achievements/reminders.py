"""The open items of the register's reminder rules (tracker/reminders/rules.py): patent
annuities not yet paid. Like tracker/reminders/items.py, an item done (the annuity paid, the
patent lapsed or abandoned) no longer comes out of its query, so its reminders stop."""

from __future__ import annotations

from sqlalchemy import select

from tracker import db
from tracker.achievements.models import LIVE, Achievement, Annuity, IpRight
from tracker.organisations.models import Institute
from tracker.projects.models import Project
from tracker.reminders.items import Item, Query


def annuities_due(q: Query) -> list[Item]:
    """Annuities of live patents (filed or granted) not yet paid, to the PM of the
    achievement's project."""
    stmt = (select(Annuity.id, Annuity.due_on, IpRight.number, IpRight.title, Project.id,
                   Project.code, Project.pm_id, Institute.director_id, Annuity.year_no,
                   Annuity.fee, IpRight.id)
            .join(IpRight, IpRight.id == Annuity.right_id)
            .join(Achievement, Achievement.id == IpRight.achievement_id)
            .join(Project, Project.id == Achievement.project_id)
            .join(Institute, Institute.id == Project.institute_id)
            .where(Annuity.paid_on.is_(None), IpRight.status.in_(LIVE)))
    stmt = q.apply(stmt, Annuity.id, Annuity.due_on, Project.pm_id)
    return [Item(id=r[0], deadline=r[1], title=f"{r[2]} {r[3]}".strip(), project_id=r[4],
                 project=r[5] or "", owner_id=r[6], director_id=r[7],
                 extra={"year": str(r[8]), "fee": str(r[9])},
                 link=("achievements.right", {"right_id": r[10]}))
            for r in db.session.execute(stmt)]
