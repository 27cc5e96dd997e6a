"""The form recording an expense."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.money import CENT
from tracker.web.fields import DateField, amount_field
from tracker.web.forms import Form, OneTime


class SpendingForm(OneTime, Form):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, choices=[])
    spent_on = DateField(_l("Date spent"), validators=[InputRequired()])
    amount = amount_field(_l("Amount (CNY)"), least=CENT)
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=500)])
    voucher = FileField(_l("Voucher (optional)"),
                        description=_l("PDF, PNG, JPG or ZIP: the invoice or receipt."))

    no_choice = {"budget_line_id": _l("The project has no budget line to spend against.")}

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_line_id.choices = [(line.id, line.name) for line in lines]

    def upload(self):
        """The voucher as (stream, name), or None when no file was sent."""
        data = self.voucher.data
        return (data.stream, data.filename) if data and getattr(data, "filename", "") else None
