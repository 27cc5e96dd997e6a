"""Forms of a centre's agreement: a term (first, renewal or correction) and a payment."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.web.fields import DateField, MoneyField, Range
from tracker.web.forms import Form, OneTime, SeenVersion


class TermForm(OneTime, SeenVersion, Form):
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()], past=True)
    starts_on = DateField(_l("Term starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Term ends on"), validators=[InputRequired()],
                        description=_l("HQ is reminded before this date, until a renewal is "
                                       "recorded."))
    committed = MoneyField(
        _l("The enterprise's funding commitment (CNY)"),
        validators=[InputRequired(), Range(min=Decimal("0"), max=Decimal("1e15"))],
        description=_l("What the enterprise commits to fund over the term."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class CentrePaymentForm(OneTime, Form):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()], past=True)
    amount = MoneyField(_l("Amount (CNY)"),
                        validators=[InputRequired(), Range(min=Decimal("0.01"),
                                                          max=Decimal("1e15"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
