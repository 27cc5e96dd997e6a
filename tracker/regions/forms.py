"""The form of a headquarters' list of regions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.web.fields import Range, WholeNumberField
from tracker.web.forms import Form, OneTime, SeenVersion


class RegionForm(OneTime, SeenVersion, Form):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=20),
        Regexp(r"^\S+$", message=_l("A code has no spaces: write it as one word, for example "
                                     "south."))],
                       description=_l("Short and unique, for example south: files and the "
                                      "import name the region by it."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=100)])
    position = WholeNumberField(_l("Position"), validators=[Optional(), Range(1, 999)],
                                description=_l("Where it stands in the lists and the report, "
                                               "1 first; empty: after the others."))
    active = BooleanField(_l("Offered"), default=True,
                          description=_l("Clear it to retire the region: the institute form "
                                         "no longer offers it, and the institutes in it keep "
                                         "it."))
