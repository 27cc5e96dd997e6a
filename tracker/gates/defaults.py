"""Sensible gate templates for a new installation (`flask demo seed` installs them).

Criteria follow common stage-gate practice adapted to JITRI's mechanisms: gate 1 screens the
proposal, gate 2 accepts the research (TRL), gate 3 decides funding and equity, gate 4 checks
the company before spin-off. Texts are stored as written; HQ edits them in the app.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.gates.models import CriterionKind, GateCriterion, GateTemplate

M, S = CriterionKind.MUST, CriterionKind.SHOULD

DEFAULT_TEMPLATES = [
    {
        "gate": 1, "name": "Gate 1 · 立项评审 Proposal review", "pass_threshold": Decimal("60"),
        "min_trl": None, "quorum": 3, "review_days": 14,
        "required_deliverables": ["Proposal document 项目申报书"],
        "criteria": [
            (M, "Answers an enterprise need or a strategic field 对接企业需求或战略方向", 1, 1),
            (M, "Budget within the programme's rules 预算符合规定", 1, 1),
            (S, "Technical novelty 技术先进性", 3, 5),
            (S, "Team capability 团队能力", 2, 5),
            (S, "Market potential 市场前景", 3, 5),
            (S, "Feasibility of plan and budget 计划与预算可行性", 2, 5),
        ],
    },
    {
        "gate": 2, "name": "Gate 2 · 研发验收 Research acceptance", "pass_threshold": Decimal("65"),
        "min_trl": 4, "quorum": 3, "review_days": 14,
        "required_deliverables": ["Research report 研究报告", "Test report 测试报告"],
        "criteria": [
            (M, "Contracted deliverables delivered 合同约定成果已交付", 1, 1),
            (S, "Technical targets reached 技术指标完成度", 4, 5),
            (S, "IP generated 知识产权产出", 2, 5),
            (S, "Enterprise satisfaction 企业满意度", 2, 5),
        ],
    },
    {
        "gate": 3, "name": "Gate 3 · 投资决策 Investment decision", "pass_threshold": Decimal("70"),
        "min_trl": 5, "quorum": 3, "review_days": 21,
        "required_deliverables": ["Business plan 商业计划书", "Due diligence report 尽调报告"],
        "criteria": [
            (M, "Team holding plan within the bounds 团队持股方案合规", 1, 1),
            (S, "Market and business model 市场与商业模式", 3, 5),
            (S, "Team and governance 团队与治理", 2, 5),
            (S, "Financial plan 财务规划", 2, 5),
        ],
    },
    {
        "gate": 4, "name": "Gate 4 · 公司设立 Spin-off", "pass_threshold": Decimal("60"),
        "min_trl": 6, "quorum": 3, "review_days": 14,
        "required_deliverables": ["Articles of association 公司章程"],
        "criteria": [
            (M, "Company registered, cap table complete 公司已注册且股权结构完整", 1, 1),
            (M, "IP licensed or assigned to the company 知识产权已许可或转让", 1, 1),
            (S, "Readiness to operate 运营准备", 1, 5),
        ],
    },
]


def default_template(gate: int) -> GateTemplate:
    """A new, unsaved template of `gate` as DEFAULT_TEMPLATES describes it."""
    spec = next(s for s in DEFAULT_TEMPLATES if s["gate"] == gate)
    fields = {k: v for k, v in spec.items() if k not in ("criteria", "required_deliverables")}
    template = GateTemplate(**fields, required_deliverables=list(spec["required_deliverables"]))
    template.criteria = [
        GateCriterion(position=i, kind=kind, text=text, weight=Decimal(weight), scale_max=scale)
        for i, (kind, text, weight, scale) in enumerate(spec["criteria"])
    ]
    return template


def install_defaults() -> int:
    """Create the templates that do not exist yet; returns how many were created."""
    created = 0
    for spec in DEFAULT_TEMPLATES:
        if db.session.scalar(select(GateTemplate).where(GateTemplate.gate == spec["gate"])):
            continue
        db.session.add(default_template(spec["gate"]))
        created += 1
    db.session.flush()
    return created
