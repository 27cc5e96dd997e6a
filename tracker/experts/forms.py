"""Forms of the expert pool's pages (HQ admins)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.display.bilingual import Bilingual
from tracker.display.formatting import aside
from tracker.display.labels import label
from tracker.experts.models import ExpertTitle
from tracker.web.forms import Form, OneTime, SeenVersion


def _choices(rows, empty) -> list[tuple[int, str]]:
    return [(0, empty)] + [(r.id, r.shown("name") if isinstance(r, Bilingual) else r.name)
                           for r in rows]


class ExpertForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    professional_title = SelectField(_l("Professional title"), choices=[])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=200)],
                       description=_l("The organisation the expert works for, as written."))
    unit_institute_id = SelectField(
        _l("Unit (institute)"), coerce=int, choices=[],
        description=_l("When the unit is one of our institutes: recusal keeps the expert off "
                       "its projects' panels."))
    unit_enterprise_id = SelectField(
        _l("Unit (enterprise)"), coerce=int, choices=[],
        description=_l("When the unit is an enterprise we work with: recusal keeps the expert "
                       "off the panels of projects it is the partner of."))
    expertise = TextAreaField(_l("Fields of expertise"), validators=[Length(max=2000)],
                              description=_l("One per line (or separated by commas)."))
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    active = BooleanField(_l("In the pool"), default=True,
                          description=_l("Clear it when the expert is no longer drawn: the "
                                         "panels they sat on keep them."))

    def __init__(self, *args, institutes=(), enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.professional_title.choices = [(t.value, label(t)) for t in ExpertTitle]
        self.unit_institute_id.choices = _choices(institutes, _l("Not one of our institutes"))
        self.unit_enterprise_id.choices = _choices(enterprises, _l("Not an enterprise we know"))


class ExpertAccountForm(OneTime, Form):
    """A limited account for an expert from outside, or an existing evaluator's account."""

    password = StringField(
        _l("Initial password"), validators=[Optional(), Length(max=200)],
        description=_l("A new account for an expert from outside: they sign in with their "
                       "e-mail and this password, replace it at once, and see only the "
                       "reviews they sit on."))
    user_id = SelectField(_l("Or link an evaluator's account"), coerce=int, choices=[])

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [(0, _l("No, create the account above"))] + [
            (u.id, u.name + aside(u.email)) for u in evaluators]
