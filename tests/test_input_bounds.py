"""A number or date input's bounds are the ones the server validates (found by a newcomer:
/transfers/ offered years from 1991 while the server accepted 1990, and the project list from
2000): a DateField draws its own bounds, and no template writes a number of its own. A year,
a form's (YearField) or a list's filter (`fields.year_input`, which draws a YearField), is a
text input (tests/test_number_inputs.py): its bounds are the server's (`tracker.dates`' range,
which `year_arg` and every YearField check), said in its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.factories import _commit, make_user
from tracker import dates
from tracker.accounts.models import Role
from tracker.web.fields import DateField, YearField
from tracker.web.forms import Form

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FIRST, LAST = dates.EARLIEST.year, dates.LATEST.year


def test_no_template_writes_a_bound_of_its_own():
    literal = re.compile(r"""\b(min|max)=["']?-?\d""")
    found = [f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
             for path in TEMPLATES.rglob("*.html") for m in literal.finditer(path.read_text())]
    assert found == []


# Every list with a year filter, and where the admin of the test finds it.
YEAR_FILTERS = ["/transfers/", "/projects/", "/milestones/overdue", "/needs/", "/dashboard",
                "/contracts/?by=year", "/contracts/registered", "/spending/", "/assessment/",
                "/reports/annual", "/ip/statements/{me}"]


@pytest.mark.parametrize("path", YEAR_FILTERS)
def test_a_list_s_year_filter_is_read_by_the_server_which_says_what_is_wrong(client, path):
    """A list's year filter is a YearField's input (`fields.year_input`): text with a keypad
    of digits, as every form's number (tests/test_number_inputs.py). A browser's number input
    dropped the keys it did not take (Chromium: "2,025" sent as 2025, "２０２5年" as 5) or sent
    empty what it could not read, and the list went unfiltered without a word: the server now
    reads what was typed and answers a year it does not take with the reason, in the reader's
    language, and takes every year of the range (the bound `year_arg` and YearField check)."""
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    path = path.format(me=admin.id)
    page = client.get(path).get_data(as_text=True)
    inputs = [dict(re.findall(r'([\w-]+)="([^"]*)"', i))
              for i in re.findall(r'<input[^>]*inputmode="numeric"[^>]*>', page)]
    assert inputs and 'type="number"' not in page
    assert all(i["type"] == "text" and "min" not in i and "max" not in i for i in inputs)
    glue = "&" if "?" in path else "?"
    for name in (i["name"] for i in inputs):
        assert client.get(f"{path}{glue}{name}={FIRST}").status_code == 200, name
        assert client.get(f"{path}{glue}{name}={LAST}").status_code == 200, name
        for typed in (FIRST - 1, LAST + 1, "2,025", "2025年"):
            answer = client.get(f"{path}{glue}{name}={typed}")
            assert answer.status_code == 400, (name, typed)
            assert f"{typed} is not a year from {FIRST} to {LAST}." in answer.get_data(
                as_text=True), (name, typed)
    admin.locale = "zh_CN"
    _commit()
    for name in (i["name"] for i in inputs):
        answer = client.get(f"{path}{glue}{name}=abc")
        assert f"abc 不是 {FIRST} 至 {LAST} 之间的年份。" in answer.get_data(as_text=True), name


def test_a_date_field_draws_the_bounds_it_checks_and_a_year_field_checks_its_own(app):
    class Dated(Form):
        on = DateField("On")
        founded = DateField("Founded", earliest=dates.FOUNDING_EARLIEST, past=True)
        year = YearField("Year")

    with app.test_request_context("/"):
        form = Dated(formdata=None)
        assert 'min="1990-01-01"' in form.on() and 'max="2100-12-31"' in form.on()
        assert 'min="1900-01-01"' in form.founded()
        assert f'max="{dates.today().isoformat()}"' in form.founded()
    for typed in (FIRST - 1, LAST + 1):
        with app.test_request_context(method="POST", data={"year": str(typed)}):
            form = Dated()
            form.validate()
            assert form.year.errors == [f"Enter a year from {FIRST} to {LAST}."]
