"""Forms of the gate pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.display.labels import label
from tracker.errors import Invalid
from tracker.experts.models import ExpertTitle
from tracker.gates.bounds import BOUNDS
from tracker.gates.models import CriterionKind, GateTemplate
from tracker.web.fields import NumberField, Range, WholeNumberField
from tracker.web.forms import Form, OneTime, SeenVersion

# --- gate templates (HQ admins configure each gate) ---------------------------------------------
# The ranges that make a template sound (threshold 0-100, TRL 1-9, quorum >= 1, ...) are
# gates.bounds.BOUNDS: these forms take a number within them (`_bounded`), and
# tracker.gates.configuration checks them for every caller, saying why.

EMPTY_CRITERION_ROWS = 3  # blank rows offered for adding criteria
MAX_CRITERION_ROWS = 60  # rows posted beyond this are not even built
LARGEST = 9999  # keeps a number within what its column holds


def _bounded(name: str) -> list[Range]:
    """The range of the template's number `name` (`BOUNDS`), said as the service says it; a
    number past the column's LARGEST is refused as such."""
    least, most, said = BOUNDS[name]
    if most is None:
        return [Range(min=least, message=said), Range(max=LARGEST)]
    return [Range(min=least, max=most, message=said)]


class CriterionRow(Form):
    kind = SelectField(_l("Kind"), choices=[], coerce=CriterionKind,
                       default=CriterionKind.SHOULD)
    text = StringField(_l("Criterion"), validators=[Optional(), Length(max=300)])
    text_en = StringField(_l("Criterion in English"), validators=[Optional(), Length(max=300)])
    weight = NumberField(_l("Weight"), validators=[Optional(), *_bounded("weight")])
    scale_max = WholeNumberField(_l("Scale maximum"),
                                 validators=[Optional(), *_bounded("scale_max")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, label(k)) for k in CriterionKind]

    @property
    def is_blank(self) -> bool:
        return not (self.text.data or "").strip()


class GateTemplateForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    pass_threshold = NumberField(
        _l("Pass threshold (per cent)"), validators=[InputRequired(), *_bounded("pass_threshold")],
        description=_l("The weighted score of the should-meet criteria, in per cent of the "
                       "maximum, that GO needs."))
    min_trl = WholeNumberField(_l("Minimum TRL"), validators=[Optional(), *_bounded("min_trl")],
                               description=_l("1 to 9; leave empty for no minimum."))
    quorum = WholeNumberField(_l("Quorum"), validators=[InputRequired(), *_bounded("quorum")],
                              description=_l("Scorecards needed before the chair may decide."))
    review_days = WholeNumberField(
        _l("Review period (days)"), validators=[InputRequired(), *_bounded("review_days")],
        description=_l("The panel's due date when HQ names it without one."))
    required_deliverables = TextAreaField(
        _l("Required deliverables"), validators=[Optional(), Length(max=10000)],
        description=_l("One document name per line. The project manager uploads each before "
                       "requesting the gate; a renamed one must be uploaded again."))
    required_deliverables_en = TextAreaField(
        _l("Required deliverables in English"), validators=[Optional(), Length(max=10000)],
        description=_l("The same documents in the same order, one per line, as English pages "
                       "show them; leave empty to show the names above."),
        render_kw={"lang": "en"})
    min_experts = WholeNumberField(
        _l("Experts from the pool: at least"),
        validators=[Optional(), *_bounded("min_experts")],
        description=_l("Naming a panel with fewer experts of the expert pool (at the title "
                       "below) is refused. 0 or empty: no minimum."))
    min_outside_units = WholeNumberField(
        _l("Outside units: at least"), validators=[Optional(), *_bounded("min_outside_units")],
        description=_l("The experts counted come from at least this many different units, "
                       "none of them the project's institute or partner enterprise."))
    min_expert_title = SelectField(_l("Title: at least"), choices=[], default="")
    criteria = FieldList(FormField(CriterionRow), min_entries=1,
                         max_entries=MAX_CRITERION_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_expert_title.choices = [("", _l("Any title"))] + [
            (t.value, label(t)) for t in ExpertTitle if t is not ExpertTitle.NONE]

    def deliverable_names(self, english: bool = False) -> list[str]:
        text = (self.required_deliverables_en if english else self.required_deliverables).data
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def filled_criteria(self) -> list[CriterionRow]:
        """The rows with a text, in order; the others are left over for adding."""
        return [entry.form for entry in self.criteria if not entry.form.is_blank]

    def values(self) -> dict[str, Any]:
        """What `configuration.save_template` takes."""
        return {
            "name": self.name.data,
            "name_en": self.name_en.data,
            "pass_threshold": self.pass_threshold.data,
            "min_trl": self.min_trl.data,
            "quorum": self.quorum.data,
            "review_days": self.review_days.data,
            "required_deliverables": self.deliverable_names(),
            "required_deliverables_en": self.deliverable_names(english=True),
            "min_experts": self.min_experts.data,
            "min_outside_units": self.min_outside_units.data,
            "min_expert_title": (ExpertTitle(self.min_expert_title.data)
                                 if self.min_expert_title.data else None),
            "criteria": [{"kind": row.kind.data, "text": row.text.data,
                          "text_en": row.text_en.data,
                          "weight": row.weight.data, "scale_max": row.scale_max.data}
                         for row in self.filled_criteria()],
        }

    def show_error(self, invalid: Invalid) -> bool:
        """Beside its field; `criteria.<i>.<field>` names the i-th criterion in `values()`."""
        path = invalid.field.split(".")
        if path[0] == "criteria" and len(path) == 3:
            row = self.filled_criteria()[int(path[1])]
            field = row[path[2]]
            field.errors = [*field.errors, invalid.message]
            return True
        return super().show_error(invalid)


def template_data(template: GateTemplate) -> dict[str, Any]:
    """The form's initial values: the template as it stands, and blank rows for adding."""
    blank = {"kind": CriterionKind.SHOULD, "text": "", "text_en": "", "weight": 1,
             "scale_max": 5}
    return {
        "name": template.name,
        "name_en": template.name_en or "",
        "pass_threshold": template.pass_threshold,
        "min_trl": template.min_trl,
        "quorum": template.quorum,
        "review_days": template.review_days,
        "required_deliverables": "\n".join(template.required_deliverables or []),
        "required_deliverables_en": "\n".join(template.required_deliverables_en or []),
        "min_experts": template.min_experts or 0,
        "min_outside_units": template.min_outside_units or 0,
        "min_expert_title": template.min_expert_title.value if template.min_expert_title else "",
        "criteria": [{"kind": c.kind, "text": c.text, "text_en": c.text_en or "",
                      "weight": c.weight, "scale_max": c.scale_max} for c in template.criteria]
        # Never more rows than a post may bring back, so no criterion is ever cut off.
        + [blank] * min(EMPTY_CRITERION_ROWS, MAX_CRITERION_ROWS - len(template.criteria)),
    }
