"""A budget template: one funder's form of a budget, in one version of its rules.

HQ keeps them (`/admin/budgets/`). A template lists its categories (设备费, 业务费, 劳务费 and
间接费用 for the national form since 国办发〔2021〕32号): each direct or indirect, and whether it
is equipment purchase, which the cap on indirect costs leaves out of its base. A project's
budget follows one template (`Project.budget_template_id`): one budget line per category.
Projects recorded before templates existed keep their own lines and no template.
`BudgetLine` lives here too (`tracker.projects.models` imports it for `Project.budget_lines`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, Money, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display import said
from tracker.display.bilingual import Bilingual
from tracker.display.formatting import aside
from tracker.money import Percent

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.projects.models import Project


class CostKind(enum.StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"


class IndirectRule(enum.StrEnum):
    """How a template caps its indirect costs, always on the direct costs less equipment
    purchase (`tracker.budgets.caps`)."""

    NATIONAL_TIERS = "national_tiers"  # the tiers of the settings (国办发〔2021〕32号)
    FLAT = "flat"  # one percentage of the template's own
    NONE = "none"  # no cap


COST_KIND_LABELS = {CostKind.DIRECT: _l("Direct"), CostKind.INDIRECT: _l("Indirect")}
INDIRECT_RULE_LABELS = {
    IndirectRule.NATIONAL_TIERS: _l("National tiers (settings)"),
    IndirectRule.FLAT: _l("One percentage of direct costs less equipment purchase"),
    IndirectRule.NONE: _l("No cap"),
}


class BudgetTemplate(Bilingual, Versioned, Base):
    __tablename__ = "budget_templates"
    __table_args__ = (
        UniqueConstraint("funder", "edition"),
        CheckConstraint("(indirect_rule = 'flat' AND flat_pct IS NOT NULL) OR "
                        "(indirect_rule <> 'flat' AND flat_pct IS NULL)", name="flat_pct_given"),
        CheckConstraint("flat_pct IS NULL OR (flat_pct >= 0 AND flat_pct <= 100)",
                        name="flat_pct_range"),
        # One default, the template a new proposal starts with.
        Index("uq_budget_templates_default", "is_default", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The key of imports and of the projects export (e.g. CN-2021).
    code: Mapped[str] = mapped_column(String(30), unique=True)
    funder: Mapped[str] = mapped_column(String(200))
    funder_en: Mapped[str | None] = mapped_column(String(200))
    # The funder's version of its rules, e.g. the document that set them (国办发〔2021〕32号).
    edition: Mapped[str] = mapped_column(String(100))
    indirect_rule: Mapped[IndirectRule] = mapped_column(str_enum(IndirectRule, "indirect_rule"))
    flat_pct: Mapped[Decimal | None] = mapped_column(Percent)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # A retired template stays on the projects that follow it; new proposals no longer offer it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    categories: Mapped[list[BudgetCategory]] = relationship(
        back_populates="template", cascade="all, delete-orphan",
        order_by="BudgetCategory.position")

    def __repr__(self) -> str:
        return f"<BudgetTemplate {self.code}>"

    @property
    def name(self) -> str:
        return said.joined("", [self.shown("funder"), aside(self.edition)])

    @property
    def indirect(self) -> list[BudgetCategory]:
        return [c for c in self.categories if c.kind is CostKind.INDIRECT]

    @staticmethod
    def can_configure(user: User) -> bool:
        return user.is_hq_admin


class BudgetCategory(Bilingual, Base):
    __tablename__ = "budget_categories"
    __table_args__ = (
        UniqueConstraint("template_id", "code"),
        CheckConstraint("kind = 'direct' OR NOT is_equipment", name="equipment_is_direct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("budget_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[CostKind] = mapped_column(str_enum(CostKind, "cost_kind"))
    # Equipment purchase (设备购置): left out of the base of the cap on indirect costs.
    is_equipment: Mapped[bool] = mapped_column(Boolean, default=False)

    template: Mapped[BudgetTemplate] = relationship(back_populates="categories")

    def __repr__(self) -> str:
        return f"<BudgetCategory {self.code} {self.name}>"

    def names(self) -> set[str]:
        """What names this category in an import or a form (casefolded): its code and either
        name (`tracker.budgets.services.by_category`)."""
        return {self.code.casefold(), self.name.casefold(), (self.name_en or "").casefold()} - {""}


class BudgetLine(Base):
    """A line of a project's budget: one per category of its template (`category_id`), or,
    for a project without one, a line named as its PM named it."""

    __tablename__ = "budget_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),
                      UniqueConstraint("project_id", "category_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # The category's Chinese name for a line of a template (what exports and the trail keep;
    # history shows it in the reader's language).
    category: Mapped[str] = mapped_column(String(100))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("budget_categories.id"))
    amount: Mapped[Decimal] = mapped_column(Money)

    project: Mapped[Project] = relationship(back_populates="budget_lines")
    template_category: Mapped[BudgetCategory | None] = relationship()

    @property
    def name(self) -> str:
        """The line's name in the reader's language."""
        if self.template_category is not None:
            return self.template_category.shown("name")
        return self.category
