"""Forms of the reminder pages: the working-day calendar, a user's preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.reminders.rules import RULES
from tracker.web.fields import DateField
from tracker.web.forms import Form, OneTime


class CalendarDayForm(OneTime, Form):
    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = RadioField(_l("This date is"), choices=[
        SelectChoice("holiday", _l("a public holiday (no work)")),
        SelectChoice("workday", _l("a working day (a weekend day declared working)")),
    ], default="holiday", validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)],
                       description=_l("For example: National Day, or the State Council notice."))


class PreferencesForm(OneTime, Form):
    """A choice of delivery, and a box per optional rule (`want_<rule>`, added below: ticked,
    the user wants it). Sent twice (a double click) it saves once; the same choices sent
    again later are saved again, which changes nothing: a box ticked, then unticked again, is
    no resending."""

    same_content_is_resent = False
    delivery = RadioField(_l("How"), choices=[
        SelectChoice("digest", _l("One message per run listing all my deadlines")),
        SelectChoice("per_item", _l("One message per deadline")),
    ], validators=[InputRequired()])


for _rule in RULES.values():
    if _rule.optional:
        setattr(PreferencesForm, f"want_{_rule.name}", BooleanField(_rule.label))


def preferences_form(per_item: bool, opted_out: set[str], formdata=None) -> PreferencesForm:
    """The form filled with the user's preferences, or with what they sent."""
    data = {"delivery": "per_item" if per_item else "digest"}
    data.update({f"want_{name}": name not in opted_out
                 for name, rule in RULES.items() if rule.optional})
    return PreferencesForm(formdata=formdata, data=None if formdata else data)


def chosen_opt_outs(form: Form) -> set[str]:
    return {name for name, rule in RULES.items()
            if rule.optional and not form[f"want_{name}"].data}
