"""The register's demo (`flask demo seed`): the research project's achievement, its PM 李强
60 % and their colleague 赵磊 40 % (evaluator3, an evaluator at HQ and a researcher at the
institute: they reach the achievement and their statement from their home page), with a
granted invention patent whose next annuity falls due in 45 days (the PM's first reminder is
already on its way) and a software copyright; licensed exclusively to the demo's first
enterprise four months ago (quarterly reports, 3 % of net sales, 70 % of the net income to the
contributors), its upfront received and split, its first quarter reported and its royalty not
yet paid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.achievements import deals, services
from tracker.achievements.models import Achievement, PatentType, RightKind, RightStatus
from tracker.achievements.services import ContributorLine
from tracker.dates import today
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project

PROJECT = "智能挖掘机液压节能控制系统"
TITLE = "挖掘机负流量液压节能控制技术"


def seed_achievements(admin: User) -> int:
    project = db.session.scalar(select(Project).where(Project.title == PROJECT))
    if project is None or db.session.scalar(select(Achievement.id).where(
            Achievement.title == TITLE)):
        return 0
    colleague = db.session.scalar(select(User).where(User.email == "evaluator3@demo.jitri.cn"))
    achievement = services.save_achievement(
        project.pm, project, None, title=TITLE,
        description="负流量控制与势能回收，整机能耗降低 18%。",
        contributors=[ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("60")),
                      ContributorLine(user_id=colleague.id if colleague else None, name="赵磊"
                                      if colleague is None else "", share_pct=Decimal("40"))])
    patent = services.save_right(
        project.pm, achievement, None, kind=RightKind.PATENT, patent_type=PatentType.INVENTION,
        title="一种挖掘机负流量液压节能控制系统", number="CN202310456789.1", jurisdiction="CN",
        status=RightStatus.GRANTED, filed_on=date(2023, 4, 12), granted_on=date(2025, 1, 7),
        attorney_costs=Decimal("12000.00"))
    services.add_annuity(project.pm, patent, year_no=3, due_on=today() + timedelta(days=45),
                         fee=Decimal("1200.00"))
    services.save_right(
        admin, achievement, None, kind=RightKind.SOFTWARE, patent_type=None,
        title="挖掘机液压节能控制软件 V1.0", number="2024SR0123456", jurisdiction="CN",
        status=RightStatus.GRANTED, filed_on=date(2024, 2, 1), granted_on=date(2024, 5, 20),
        attorney_costs=Decimal("0"))
    enterprise = db.session.scalar(select(Enterprise).order_by(Enterprise.id))
    if enterprise is not None:
        transfer = deals.save_transfer(
            admin, achievement, None, enterprise_id=enterprise.id, kind="exclusive_licence",
            signed_on=today() - timedelta(days=125), ends_on=None, upfront=Decimal("300000.00"),
            royalty_pct=Decimal("3"), royalty_base="net_sales",
            minimum_royalty=Decimal("50000.00"), reporting_months=3, report_days=30,
            payment_days=30, contributor_pct=Decimal("70"), override_reason="", ip_deal_id=None)
        deals.record_income(admin, transfer, received_on=today() - timedelta(days=110),
                            amount=Decimal("300000.00"), costs=Decimal("18000.00"),
                            pays="upfront", report_id=None, note="首付款")
        deals.record_report(admin, transfer, received_on=today() - timedelta(days=10),
                            base_amount=Decimal("4200000.00"))
    db.session.flush()
    return 1
