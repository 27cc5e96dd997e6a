"""Sensible gate templates for a new installation (`flask demo seed` installs them).

Criteria follow common stage-gate practice adapted to JITRI's mechanisms: gate 1 screens the
proposal, gate 2 accepts the research (TRL), gate 3 decides funding and equity, gate 4 checks
the company before spin-off. Texts are stored as written, in Chinese and English; HQ edits
them in the app.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.gates.models import CriterionKind, GateCriterion, GateTemplate

M, S = CriterionKind.MUST, CriterionKind.SHOULD

# Each text is (Chinese, English): Chinese is the key (what imports and uploads name), English
# what English pages show.
DEFAULT_TEMPLATES = [
    {
        "gate": 1, "name": ("立项评审", "Proposal review"), "pass_threshold": Decimal("60"),
        "min_trl": None, "quorum": 3, "review_days": 14,
        "required_deliverables": [("项目申报书", "Proposal document")],
        "criteria": [
            (M, ("对接企业需求或战略方向", "Answers an enterprise need or a strategic field"),
             1, 1),
            (M, ("预算符合规定", "Budget within the programme's rules"), 1, 1),
            (S, ("技术先进性", "Technical novelty"), 3, 5),
            (S, ("团队能力", "Team capability"), 2, 5),
            (S, ("市场前景", "Market potential"), 3, 5),
            (S, ("计划与预算可行性", "Feasibility of plan and budget"), 2, 5),
        ],
    },
    {
        "gate": 2, "name": ("研发验收", "Research acceptance"), "pass_threshold": Decimal("65"),
        "min_trl": 4, "quorum": 3, "review_days": 14,
        "required_deliverables": [("研究报告", "Research report"), ("测试报告", "Test report")],
        "criteria": [
            (M, ("合同约定成果已交付", "Contracted deliverables delivered"), 1, 1),
            (S, ("技术指标完成度", "Technical targets reached"), 4, 5),
            (S, ("知识产权产出", "IP generated"), 2, 5),
            (S, ("企业满意度", "Enterprise satisfaction"), 2, 5),
        ],
    },
    {
        "gate": 3, "name": ("投资决策", "Investment decision"), "pass_threshold": Decimal("70"),
        "min_trl": 5, "quorum": 3, "review_days": 21,
        "required_deliverables": [("商业计划书", "Business plan"),
                                  ("尽调报告", "Due diligence report")],
        "criteria": [
            (M, ("团队持股方案合规", "Team holding plan within the bounds"), 1, 1),
            (S, ("市场与商业模式", "Market and business model"), 3, 5),
            (S, ("团队与治理", "Team and governance"), 2, 5),
            (S, ("财务规划", "Financial plan"), 2, 5),
        ],
    },
    {
        "gate": 4, "name": ("公司设立", "Spin-off"), "pass_threshold": Decimal("60"),
        "min_trl": 6, "quorum": 3, "review_days": 14,
        "required_deliverables": [("公司章程", "Articles of association")],
        "criteria": [
            (M, ("公司已注册且股权结构完整", "Company registered, cap table complete"), 1, 1),
            (M, ("知识产权已许可或转让", "IP licensed or assigned to the company"), 1, 1),
            (S, ("运营准备", "Readiness to operate"), 1, 5),
        ],
    },
]


def default_template(gate: int) -> GateTemplate:
    """A new, unsaved template of `gate` as DEFAULT_TEMPLATES describes it."""
    spec = next(s for s in DEFAULT_TEMPLATES if s["gate"] == gate)
    fields = {k: v for k, v in spec.items()
              if k not in ("name", "criteria", "required_deliverables")}
    template = GateTemplate(
        **fields, name=spec["name"][0], name_en=spec["name"][1],
        required_deliverables=[zh for zh, _en in spec["required_deliverables"]],
        required_deliverables_en=[en for _zh, en in spec["required_deliverables"]])
    template.criteria = [
        GateCriterion(position=i, kind=kind, text=zh, text_en=en, weight=Decimal(weight),
                      scale_max=scale)
        for i, (kind, (zh, en), weight, scale) in enumerate(spec["criteria"])
    ]
    return template


def missing_templates() -> list[GateTemplate]:
    """The default templates of the gates that have none yet, new and unsaved."""
    return [default_template(spec["gate"]) for spec in DEFAULT_TEMPLATES
            if db.session.scalar(select(GateTemplate.id).where(
                GateTemplate.gate == spec["gate"])) is None]


def install_defaults() -> int:
    """Create the templates that do not exist yet, unaudited (tests and benches); returns how
    many were created. A network gets them through `tracker.organisations.starting`."""
    missing = missing_templates()
    db.session.add_all(missing)
    db.session.flush()
    return len(missing)
