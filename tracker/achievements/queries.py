"""What pages outside the register read of it, and what a title would be listed beside, in one
statement each."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.achievements.deal_models import IncomeReceipt, IncomeShare, Transfer
from tracker.achievements.models import Achievement, Contributor
from tracker.display.collation import ordered
from tracker.projects.models import Project, ProjectMember


def of_project(project: Project) -> list[Achievement]:
    """A project's achievements with their rights, for its page."""
    return list(db.session.scalars(
        select(Achievement).where(Achievement.project_id == project.id,
                                  Achievement.standing())
        .options(selectinload(Achievement.rights)).order_by(Achievement.id)))


def achievement_transfers(achievement: Achievement) -> list[Transfer]:
    """An achievement's transfers and licences with their licensee and income."""
    return list(db.session.scalars(
        select(Transfer).where(Transfer.achievement_id == achievement.id)
        .options(selectinload(Transfer.enterprise), selectinload(Transfer.receipts))
        .order_by(Transfer.signed_on, Transfer.id)))


def contributions_of(user: User) -> list[Contributor]:
    """The achievements `user` is a contributor of, with their share: their home page lists
    them with a link to their income statement, whatever their role (an evaluator or an expert
    who contributed has no register to reach them from)."""
    return list(db.session.scalars(
        select(Contributor).join(Achievement)
        .where(Contributor.user_id == user.id, Achievement.standing())
        .options(joinedload(Contributor.achievement).joinedload(Achievement.project))
        .order_by(Contributor.achievement_id.desc())))


def contributor_candidates(project: Project) -> list[User]:
    """Who may be chosen as a contributor (the achievement form's users, an import's e-mails):
    the project's institute's people, its PM and team."""
    members = select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)
    return ordered(db.session.scalars(select(User).where(
        User.active.is_(True), or_(User.institute_id == project.institute_id,
                                   User.id == project.pm_id, User.id.in_(members)))
        .order_by(User.name)))


def statement(user: User, year: int = 0) -> list[IncomeShare]:
    """Every part of income `user` received as a contributor, whatever the achievement."""
    return _statement(IncomeShare.user_id == user.id, year)


def named_statement(contributor: Contributor, year: int = 0) -> list[IncomeShare]:
    """Every part of income a person named (no user account) received for this achievement:
    the name as written, under this achievement's deals (a name alone names nobody
    elsewhere)."""
    return _statement(IncomeShare.user_id.is_(None) & (IncomeShare.name == contributor.name)
                      & (Transfer.achievement_id == contributor.achievement_id), year)


def _statement(whose: ColumnElement[bool], year: int) -> list[IncomeShare]:
    """The parts of a statement, oldest first (of the year `year`, when given); a reversed
    receipt's part is followed, on the reversal's date, by its negation."""
    receipt = selectinload(IncomeShare.receipt)
    stmt = (select(IncomeShare).join(IncomeReceipt)
            .join(Transfer, Transfer.id == IncomeReceipt.transfer_id)
            .where(whose, Transfer.standing()))
    if year:
        stmt = stmt.where(IncomeReceipt.received_on.between(date(year, 1, 1),
                                                            date(year, 12, 31)))
    return list(db.session.scalars(
        stmt.options(receipt.selectinload(IncomeReceipt.reverses),
                     receipt.selectinload(IncomeReceipt.reversed_by),
                     receipt.selectinload(IncomeReceipt.transfer).options(
                         selectinload(Transfer.achievement), selectinload(Transfer.enterprise)))
        .order_by(IncomeReceipt.received_on, IncomeReceipt.id)))


def titled_twin(project: Project, title: str,
                achievement: Achievement | None) -> Achievement | None:
    """The achievement of `project` listed under `title` already, other than `achievement`."""
    return db.session.scalar(select(Achievement).where(
        Achievement.titled(project.id, title),
        Achievement.id != (achievement.id if achievement is not None else -1)).limit(1))


def listed_already(title: str, twin: Achievement) -> str:
    return _("“%(title)s” is listed already in %(project)s, as “%(recorded)s”: an achievement "
             "is listed once in its project. Edit that one, or give this one a title of its "
             "own.", title=title, project=twin.project.code or twin.project.title,
             recorded=twin.title)
