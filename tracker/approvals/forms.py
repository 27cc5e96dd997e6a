"""The forms of approval: a signature with its opinion, a delegation, and HQ's levels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.approvals.models import APPLIES_TO_LABELS, AppliesTo
from tracker.web.fields import DateField
from tracker.web.forms import Form, OneTime


class SignForm(OneTime, Form):
    """Endorse or return: the button pressed says which; a return needs the opinion."""

    opinion = TextAreaField(_l("Opinion"), validators=[Optional(), Length(max=5000)],
                            description=_l("Signed with your name and the date; required "
                                           "when you return it."))


class DelegationForm(OneTime, Form):
    delegate_id = SelectField(_l("Delegate"), coerce=int, choices=[],
                              validators=[InputRequired()])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Ends on (included)"), validators=[InputRequired()])

    no_choice = {"delegate_id": _l("Nobody else signs at your approval levels: there is "
                                   "nobody to delegate to.")}

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.delegate_id.choices = [(u.id, f"{u.name} <{u.email}>") for u in users]


class LevelForm(OneTime, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    director = BooleanField(_l("The director of the project's institute signs"), default=True)
    approver_ids = SelectMultipleField(
        _l("Named approvers (each of them must endorse)"), coerce=int, choices=[],
        validators=[Optional()])
    applies_to = SelectField(_l("Applies to"), choices=[
        (a.value, APPLIES_TO_LABELS[a]) for a in AppliesTo], default=AppliesTo.ALL.value)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.approver_ids.choices = [(u.id, f"{u.name} <{u.email}>") for u in users]
