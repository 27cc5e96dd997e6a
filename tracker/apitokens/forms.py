"""The form that makes a personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.apitokens.models import TokenScope
from tracker.apitokens.services import LIFETIMES
from tracker.display.labels import label
from tracker.web.forms import Form, OneTime


class TokenForm(OneTime, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("The tool or system that will use it."))
    scope = SelectField(_l("Access"), choices=[])
    days = SelectField(_l("Expires after"), coerce=int, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [(s.value, label(s)) for s in TokenScope]
        self.days.choices = [(n, ngettext("%(num)d day", "%(num)d days", n)) for n in LIFETIMES]
        if self.days.data is None:
            self.days.data = 90
