"""HQ's form of a budget template: the funder, the edition, the rule for indirect costs and the
categories, one row each."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.budgets.models import BudgetTemplate, CostKind, IndirectRule
from tracker.display.labels import label
from tracker.errors import Invalid
from tracker.web.fields import NumberField, Range
from tracker.web.forms import Form, OneTime, SeenVersion

EMPTY_CATEGORY_ROWS = 3  # blank rows offered for adding categories
MAX_CATEGORY_ROWS = 30


class CategoryRow(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=20)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=[], coerce=CostKind, default=CostKind.DIRECT)
    is_equipment = BooleanField(_l("Equipment purchase"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label(k)) for k in CostKind]

    @property
    def is_blank(self) -> bool:
        return not ((self.code.data or "").strip() or (self.name.data or "").strip())


class BudgetTemplateForm(OneTime, SeenVersion, Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)],
                       description=_l("Short and unique, e.g. CN-2021: the projects import "
                                      "names the template by it."))
    funder = StringField(_l("Funder"), validators=[DataRequired(), Length(max=200)])
    funder_en = StringField(_l("Funder in English"), validators=[Optional(), Length(max=200)])
    edition = StringField(_l("Edition"), validators=[DataRequired(), Length(max=100)],
                          description=_l("The version of the funder's rules, e.g. the number "
                                         "of the document that set them."))
    indirect_rule = SelectField(_l("Cap on indirect costs"), choices=[], coerce=IndirectRule,
                                description=_l("Always a share of the direct costs less "
                                               "equipment purchase. The national tiers are "
                                               "settings (Settings, Indirect costs)."))
    flat_pct = NumberField(_l("Percentage (one rate)"),
                           validators=[Optional(), Range(min=0, max=100)],
                           description=_l("Only for a cap at one percentage."))
    is_default = BooleanField(_l("Default template"),
                              description=_l("New proposals start with it."))
    active = BooleanField(_l("Offered to new proposals"), default=True)
    categories = FieldList(FormField(CategoryRow), min_entries=1,
                           max_entries=MAX_CATEGORY_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indirect_rule.choices = [(r, label(r)) for r in IndirectRule]

    def filled_categories(self) -> list[CategoryRow]:
        return [entry.form for entry in self.categories if not entry.form.is_blank]

    def values(self) -> dict[str, Any]:
        """What `services.save_template` takes."""
        return {
            "code": self.code.data, "funder": self.funder.data, "funder_en": self.funder_en.data,
            "edition": self.edition.data, "indirect_rule": self.indirect_rule.data,
            "flat_pct": self.flat_pct.data, "is_default": self.is_default.data,
            "active": self.active.data,
            "categories": [{"code": row.code.data, "name": row.name.data,
                            "name_en": row.name_en.data, "kind": row.kind.data,
                            "is_equipment": row.is_equipment.data}
                           for row in self.filled_categories()],
        }

    def show_error(self, invalid: Invalid) -> bool:
        """Beside its field; `categories.<i>.<field>` names the i-th category of `values()`."""
        path = invalid.field.split(".")
        if path[0] == "categories" and len(path) == 3:
            field = self.filled_categories()[int(path[1])][path[2]]
            field.errors = [*field.errors, invalid.message]
            return True
        return super().show_error(invalid)


def template_data(template: BudgetTemplate) -> dict[str, Any]:
    """The form's initial values, with blank rows for adding categories."""
    blank = {"code": "", "name": "", "name_en": "", "kind": CostKind.DIRECT,
             "is_equipment": False}
    rows = [{"code": c.code, "name": c.name, "name_en": c.name_en or "", "kind": c.kind,
             "is_equipment": c.is_equipment} for c in template.categories]
    return {
        "code": template.code or "", "funder": template.funder or "",
        "funder_en": template.funder_en or "", "edition": template.edition or "",
        "indirect_rule": template.indirect_rule or IndirectRule.NATIONAL_TIERS,
        "flat_pct": template.flat_pct, "is_default": bool(template.is_default),
        "active": template.active is not False,
        "categories": (rows + [blank] * EMPTY_CATEGORY_ROWS)[:MAX_CATEGORY_ROWS],
    }
