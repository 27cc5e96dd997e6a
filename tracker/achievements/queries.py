"""What pages outside the register read of it, in one statement each."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement, Contributor
from tracker.projects.models import Project, ProjectMember


def of_project(project: Project) -> list[Achievement]:
    """A project's achievements with their rights, for its page."""
    return list(db.session.scalars(
        select(Achievement).where(Achievement.project_id == project.id)
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
        select(Contributor).where(Contributor.user_id == user.id)
        .options(joinedload(Contributor.achievement).joinedload(Achievement.project))
        .order_by(Contributor.achievement_id.desc())))


def contributor_candidates(project: Project) -> list[User]:
    """Who may be chosen as a contributor (the achievement form's users, an import's e-mails):
    the project's institute's people, its PM and team."""
    members = select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), or_(User.institute_id == project.institute_id,
                                   User.id == project.pm_id, User.id.in_(members)))
        .order_by(User.name)))
