"""Achievements, rights and annuities made through the services, as their users make them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.factories import _commit, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.models import Achievement, IpRight, PatentType, RightKind, RightStatus
from tracker.achievements.services import ContributorLine


def make_achievement(project=None, contributors=None, title="Solid-state electrolyte"
                     ) -> Achievement:
    """An achievement of `project` (a new one), its PM 60 % and a named colleague 40 %
    unless `contributors` (ContributorLines) are given."""
    project = project or make_project(pm=make_user(Role.PROJECT_MANAGER))
    lines = contributors or [
        ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("60")),
        ContributorLine(user_id=None, name="Zhou Min", share_pct=Decimal("40"))]
    achievement = services.save_achievement(project.pm, project, None, title=title,
                                            description="", contributors=lines)
    _commit()
    return achievement


def make_patent(achievement: Achievement, number="CN202410123456.7",
                status=RightStatus.GRANTED) -> IpRight:
    right = services.save_right(
        achievement.project.pm, achievement, None, kind=RightKind.PATENT,
        patent_type=PatentType.INVENTION, title="Electrolyte film", number=number,
        jurisdiction="CN", status=status, filed_on=date(2024, 3, 1),
        granted_on=date(2025, 9, 1) if status is RightStatus.GRANTED else None,
        attorney_costs=Decimal("8500.00"))
    _commit()
    return right
