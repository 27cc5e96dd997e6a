"""Forms of the achievement and IP register. They check input; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.achievements.models import PatentType, RightKind, RightStatus
from tracker.display.labels import label
from tracker.web.fields import DateField, MoneyField, NumberField, Range
from tracker.web.forms import Form, OneTime, SeenVersion

CONTRIBUTOR_ROWS = 8


def _choices(values, empty=None) -> list[tuple]:
    first = [("", empty)] if empty is not None else []
    return first + [(v.value, label(v)) for v in values]


class ContributorRow(Form):
    user_id = SelectField(_l("User"), coerce=int, choices=[], default=0)
    name = StringField(_l("Or a person named"), validators=[Optional(), Length(max=100)])
    share_pct = NumberField(_l("Share (%)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("100"))])

    @property
    def filled(self) -> bool:
        return bool(self.user_id.data) or bool((self.name.data or "").strip()) or \
            self.share_pct.data is not None


class AchievementForm(OneTime, SeenVersion, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    contributors = FieldList(FormField(ContributorRow), min_entries=CONTRIBUTOR_ROWS,
                             max_entries=CONTRIBUTOR_ROWS)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in self.contributors:
            row.form.user_id.choices = [(0, _l("Not a user"))] + [(u.id, u.name) for u in users]

    def numbered_rows(self) -> list[tuple[int, ContributorRow]]:
        """The filled rows with their place in the table (a problem is shown in its row)."""
        return [(i, row.form) for i, row in enumerate(self.contributors) if row.form.filled]


class RightForm(OneTime, SeenVersion, Form):
    kind = SelectField(_l("Kind"), choices=[])
    patent_type = SelectField(_l("Patent type"), choices=[],
                              description=_l("For a patent or application."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    number = StringField(_l("Application or registration number"),
                         validators=[Optional(), Length(max=50)],
                         description=_l("Such as CN202410123456.7; none for know-how."))
    jurisdiction = StringField(_l("Jurisdiction"), default="CN",
                               validators=[Optional(), Length(max=20)],
                               description=_l("CN, US, EP, PCT ..."))
    status = SelectField(_l("Status"), choices=[])
    filed_on = DateField(_l("Filed on"), validators=[Optional()])
    granted_on = DateField(_l("Granted or registered on"), validators=[Optional()])
    attorney_costs = MoneyField(_l("Attorney costs (CNY)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("1e12"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(RightKind)
        self.patent_type.choices = _choices(PatentType, _l("Not a patent"))
        self.status.choices = _choices(RightStatus)


class AnnuityForm(OneTime, Form):
    year_no = IntegerField(_l("Patent year"), validators=[InputRequired(),
                                                          NumberRange(min=1, max=30)])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    fee = MoneyField(_l("Fee (CNY)"), validators=[
        InputRequired(), Range(min=Decimal("0"), max=Decimal("1e12"))])


class AnnuityPaidForm(OneTime, Form):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount paid (CNY)"), validators=[
        InputRequired(), Range(min=Decimal("0"), max=Decimal("1e12"))])
