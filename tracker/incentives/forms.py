"""Forms of the equity incentive pages (HQ admins and the investment committee)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.display.formatting import aside
from tracker.display.labels import label
from tracker.incentives.models import GrantKind
from tracker.web.fields import DateField, Range, WholeNumberField, amount_field, row_id
from tracker.web.forms import Form, OneTime, SeenVersion

MAX_SHARES = Decimal("1e18")


def _shares(text) -> WholeNumberField:
    return WholeNumberField(text, kind=Decimal, validators=[
        InputRequired(), Range(min=Decimal("0"), max=MAX_SHARES)])


class GrantFields:
    """What is granted to whom, asked first: the person, the instrument, the number, the pool
    and the date. Declared before `ScheduleFields` so that a grant's form asks its vesting
    terms after them (a form's fields come in the order they are declared)."""

    user_id = SelectField(_l("Person (a user)"), coerce=row_id, choices=[],
                          description=_l("The company's institute staff and project team, and "
                                         "those granted before: a user sees the grant and its "
                                         "vesting on their home page."))
    person_name = StringField(_l("Or their name"), validators=[Optional(), Length(max=200)],
                              description=_l("For someone without an account, when no user is "
                                             "chosen above."))
    kind = SelectField(_l("Kind of grant"), choices=[])
    shares = _shares(_l("Number granted (shares or options)"))
    exercise_price = amount_field(_l("Exercise price per share (options) (CNY)"), required=False)
    pool_id = SelectField(_l("From the pool"), coerce=row_id, choices=[])
    granted_on = DateField(_l("Granted on"), validators=[InputRequired()])


class ScheduleFields:
    vesting_start = DateField(_l("Vesting starts on"), validators=[InputRequired()])
    vesting_months = WholeNumberField(
        _l("Vesting period (months)"), default=48, validators=[InputRequired(), Range(0, 240)],
        description=_l("Vests monthly over this period: 48 for four years."))
    cliff_months = WholeNumberField(
        _l("Cliff (months)"), default=12, validators=[InputRequired(), Range(0, 240)],
        description=_l("Nothing vests before it; on its date the months since the start vest "
                       "at once."))
    lock_up_until = DateField(_l("Locked up until"), validators=[Optional()],
                              description=_l("The shares the person receives are not "
                                             "transferable before this date."))
    exercise_window_days = WholeNumberField(
        _l("Exercise window after leaving (days, options)"),
        validators=[Optional(), Range(0, 3650)],
        description=_l("How long vested options stay exercisable once the holder leaves, "
                       "after which they lapse. Empty: the setting's window."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class GrantForm(OneTime, GrantFields, ScheduleFields, Form):
    no_choice = {"pool_id": _l("The company has no incentive pool: issue shares to a holder "
                               "of the type incentive pool first.")}

    def __init__(self, *args, pools=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pool_id.choices = [(p.id, p.shown_name) for p in pools]
        self.user_id.choices = [(0, _l("Not a user: the name below"))] + [
            (u.id, u.name + aside(u.email)) for u in users]
        self.kind.choices = [(k.value, label(k)) for k in GrantKind]


class GrantEditForm(OneTime, SeenVersion, ScheduleFields, Form):
    pass


class ExerciseForm(OneTime, Form):
    shares = _shares(_l("Number of options exercised"))
    on_date = DateField(_l("Exercised on"), validators=[InputRequired()])


class ForfeitForm(OneTime, Form):
    left_on = DateField(_l("Left on"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
