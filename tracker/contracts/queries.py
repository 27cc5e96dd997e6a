"""The list of research contracts a viewer may see: columns only, money received summed in the
same statement, so the list (and its export) is one statement whatever its length.

A `Years` narrows the list and its roll-up to a calendar year as the dashboard's "this year"
figures count: contracts by their signing date, money by the date it was received."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, extract, func, select, true
from sqlalchemy.orm import aliased

from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project


@dataclass(frozen=True)
class Years:
    signed: int = 0  # only the contracts signed in this year
    received: int = 0  # only the money received in this year, and the contracts that got some

    def payments(self, payment=Payment) -> ColumnElement[bool]:
        """The payments the list sums (of `payment`, Payment or an alias of it)."""
        return extract("year", payment.received_on) == self.received if self.received else true()

    def contracts(self) -> ColumnElement[bool]:
        """The contracts the list shows."""
        clauses = []
        if self.signed:
            clauses.append(extract("year", ResearchContract.signed_on) == self.signed)
        if self.received:  # aliases: the roll-up's own query joins the payments too
            instalment, payment = aliased(Instalment), aliased(Payment)
            clauses.append(exists().where(
                instalment.contract_id == ResearchContract.id,
                payment.instalment_id == instalment.id, self.payments(payment)))
        return and_(*clauses) if clauses else true()

    def args(self) -> dict[str, int]:
        return {k: v for k, v in (("signed", self.signed), ("received", self.received)) if v}


# Every year: the list and its roll-up unnarrowed.
EVERY_YEAR = Years()


def contracts(project_filter, years: Years = EVERY_YEAR) -> Select:
    """Every contract of the projects `project_filter` selects, latest signed first; each row
    has id, signed_on, title, type, amount, received, project_id, project_code, enterprise."""
    received = (select(func.coalesce(func.sum(Payment.amount), 0))
                .join(Instalment, Instalment.id == Payment.instalment_id)
                .where(Instalment.contract_id == ResearchContract.id, years.payments())
                .scalar_subquery())
    return (select(ResearchContract.id, ResearchContract.signed_on, ResearchContract.title,
                   ResearchContract.type, ResearchContract.amount, received.label("received"),
                   Project.id.label("project_id"), Project.code.label("project_code"),
                   Enterprise.shown_in_sql("name").label("enterprise"))
            .join(Project, Project.id == ResearchContract.project_id)
            .join(Enterprise, Enterprise.id == ResearchContract.enterprise_id)
            .where(project_filter, years.contracts(), ResearchContract.standing())
            .order_by(ResearchContract.signed_on.desc(), ResearchContract.id.desc()))
