"""Forms of a centre's agreement: a term (first, renewal or correction) and a payment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.money import CENT
from tracker.web.fields import DateField, amount_field
from tracker.web.forms import Form, OneTime, SeenVersion


class TermForm(OneTime, SeenVersion, Form):
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()], past=True)
    starts_on = DateField(_l("Term starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Term ends on"), validators=[InputRequired()],
                        description=_l("HQ is reminded before this date, until a renewal is "
                                       "recorded."))
    committed = amount_field(_l("The enterprise's funding commitment (CNY)"),
        description=_l("What the enterprise commits to fund over the term."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class CentrePaymentForm(OneTime, Form):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()], past=True)
    amount = amount_field(_l("Amount (CNY)"), least=CENT)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
