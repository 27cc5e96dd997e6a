"""The two budget forms HQ starts from: the national one of 国办发〔2021〕32号 (the default, which
migration 0045 creates with the same categories) and the older nine-category form funders
still use. A new network starts with both (`tracker.organisations.starting`: `flask hq create`
and the demo)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.budgets.models import BudgetCategory, BudgetTemplate, CostKind, IndirectRule

D, IND = CostKind.DIRECT, CostKind.INDIRECT

NATIONAL_CODE = "CN-2021"
NATIONAL = [  # code, Chinese name, English name, kind, equipment purchase
    ("equipment", "设备费", "Equipment", D, True),
    ("operations", "业务费", "Operations", D, False),
    ("labour", "劳务费", "Labour", D, False),
    ("indirect", "间接费用", "Indirect costs", IND, False),
]

NINE_CATEGORY_CODE = "CN-2016"
NINE_CATEGORY = [
    ("equipment", "设备费", "Equipment", D, True),
    ("materials", "材料费", "Materials", D, False),
    ("testing", "测试化验加工费", "Testing, analysis and processing", D, False),
    ("fuel", "燃料动力费", "Fuel and power", D, False),
    ("travel", "差旅/会议/国际合作与交流费", "Travel, meetings and international exchange", D,
     False),
    ("publication", "出版/文献/信息传播/知识产权事务费",
     "Publication, literature, dissemination and IP", D, False),
    ("labour", "劳务费", "Labour", D, False),
    ("experts", "专家咨询费", "Expert consultation", D, False),
    ("other", "其他支出", "Other", D, False),
    ("indirect", "间接费用", "Indirect costs", IND, False),
]


def categories(rows) -> list[BudgetCategory]:
    return [BudgetCategory(position=i, code=code, name=name, name_en=name_en, kind=kind,
                           is_equipment=equipment)
            for i, (code, name, name_en, kind, equipment) in enumerate(rows)]


def national() -> BudgetTemplate:
    return BudgetTemplate(code=NATIONAL_CODE, funder="中央财政科研项目",
                          funder_en="Central government research funds",
                          edition="国办发〔2021〕32号", indirect_rule=IndirectRule.NATIONAL_TIERS,
                          is_default=True, active=True, categories=categories(NATIONAL))


def nine_category() -> BudgetTemplate:
    """The older form; its cap here is one percentage HQ sets on it (20 % in the demo)."""
    return BudgetTemplate(code=NINE_CATEGORY_CODE, funder="省级科技计划（旧版预算表）",
                          funder_en="Provincial programme (older budget form)",
                          edition="九类科目", indirect_rule=IndirectRule.FLAT,
                          flat_pct=Decimal("20"), is_default=False, active=True,
                          categories=categories(NINE_CATEGORY))


def default_template() -> BudgetTemplate:
    """The template a new proposal starts with. Migration 0045 created the national one; a
    database with no template at all (emptied) gets it again here rather than refuse every
    proposal. Read once a transaction (an import asks for each of its rows)."""
    return db.cached("default_budget_template", frozenset({
        BudgetTemplate.__tablename__, BudgetCategory.__tablename__}), _default)


def _default() -> BudgetTemplate:
    template = db.session.scalar(select(BudgetTemplate).where(BudgetTemplate.is_default))
    if template is None:
        template = db.session.scalar(select(BudgetTemplate).where(
            BudgetTemplate.active).order_by(BudgetTemplate.id).limit(1))
    if template is None:
        template = national()
        db.session.add(template)
        db.session.flush()
    return template


def missing_forms() -> list[BudgetTemplate]:
    """The two forms a network starts with that it has not got yet, new and unsaved: the
    national one (the default, unless another template is) and the older nine-category form
    HQ adds for a provincial funder. `tracker.organisations.starting` adds them, audited."""
    missing = []
    if db.session.scalar(select(BudgetTemplate.id).where(
            BudgetTemplate.code == NATIONAL_CODE)) is None:
        template = national()
        template.is_default = db.session.scalar(select(BudgetTemplate.id).where(
            BudgetTemplate.is_default)) is None
        missing.append(template)
    if db.session.scalar(select(BudgetTemplate.id).where(
            BudgetTemplate.code == NINE_CATEGORY_CODE)) is None:
        missing.append(nine_category())
    return missing
