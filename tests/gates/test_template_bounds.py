"""A gate template's numbers are bounded in its form as its service bounds them, one rule
(tracker/gates/bounds.py): the form took any number below the least (a weight of -1, a quorum
of 0, a review period of -3 days) and left the service to refuse it, and as it took a negative
number its inputs offered a phone no keypad. Each is now refused beside its field, in the
service's words, and drawn with its keypad."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from tracker.gates.bounds import BOUNDS
from tracker.gates.forms import CriterionRow, GateTemplateForm

ROW = {"weight", "scale_max"}


def _form(name: str, value: str):
    if name in ROW:
        return CriterionRow(formdata=MultiDict({"kind": "should", "text": "Novelty",
                                                name: value}))
    return GateTemplateForm(formdata=MultiDict({"name": "Gate", name: value}), meta={
        "csrf": False})


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_a_number_below_its_least_is_refused_by_the_form_in_the_service_s_words(app, name):
    least, most, said = BOUNDS[name]
    with app.test_request_context(), force_locale("en"):
        form = _form(name, str(least - 1))
        form.validate()
        assert str(said) in form[name].errors, (name, form[name].errors)
        kept = _form(name, str(least))
        kept.validate()
        assert not kept[name].errors, (name, kept[name].errors)
        if most is not None:
            over = _form(name, str(most + 1))
            over.validate()
            assert str(said) in over[name].errors, name
        assert 'inputmode="' in str(kept[name]()), name


def test_the_service_says_the_same_sentence_in_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        form = _form("quorum", "0")
        form.validate()
        assert form.quorum.errors == [str(BOUNDS["quorum"].said)]
        assert "评分" in form.quorum.errors[0]
