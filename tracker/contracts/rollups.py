"""Contract value and money received, grouped by project, institute or signing year: the
groups as a query to page (`values`), the money each group on a page received (`received`,
one statement for the page), and the totals of every group (`totals`), each in SQL, so the
list by project (one row per project with a contract) loads one page whatever its length."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, Row, Select, extract, func, select

from tracker import db
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.contracts.queries import EVERY_YEAR, Years
from tracker.organisations.models import Institute
from tracker.projects.models import Project


def _key(by: str) -> tuple[ColumnElement, ...]:
    return {
        "project": (Project.id, Project.code, Project.title),
        "institute": (Institute.id, Institute.code, Institute.shown_in_sql("name")),
        "year": (extract("year", ResearchContract.signed_on),),
    }[by]


def _base(project_filter, years: Years, *columns) -> Select:
    query = (select(*columns).select_from(ResearchContract)
             .join(Project, Project.id == ResearchContract.project_id)
             .join(Institute, Institute.id == Project.institute_id))
    if project_filter is not None:
        query = query.where(project_filter)
    return query.where(years.contracts(), ResearchContract.standing())


def _paid(query: Select, years: Years) -> Select:
    return (query.join(Instalment, Instalment.contract_id == ResearchContract.id)
            .join(Payment, Payment.instalment_id == Instalment.id).where(years.payments()))


def values(by: str, project_filter=None, years: Years = EVERY_YEAR) -> Select:
    """One row per group (its key's columns, its contracts, their value), in the list's order:
    projects and institutes by id, the latest year first."""
    key = _key(by)
    order = [key[0].desc()] if by == "year" else [key[0]]
    return (_base(project_filter, years, *key, func.count(ResearchContract.id),
                  func.sum(ResearchContract.amount)).group_by(*key).order_by(*order))


def received(by: str, groups: list[Row], project_filter=None,
             years: Years = EVERY_YEAR) -> list[dict]:
    """The `groups` (rows of `values`) as the list's rows, each with the money it received:
    one statement for them all, limited to their keys."""
    key = _key(by)
    if not groups:
        return []
    paid = db.session.execute(
        _paid(_base(project_filter, years, *key, func.sum(Payment.amount)), years)
        .where(key[0].in_({row[0] for row in groups})).group_by(*key)).all()
    paid_by = {tuple(row[:len(key)]): row[-1] for row in paid}
    return [{"key": tuple(row[:len(key)]), "contracts": row[-2], "value": Decimal(row[-1] or 0),
             "received": Decimal(paid_by.get(tuple(row[:len(key)])) or 0)} for row in groups]


def rollup(by: str, project_filter=None, years: Years = EVERY_YEAR) -> list[dict]:
    """Every group (the export, the tests): two aggregate statements whatever their number."""
    return received(by, db.session.execute(values(by, project_filter, years)).all(),
                    project_filter, years)


def totals(project_filter=None, years: Years = EVERY_YEAR) -> dict:
    """The foot of the list: the sums over every group, not over one page (two statements)."""
    count, value = db.session.execute(_base(project_filter, years, func.count(
        ResearchContract.id), func.sum(ResearchContract.amount))).one()
    paid = db.session.scalar(_paid(_base(project_filter, years, func.sum(Payment.amount)),
                                   years))
    return {"key": None, "value": Decimal(value or 0), "received": Decimal(paid or 0),
            "contracts": count or 0}
