"""Form fields the domain needs and WTForms lacks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField


class MoneyField(DecimalField):
    """An amount in CNY: accepts `1,234,567.89` and `1234567.89`, at most two decimals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip().replace(",", "").replace("，", "").replace("¥", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter an amount such as 1234567.89.")) from None
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("Enter an amount such as 1234567.89."))
        if value.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_l("At most two decimal places (fen)."))
        self.data = value
