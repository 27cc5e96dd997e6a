"""A form's date field reads a day given as YYYY-MM-DD without `strptime` (an import reads one
a cell, and `strptime` cost more than the rest of the field): it holds, and refuses, what it
did when `strptime` read every input."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from tracker.web.fields import DateField
from tracker.web.forms import Form


class _Day(Form):
    day = DateField("Day")


INPUTS = ["2026-03-04", "2024-02-29", "2023-02-29", "2026-13-01", "0000-01-01", "1989-12-31",
          "2101-01-01", "2026-3-4", "20260304", "2026-03-04 ", " 2026-03-04", "2026/03/04",
          "٢٠٢٦-٠٣-٠٤", "2026-03-04T00:00", "", "not a day"]


@pytest.mark.parametrize("given", INPUTS)
def test_a_day_reads_as_strptime_read_it(app, given, monkeypatch):
    with app.test_request_context("/"):
        form = _Day(formdata=MultiDict({"day": given}))
        form.validate()
        monkeypatch.setattr(DateField, "_iso_day", lambda self, valuelist: False)
        before = _Day(formdata=MultiDict({"day": given}))
        before.validate()
        assert (form.day.data, form.day.errors) == (before.day.data, before.day.errors)


def test_an_iso_day_is_read_without_strptime(app, monkeypatch):
    with app.test_request_context("/"):
        monkeypatch.setattr("wtforms.fields.datetime.datetime", None)  # strptime unreachable
        form = _Day(formdata=MultiDict({"day": "2026-03-04"}))
        assert form.validate() and form.day.data == date(2026, 3, 4)
