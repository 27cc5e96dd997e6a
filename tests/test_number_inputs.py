"""Every number field of every form is a text input with a keypad, not `<input type="number">`
(tracker/web/fields.py:NumberText): a browser keeps what was typed in a number input from the
server (Chromium saved "62,5" as 625; by the HTML standard, a browser that keeps text it
cannot read as a number sends the field empty: see
tests/browser/test_typed_numbers.py), which reads grouped numbers and says what is wrong with
the others. A phone's keypad comes from `inputmode`: digits for a whole number and a year,
digits and a point for a decimal, neither for a field whose form takes a number below zero (the
keypads have no minus sign; no form's amount does, `fields.amount_field`, nor a gate template's
numbers, tracker/gates/bounds.py). The bounds the number input
drew are the server's to check (`Range`, a year's own), so no field goes without one."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from tests.test_whole_numbers import declared
from tracker.web.fields import NumberField, Range, WholeNumberField, YearField
from tracker.web.forms import Form

NUMBERS = declared((NumberField, YearField))
# Bounded by the service, not the form: the ratio a research acceptance was judged on
# (tracker/gates/decision_checks.py, and the table's CHECK).
BOUNDED_BY_THE_SERVICE = {"tracker.gates.review_forms.DecisionForm.completion_ratio"}


def _lowest(name: str):
    """The least number the field's form takes (None: any), a year's earliest."""
    unbound = NUMBERS[name]
    if issubclass(unbound.field_class, YearField):
        return unbound.kwargs.get("earliest", 1)
    return next((v.min for v in unbound.kwargs.get("validators", ())
                 if isinstance(v, Range) and v.min is not None), None)


def _rendered(app, name: str) -> dict[str, str]:
    field = name.rsplit(".", 1)[1]
    one = type("One", (Form,), {field: NUMBERS[name]})
    with app.test_request_context():
        html = str(one()[field]())
    return dict(re.findall(r'([\w-]+)="([^"]*)"', html))


def test_the_walk_finds_amounts_decimals_whole_numbers_and_years():
    kinds = {NUMBERS[name].field_class.__name__ for name in NUMBERS}
    assert {"MoneyField", "NumberField", "WholeNumberField", "YearField"} <= kinds
    assert {"tracker.projects.forms.ProjectForm.budget_total",
            "tracker.assessment.forms.IndicatorForm.target",
            "tracker.projects.forms.ProjectForm.trl_now"} <= set(NUMBERS)


@pytest.mark.no_db
@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_every_number_field_is_a_text_input_with_its_keypad_and_the_server_s_bounds(app, name):
    """Its type, keypad and spell check; and what the number input's min and max kept out, a
    number past the field's bound, is refused by the server beside it."""
    attributes = _rendered(app, name)
    kind = NUMBERS[name].field_class
    whole = issubclass(kind, (WholeNumberField, YearField)) or \
        NUMBERS[name].kwargs.get("places", 2) == 0
    signed = _lowest(name) is None or _lowest(name) < 0
    keypad = None if signed else "numeric" if whole else "decimal"
    assert attributes["type"] == "text"
    assert attributes.get("inputmode") == keypad
    assert attributes["spellcheck"] == "false"
    assert not {"min", "max", "step"} & set(attributes)  # a text input has none
    if name in BOUNDED_BY_THE_SERVICE:
        return
    unbound, field = NUMBERS[name], name.rsplit(".", 1)[1]
    bounds = [v for v in unbound.kwargs.get("validators", ()) if isinstance(v, Range)]
    assert bounds or issubclass(unbound.field_class, YearField), name
    past = "3000" if not bounds else str(bounds[0].max + 1) if bounds[0].max is not None \
        else str(bounds[0].min - 1)
    one = type("One", (Form,), {field: unbound})
    with app.test_request_context(method="POST", data={field: past}), force_locale("en"):
        form = one()
        form.validate()
        assert form[field].errors, (name, past)
