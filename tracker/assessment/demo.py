"""Demo data: the assessment of this year (in progress) and of last year (approved), so the
assessment pages, the evidence review and the funding allocation have something to show."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from tracker import db
from tracker.assessment import services
from tracker.assessment.models import Indicator, Measure
from tracker.dates import today
from tracker.organisations.models import Institute

if TYPE_CHECKING:
    from tracker.accounts.models import User

D = Decimal
# (measure, Chinese name, English name, weight, target)
INDICATORS = [
    (Measure.CONTRACTS_SIGNED, "合同科研签约额", "Contract research signed", D(20), D(5000000)),
    (Measure.CONTRACTS_RECEIVED, "合同科研到账额", "Contract research received", D(20),
     D(3000000)),
    (Measure.TRANSFER_INCOME, "技术转让与许可收入", "Transfer and licence income", D(10),
     D(1000000)),
    (Measure.SERVICE_INCOME, "技术服务收入", "Technical service income", D(5), D(1000000)),
    (Measure.COMPANIES_INCUBATED, "孵化企业数", "Companies incubated", D(10), D(2)),
    (Measure.FINANCING_RAISED, "孵化企业融资额", "Financing raised", D(5), D(20000000)),
    (Measure.MILESTONES_ON_TIME, "里程碑按期交付数", "Milestones on time", D(5), D(10)),
    (Measure.GATES_PASSED, "通过阶段门数", "Gates passed", D(10), D(4)),
    (Measure.NEEDS_MATCHED, "企业需求对接数", "Needs matched", D(5), D(3)),
    (Measure.EVIDENCE, "系统外技术服务收入", "Service income outside the tracker", D(10),
     D(2000000)),
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _define(admin: User, year: int) -> Indicator:
    """The year's indicators; returns its evidence indicator."""
    evidence = None
    for position, (measure, name, name_en, weight, target) in enumerate(INDICATORS):
        indicator = services.save_indicator(admin, None, year=year, measure=measure, name=name,
                                            name_en=name_en, weight=weight, target=target,
                                            position=position)
        if measure is Measure.EVIDENCE:
            evidence = indicator
    return evidence


def _evidence(director: User, admin: User, indicator: Indicator, institute: Institute,
              amount: str, text: str, accept: bool | None) -> None:
    entry = services.enter_evidence(director, indicator, institute, amount=D(amount),
                                    description=text,
                                    uploads=[(io.BytesIO(PDF), "服务合同与发票.pdf")])
    if accept is not None:
        services.review_evidence(admin, entry, accept=accept,
                                 opinion="" if accept else "请补充银行到账凭证。")


def seed_assessment(admin: User, director: User) -> int:
    """1 when the assessments were created, 0 when they were there already (or no director
    directs an institute)."""
    year = today().year
    if db.session.scalar(select(Indicator.id).where(Indicator.year == year).limit(1)):
        return 0
    institute = db.session.scalar(select(Institute).where(Institute.director_id == director.id)
                                  .order_by(Institute.id).limit(1))
    if institute is None:
        return 0
    db.session.expire(director, ["directed_institutes"])  # named director in this same run
    last = _define(admin, year - 1)
    _evidence(director, admin, last, institute, "1500000",
              "2024年度为本地企业提供检测与工艺咨询服务的收入（系统外合同）。", True)
    services.set_rule(admin, year - 1, pool=D("5000000"), score_share=D("70"),
                      floor=D("500000"), cap=None)
    services.approve_allocation(admin, year - 1)
    services.publish_ranking(admin, year - 1, True)
    current = _define(admin, year)
    _evidence(director, admin, current, institute, "1200000",
              "本年度为徐工集团提供液压测试服务的收入（系统外合同）。", True)
    _evidence(director, admin, current, institute, "300000",
              "为苏州中小企业提供的技术咨询服务收入。", False)
    _evidence(director, admin, current, institute, "450000",
              "机器人产线调试服务收入，合同与发票附后。", None)
    services.set_rule(admin, year, pool=D("6000000"), score_share=D("70"), floor=D("500000"),
                      cap=D("4500000"))
    return 1
