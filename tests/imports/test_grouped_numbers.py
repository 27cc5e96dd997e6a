"""Share counts, and every number, are read with the user's thousands separators as amounts
are (commit 9f74a5d9), by one parser (`tracker.numbers.ungrouped`) in the forms and the
import, in both languages: "100,000" shares were refused ("Enter a number such as 3 or
62.5."), in a grants row and in the web form. A separator that groups no thousands is refused,
saying how to write the number (issue 13 point 4, a hand check)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from tests.imports.helpers import run
from tests.imports.test_incentive_grants import KEYS, OPTIONS, SHARES, _setting
from tracker import db
from tracker.imports.models import ImportState
from tracker.incentives.models import IncentiveGrant
from tracker.web.fields import MoneyField, NumberField
from tracker.web.forms import Form


class _Numbers(Form):
    shares = NumberField(places=0)
    rate = NumberField()
    paid = MoneyField()


def _read(app, **given) -> tuple[dict, dict]:
    with app.test_request_context(method="POST"):
        form = _Numbers(formdata=MultiDict(given), meta={"csrf": False})
        form.validate()
        return ({name: field.data for name, field in form._fields.items()},
                {name: [str(e) for e in errors] for name, errors in form.errors.items()})


@pytest.mark.parametrize("typed", ["100,000", "100，000", "100 000", "100000"])
def test_a_share_count_is_read_grouped_as_an_amount(app, typed):
    data, errors = _read(app, shares=typed, rate="1,234.5", paid="1,234,567.89")
    assert errors == {}
    assert data == {"shares": Decimal("100000"), "rate": Decimal("1234.5"),
                    "paid": Decimal("1234567.89")}


@pytest.mark.parametrize("typed", ["1,5", "62,5", "1,0000", "1,000,00", "100, 000"])
def test_a_separator_grouping_no_thousands_is_refused_saying_how(app, typed):
    with force_locale("en"):
        _data, errors = _read(app, shares=typed, paid=typed)
        assert errors["shares"] == errors["paid"] == [
            f"{typed}: a comma separates thousands, in groups of three digits (100,000 or "
            "100000); decimals follow a point (62.5)."]
    with force_locale("zh_CN"):
        _data, errors = _read(app, shares=typed)
        assert "三位一组" in errors["shares"][0]


def test_a_grants_row_reads_its_shares_grouped(app):
    admin = _setting()
    options = [*OPTIONS[:3], "100,000", *OPTIONS[4:13], "2023-01-10 | 30,000; 2023-08-01 | "
               "20,000", OPTIONS[14]]
    shares = [*SHARES[:3], "20，000", *SHARES[4:]]
    result = run(admin, "incentive_grants", [KEYS, options, shares])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    assert sorted(g.shares for g in db.session.query(IncentiveGrant)) == [
        Decimal("20000"), Decimal("100000")]
    refused = run(admin, "incentive_grants", [KEYS, [*SHARES[:3], "20,00", *SHARES[4:]]])
    assert [(r, c) for r, c, _m in refused.errors] == [
        (2, "Number granted (shares or options)")], refused.errors
    assert "groups of three digits" in refused.errors[0][2]
