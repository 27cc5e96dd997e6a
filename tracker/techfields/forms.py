"""The form of HQ's list of technical fields, and the choice of a field other forms offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.web.forms import Form, OneTime, SeenVersion


class TechnicalFieldForm(OneTime, SeenVersion, Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Short and unique, for example AM."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=100)])
    active = BooleanField(_l("Offered"), default=True,
                          description=_l("Clear it to stop offering the field: the records "
                                         "counted in it keep it."))


def field_choices(fields, empty_label) -> list[tuple[int, str]]:
    """A select's choices of technical fields (`services.offered`), 0 for none."""
    return [(0, empty_label)] + [(f.id, f.shown("name")) for f in fields]
