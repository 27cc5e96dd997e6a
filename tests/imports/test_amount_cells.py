"""An amount cell that is not one (a contract's payments, an agreement's tranches) says so as
the forms' amount field does (issue 9 point 8): one message, `cells.amount`, in the importing
person's language, beside its column."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tracker.imports import contracts, funding_cells
from tracker.imports.cells import CellError

SAID = {"en": "Enter an amount such as 1234567.89.", "zh_CN": "请输入金额，如 1234567.89。"}


@pytest.mark.parametrize("locale", sorted(SAID))
def test_a_payment_or_tranche_that_is_not_an_amount_says_so_as_a_form_does(app, locale):
    with app.test_request_context(), force_locale(locale):
        with pytest.raises(CellError) as payment:
            contracts.payments("1: 2024-07-05: 1,5OO,000")
        with pytest.raises(CellError) as tranche:
            funding_cells.tranches("NaN | gate 1")
    assert (str(payment.value), payment.value.column) == (SAID[locale], "payments")
    assert (str(tranche.value), tranche.value.column) == (SAID[locale], "tranches")


def test_an_amount_written_with_separators_is_read(app):
    with app.test_request_context():
        [(instalment, _on, amount)] = contracts.payments("1: 2024-07-05: 1,500,000.50")
        [(tranche, gate, _title)] = funding_cells.tranches("2，000，000 | gate 1")
    assert (instalment, str(amount), str(tranche), gate) == (1, "1500000.50", "2000000", 1)
