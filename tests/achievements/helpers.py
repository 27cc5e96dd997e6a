"""Achievements, rights and annuities made through the services, as their users make them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.factories import _commit, make_enterprise, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import deals, services
from tracker.achievements.models import Achievement, IpRight, PatentType, RightKind, RightStatus
from tracker.achievements.services import ContributorLine
from tracker.projects.lifecycle import Phase


def make_achievement(project=None, contributors=None, title="Solid-state electrolyte"
                     ) -> Achievement:
    """An achievement of `project` (a new one), its PM 60 % and a named colleague 40 %
    unless `contributors` (ContributorLines) are given."""
    project = project or make_project(pm=make_user(Role.PROJECT_MANAGER),
                                      phase=Phase.CONTRACT_RESEARCH)
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


def make_transfer(achievement: Achievement, actor=None, **values):
    """A quarterly licence of `achievement` to a new enterprise, signed 15 January 2026: 5 % of
    net sales, at least 20,000.00 a quarter, the article 45 minimum to the contributors."""
    actor = actor or make_user(Role.HQ_ADMIN)
    fields = dict(enterprise_id=make_enterprise().id, kind="exclusive_licence",
                  signed_on=date(2026, 1, 15), ends_on=None, upfront=Decimal("100000.00"),
                  royalty_pct=Decimal("5"), royalty_base="net_sales",
                  minimum_royalty=Decimal("20000.00"), reporting_months=3, report_days=30,
                  payment_days=30, contributor_pct=Decimal("50"), override_reason="",
                  ip_deal_id=None)
    fields.update(values)
    transfer = deals.save_transfer(actor, achievement, None, **fields)
    _commit()
    return transfer
