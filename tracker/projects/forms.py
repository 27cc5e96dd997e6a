"""Forms of the project pages."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FileField,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.display.labels import label
from tracker.errors import Invalid
from tracker.files.services import ACCEPT
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.models import ProjectType
from tracker.techfields.forms import field_choices
from tracker.web.corrections import reason_field
from tracker.web.fields import (
    DateField,
    Range,
    RowList,
    WholeNumberField,
    amount_field,
    row_id,
)
from tracker.web.forms import Form, OneTime, SeenVersion, page_has_errors

BUDGET_ROWS = 8  # free rows of a project without a template
MAX_BUDGET_ROWS = 30  # rows posted beyond this are not even built (a template's categories)


class BudgetLineForm(Form):
    category = StringField(_l("Budget line"), validators=[Optional(), Length(max=100)])
    amount = amount_field(_l("Amount (CNY)"), required=False)


class ProjectForm(OneTime, SeenVersion, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=10000)])
    technical_route = TextAreaField(
        _l("Technical route"), validators=[Optional(), Length(max=10000)],
        description=_l("How the project means to reach its target; once under way the project "
                       "manager changes it on the project's change page."))
    field = StringField(_l("Field as described"), validators=[DataRequired(), Length(max=100)],
                        description=_l("In your own words; the technical field below is what "
                                       "the reports count by."))
    # HQ's list (tracker/techfields); checked by the service, which falls back on the text.
    field_id = SelectField(_l("Technical field"), coerce=row_id, choices=[], validate_choice=False,
                           description=_l("From HQ's list, which the reports count by."))
    type = SelectField(_l("Type"), choices=[], coerce=ProjectType)
    # Offered: the PM's own institute only; another one posted is refused by the service,
    # which says why (not WTForms' bare "Not a valid choice").
    institute_id = SelectField(_l("Institute"), coerce=row_id, choices=[], validate_choice=False)
    partner_enterprise_id = SelectField(_l("Partner enterprise"), coerce=int, choices=[])
    need_id = SelectField(_l("Technology need it answers"), coerce=int, choices=[])
    member_ids = SelectMultipleField(
        _l("Team members"), coerce=int, choices=[],
        description=_l("Besides you: people of the project's institute. Each place counts once "
                       "its holder, or the institute's director, confirms it; team members "
                       "may never review this project."))
    funding_source = SelectField(
        _l("Funding source"), choices=[], default=FundingSource.OWN,
        coerce=lambda v: FundingSource(v) if v else FundingSource.OWN,  # empty: own funds
        description=_l("A government programme, an enterprise through its research contract, "
                       "or HQ's or the institute's own funds."))
    programme_level = SelectField(_l("Programme level"), choices=[],
                                  coerce=lambda v: ProgrammeLevel(v) if v else None)
    programme_name = StringField(_l("Programme"), validators=[Length(max=200)],
                                 description=_l("For a government programme: its name."))
    funder_project_number = StringField(_l("The funder's project number"),
                                        validators=[Length(max=100)])
    managing_body = StringField(_l("Managing body"), validators=[Length(max=200)],
                                description=_l("The agency managing the programme's projects."))
    trl_now = WholeNumberField(_l("TRL now"), validators=[InputRequired(), Range(1, 9)])
    trl_target = WholeNumberField(_l("TRL targeted"), validators=[InputRequired(), Range(1, 9)])
    # In the order of the page (its error summary follows it): the dates, then the budget.
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    budget_total = amount_field(_l("Budget total (CNY)"))
    # Checked by the service (a retired template stays its projects'), which says why.
    budget_template_id = SelectField(
        _l("Budget template"), coerce=row_id, choices=[], validate_choice=False,
        description=_l("The funder's budget form: one budget line per category, and its cap "
                       "on indirect costs."))
    budget_lines = RowList(FormField(BudgetLineForm), _l("Budget lines"),
                           min_entries=BUDGET_ROWS, max_entries=MAX_BUDGET_ROWS)

    no_choice = {"institute_id": _l("No institute is recorded yet: a project belongs to one "
                                    "(Institutes).")}

    def __init__(self, *args, institutes=(), enterprises=(), needs=(), users=(),
                 templates=(), free_lines=False, fields=(), **kwargs):
        """`templates`: the budget templates offered; `free_lines`: the project has none
        (recorded before them) and may keep its own lines (choice 0)."""
        super().__init__(*args, **kwargs)
        self.budget_template_id.choices = [(t.id, t.name) for t in templates]
        if free_lines:
            self.budget_template_id.choices.insert(0, (0, _l("None: the project's own lines")))
        self.type.choices = [(t, label(t)) for t in ProjectType]
        self.funding_source.choices = [(f, label(f)) for f in FundingSource]
        self.programme_level.choices = [("", _l("Not a government programme"))] + [
            (level, label(level)) for level in ProgrammeLevel]
        self.institute_id.choices = [(i.id, i.shown("name")) for i in institutes]
        self.partner_enterprise_id.choices = [(0, _l("None"))] + [(e.id, e.name)
                                                                   for e in enterprises]
        self.need_id.choices = [(0, _l("None"))] + [(n.id, n.name) for n in needs]
        self.member_ids.choices = [(u.id, u.name) for u in users]
        self.field_id.choices = field_choices(fields, _l("Not classified"))

    # A template's categories by code, their names as shown: set by the page that shows them.
    category_names: dict[str, str] = {}

    def row_name(self, row) -> str | None:
        """A budget row is named by its category: the template's name of it, or the line's own
        name typed in the row."""
        if not isinstance(row.form, BudgetLineForm):
            return None
        code = (row.form.category.data or "").strip()
        return self.category_names.get(code, code) or None

    @property
    def templated(self) -> bool:
        """The budget follows a template: its rows are its categories (`category` the code)."""
        return bool(self.budget_template_id.data)

    def lines(self) -> list[tuple[str, Decimal]]:
        """The filled budget rows; a row with an amount needs a name. A category of a template
        left empty has nothing."""
        return [(row.category.data.strip(), row.amount.data)
                for row in self.budget_lines
                if row.category.data and row.category.data.strip() and row.amount.data is not None]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.budget_lines:
            named = bool(row.category.data and row.category.data.strip())
            if row.amount.data is not None and not named:
                row.category.errors = [*row.category.errors, _l("Name this budget line.")]
                valid = False
            elif (named and row.amount.data is None and not row.amount.errors
                  and not self.templated):
                row.amount.errors = [*row.amount.errors, _l("Give an amount.")]
                valid = False
        return valid

    def show_error(self, invalid) -> bool:
        """A problem about a category of the template (`budget_lines.<code>`) stands beside
        its row's amount."""
        if invalid.field.startswith("budget_lines."):
            code = invalid.field.split(".", 1)[1]
            row = next((r for r in self.budget_lines if (r.category.data or "") == code), None)
            if row is not None:
                row.amount.errors = [*row.amount.errors, invalid.message]
                page_has_errors()
                return True
            invalid = Invalid("budget_lines", invalid.message)
        return super().show_error(invalid)


