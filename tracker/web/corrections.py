"""The two forms of every correction: a reversal (dated, with a reason) of a payment, a
disbursement or a share entry, and a reason alone (voiding a founders' table, detaching a
company from a project). The services say what may be corrected and how."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.dates import today
from tracker.web.fields import DateField
from tracker.web.forms import Form, OneTime


class ReasonForm(OneTime, Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Why the record was wrong: kept with the correction "
                                          "and shown beside both."))


class ReverseForm(ReasonForm):
    on_date = DateField(_l("Reversed on"), validators=[InputRequired()], default=today,
                        description=_l("From this date on the entry no longer counts; before "
                                       "it, it still does. Give the original's own date when "
                                       "it should never have counted."))
