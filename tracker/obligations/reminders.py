"""The open items of the reminder rule `funder_report` (tracker/reminders/rules.py): reports
owed to funders, neither submitted nor withdrawn, to the project's PM, escalated to the
director of its institute and to HQ. Like tracker/reminders/items.py, an item done (a report
submitted, the obligation withdrawn) no longer comes out of the query, so its reminders stop."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, select

from tracker.accounts.models import User
from tracker.obligations.models import ReportObligation, ReportSubmission
from tracker.obligations.queries import with_project
from tracker.organisations.models import Enterprise, Headquarters, Institute
from tracker.partners.models import Partner
from tracker.projects.models import Project
from tracker.reminders.items import Item
from tracker.reminders.query import Query, built_once


def _reports(q: Query) -> Select:
    stmt = (with_project(select(
                ReportObligation.id, ReportObligation.due_on, ReportObligation.kind,
                func.coalesce(Enterprise.name, Partner.name, Headquarters.name,
                              ReportObligation.recipient),
                Project.id, Project.code, Project.pm_id, Institute.director_id, Project.title,
                User.name, func.coalesce(Enterprise.name_en, Partner.name_en,
                                         Headquarters.name_en), ReportObligation.recorded_at))
            .outerjoin(Enterprise, Enterprise.id == ReportObligation.recipient_enterprise_id)
            .outerjoin(Partner, Partner.id == ReportObligation.recipient_partner_id)
            .outerjoin(Headquarters, Headquarters.id == ReportObligation.recipient_hq_id)
            .join(Institute, Institute.id == Project.institute_id)
            .join(User, User.id == Project.pm_id)
            .where(ReportObligation.withdrawn_at.is_(None),
                   ~exists().where(ReportSubmission.obligation_id == ReportObligation.id)))
    return q.apply(stmt, ReportObligation.id, ReportObligation.due_on, Project.pm_id)


def reports_owed(q: Query) -> list[Item]:
    """Each names, for whoever reads it (an escalation most of all), the project (its code and
    title), the report, its due date, who it goes to (an organisation in each reader's
    language) and who is responsible for it: the project's PM. Built once a process
    (`built_once`): a director's home reads whether those it was escalated are still owed."""
    return [Item(id=r[0], deadline=r[1], title=r[3], title_en=r[10], project_id=r[4],
                 project=r[5] or "",
                 owner_id=r[6], director_id=r[7],
                 extra={"kind": str(r[2]), "project_title": r[8], "pm": r[9]}, arrived=r[11],
                 link=("obligations.show", {"obligation_id": r[0]}))
            for r in built_once(_reports, q)]
