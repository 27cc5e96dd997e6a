"""The list of research contracts a viewer may see: columns only, money received summed in the
same statement, so the list (and its export) is one statement whatever its length."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project


def contracts(project_filter) -> Select:
    """Every contract of the projects `project_filter` selects, latest signed first; each row
    has id, signed_on, title, type, amount, received, project_id, project_code, enterprise."""
    received = (select(func.coalesce(func.sum(Payment.amount), 0))
                .join(Instalment, Instalment.id == Payment.instalment_id)
                .where(Instalment.contract_id == ResearchContract.id)
                .scalar_subquery())
    return (select(ResearchContract.id, ResearchContract.signed_on, ResearchContract.title,
                   ResearchContract.type, ResearchContract.amount, received.label("received"),
                   Project.id.label("project_id"), Project.code.label("project_code"),
                   Enterprise.shown_in_sql("name").label("enterprise"))
            .join(Project, Project.id == ResearchContract.project_id)
            .join(Enterprise, Enterprise.id == ResearchContract.enterprise_id)
            .where(project_filter)
            .order_by(ResearchContract.signed_on.desc(), ResearchContract.id.desc()))
