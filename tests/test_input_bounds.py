"""A number or date input's min and max come from the bound the server validates (found by a
newcomer: /transfers/ offered years from 1991 while the server accepted 1990, and the project
list from 2000): the templates write `first_year` and `last_year` (`tracker.dates`' range,
which `year_arg` and every YearField check), a DateField draws its own bounds, and no template
writes a number of its own. A YearField's input is text (tests/test_number_inputs.py): its
bounds are the server's, said in its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.factories import make_user
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


@pytest.mark.parametrize("path", [
    "/transfers/", "/projects/", "/milestones/overdue", "/needs/", "/dashboard",
    "/contracts/?by=year", "/spending/",
])
def test_a_list_s_year_filter_offers_the_years_the_server_accepts(client, path):
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(path).get_data(as_text=True)
    inputs = [dict(re.findall(r'(\w+)="([^"]*)"', i))
              for i in re.findall(r'<input[^>]*type="number"[^>]*>', page)]
    assert inputs and all((i["min"], i["max"]) == (str(FIRST), str(LAST)) for i in inputs)
    for name in (i["name"] for i in inputs):
        glue = "&" if "?" in path else "?"
        assert client.get(f"{path}{glue}{name}={FIRST}").status_code == 200, name
        assert client.get(f"{path}{glue}{name}={LAST}").status_code == 200, name
        assert client.get(f"{path}{glue}{name}={FIRST - 1}").status_code == 400, name
        assert client.get(f"{path}{glue}{name}={LAST + 1}").status_code == 400, name


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
