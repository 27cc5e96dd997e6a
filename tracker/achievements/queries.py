"""What pages outside the register read of it, in one statement each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement
from tracker.projects.models import Project


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
