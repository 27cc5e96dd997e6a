"""Every form's amount of money is bounded by one rule (`tracker.web.fields.amount_field`): at
least 0 (0.01 where something is paid), at most MAX_AMOUNT, and so a keypad with the point
(inputmode=decimal). The company pages' amounts took any negative number (a registered capital,
a round's pre-money valuation and amount raised, an investor's amount, an IP deal's upfront
payment, an exit's proceeds, -1e15 and up), with a keypad without the point, where the other
forms' took none below zero, each form writing its bounds itself. No form takes a negative
amount: money recorded wrong is corrected by a reversing entry the service writes, or by the
record's right amount."""

from __future__ import annotations

import ast

import pytest
from flask_babel import force_locale

from tests import source
from tests.test_whole_numbers import declared
from tracker.web.fields import MoneyField, Range
from tracker.web.forms import Form

AMOUNTS = declared(MoneyField)


def test_the_walk_finds_the_company_pages_amounts():
    assert {"tracker.companies.forms.RoundForm.pre_money",
            "tracker.companies.forms.CompanyForm.registered_capital",
            "tracker.contracts.forms.TermsForm.amount"} <= set(AMOUNTS)


def test_only_the_rule_makes_an_amount_field():
    made = [f"{path.name}:{node.lineno}" for path in source.modules()
            if path.name != "fields.py" or path.parent.name != "web"
            for node in source.nodes(path)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "MoneyField"]
    assert made == []


@pytest.mark.parametrize("name", sorted(AMOUNTS))
def test_no_form_takes_a_negative_amount(app, name):
    unbound, field = AMOUNTS[name], name.rsplit(".", 1)[1]
    least = [v.min for v in unbound.kwargs["validators"] if isinstance(v, Range)]
    assert least and least[0] >= 0, name
    one = type("One", (Form,), {field: unbound})
    with app.test_request_context(method="POST", data={field: "-5"}), force_locale("en"):
        form = one()
        form.validate()
        assert form[field].errors, name
        assert 'inputmode="decimal"' in str(form[field]())