def sent(field: FileField) -> tuple | None:
    """A file field's file as (stream, name), or None when none was sent."""
    data = field.data
    return (data.stream, data.filename) if data and getattr(data, "filename", "") else None


class UploadForm(OneTime, Form):
    name = SelectField(_l("Deliverable"), choices=[])
    file = FileField(_l("File"), validators=[DataRequired()],
                     description=_l("PDF, Word, Excel, PowerPoint, PNG, JPG or ZIP."))


class DeliverableCorrectionForm(OneTime, Form):
    """A deliverable uploaded wrong, before its gate's review is requested: its file replaced,
    or the deliverable taken off, with the reason (`tracker.gates.deliverables`)."""

    # "Deliverable file", as the deliverable's history names it.
    file = FileField(_l("Deliverable file"), render_kw={"accept": ACCEPT},
                     description=_l("Replaces the deliverable's file, which stays in its "
                                    "history."))
    remove_file = BooleanField(_l("Take the deliverable off"),
                               description=_l("It was not this deliverable: the gate asks for "
                                              "it again, and the file stays in its history."))
    reason = reason_field()

    def upload(self):
        """The file as (stream, name), or None when none was sent."""
        return sent(self.file)


class ReasonForm(OneTime, Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class _TrlFields(Form):
    # "TRL", as the record's history and the project's TRL history name it.
    level = WholeNumberField(_l("TRL"), validators=[InputRequired(), Range(1, 9)])
    note = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=5000)],
                         description=_l("What shows this level: a note, a file, or both."))

    def upload(self):
        """The file as (stream, name), or None when none was sent."""
        return sent(self.file)


class TrlCorrectionForm(SeenVersion, OneTime, _TrlFields):
    """A TRL record made wrong: its level, its note and its file corrected (a new file replaces
    it, or it is taken off), with the reason."""

    # "Evidence file", as the record's history names it.
    file = FileField(_l("Evidence file"), render_kw={"accept": ACCEPT},
                     description=_l("Replaces the record's file, if it has one. The file it "
                                    "replaces stays in the record's history."))
    remove_file = BooleanField(_l("Take the file off the record"),
                               description=_l("The file was not this record's evidence: the "
                                              "record shows none (or the new one), and the "
                                              "file stays in its history."))
    reason = reason_field()

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is None or entry.file_id is None:  # nothing to take off
            del self.remove_file


class TrlForm(OneTime, _TrlFields):
    file = FileField(_l("Evidence file (optional)"))
