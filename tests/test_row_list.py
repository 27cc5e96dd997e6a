"""A form refilled for each row of an import keeps its lists' rows (`RowList`: budget lines,
instalments) and fills them again, instead of making them anew (`FieldList`), which cost more
than the rest of the form (issue 13, the import's CPU a row). What a refilled form holds, and
what it finds wrong, is what a form made for the same input holds and finds."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import FormField

from tracker.contracts.forms import ContractForm
from tracker.projects.forms import BudgetLineForm, ProjectForm
from tracker.web.fields import RowList
from tracker.web.forms import Form


class _Lines(Form):
    lines = RowList(FormField(BudgetLineForm), min_entries=2, max_entries=5)


def _input(*rows: tuple[int, str, str]) -> MultiDict:
    data = MultiDict()
    for index, category, amount in rows:
        data.setlist(f"lines-{index}-category", [category])
        data.setlist(f"lines-{index}-amount", [amount])
    return data


INPUTS = [
    _input((0, "Equipment", "1000"), (1, "Labour", "500"), (2, "Travel", "20")),
    _input(),
    _input(*((i, f"Line {i}", str(i)) for i in range(7))),  # past max_entries
    _input((0, "Equipment", "not money"), (1, "x" * 101, "1")),
    _input((0, "Equipment", "1000")),
    _input((0, "Equipment", "1000"), (2, "Travel", "20")),  # a gap: renumbered
    _input((0, "Labour", "7"), (1, "Travel", "8"), (2, "Other", "9"), (3, "More", "1")),
    MultiDict(),
]


def _shown(form: Form) -> list:
    return [(row.name, row.id, row.index, [(f.name, f.id, f.data, f.raw_data, f.errors)
                                            for f in row.form]) for row in form.lines]


def test_a_refilled_form_holds_and_refuses_what_a_new_one_does(app):
    with app.test_request_context("/"):
        refilled = _Lines(formdata=INPUTS[0])
        for data in INPUTS + INPUTS[::-1]:
            fresh = _Lines(formdata=data)
            refilled.process(formdata=data)
            assert refilled.validate() == fresh.validate()
            assert refilled.data == fresh.data
            assert refilled.errors == fresh.errors
            assert _shown(refilled) == _shown(fresh)
            assert refilled.lines.last_index == fresh.lines.last_index


def test_a_refilled_form_keeps_its_rows(app):
    with app.test_request_context("/"):
        form = _Lines(formdata=INPUTS[0])
        rows = [row.form for row in form.lines]
        form.process(formdata=INPUTS[4])
        assert [row.form for row in form.lines] == rows[:2]
        form.process(formdata=INPUTS[6])
        kept = [row.form for row in form.lines]
        assert kept[:2] == rows[:2] and len(kept) == 4  # the third and fourth made anew


def test_the_forms_the_imports_refill_keep_their_rows():
    assert isinstance(ProjectForm.budget_lines.field_class, type)
    for unbound in (ProjectForm.budget_lines, ContractForm.instalments):
        assert issubclass(unbound.field_class, RowList)
