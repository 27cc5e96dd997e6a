"""A whole number is read by the rule every number field and import cell reads
(`numbers.ungrouped`): 1,000 is a thousand, 1,5 is refused saying how to write a number, 62.5
is refused as not whole. Found: the forms' whole numbers (progress, months, a patent's year
of term, a score, a TRL, a setting) were WTForms' IntegerField, which refused 1,000 as "Must
be a whole number." and 1,5 likewise, where the amounts, the shares and the imports read the
one and explain the other. Every whole-number field of every form is a `WholeNumberField`,
collected below, so a new one is checked as it comes; a year is a `YearField`, which reads
digits alone (nobody groups a year) and says which years it takes."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest
from flask_babel import force_locale
from wtforms.fields.core import UnboundField

import tracker
from tests.conftest import login, post
from tests.factories import make_enterprise, make_user
from tests.source import TRACKER, modules, nodes
from tracker.accounts.models import Role
from tracker.settings import services as settings
from tracker.settings.catalogue import (
    CATALOGUE,
    OPTION_EXERCISE_WINDOW_DAYS,
    SESSION_IDLE_MINUTES,
    SESSION_LIFETIME_HOURS,
)
from tracker.web.fields import NumberField, WholeNumberField, YearField
from tracker.web.forms import Form

SEPARATOR = ("1,5: a comma separates thousands, in groups of three digits (100,000 or 100000); "
             "decimals follow a point (62.5).")
NOT_WHOLE = "Must be a whole number."

# WTForms' own number fields read a number their own way; the app's read it through `ungrouped`.
WTFORMS_NUMBERS = {"IntegerField", "DecimalField", "FloatField", "IntegerRangeField",
                   "DecimalRangeField"}


def declared(kind: type | tuple[type, ...]) -> dict[str, UnboundField]:
    """Every field of `kind` declared by a form of the app (its own or a mixin's, named by the
    class that declares it)."""
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "review_forms"} or \
                module.name.endswith("_forms"):
            importlib.import_module(module.name)
    found, todo = {}, [Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            if not isinstance(unbound, UnboundField) or not issubclass(
                    unbound.field_class, kind):
                continue
            owner = next(c for c in cls.__mro__ if name in vars(c))
            if owner.__module__.startswith("tracker."):
                found[f"{owner.__module__}.{owner.__qualname__}.{name}"] = unbound
    return found


FIELDS = declared(WholeNumberField)  # a year's aside


def test_the_walk_finds_the_forms_whole_numbers():
    assert {"tracker.milestones.forms._PostFields.percent",
            "tracker.achievements.forms.AnnuityForm.year_no",
            "tracker.incentives.forms.ScheduleFields.vesting_months",
            "tracker.projects.forms.ProjectForm.trl_now",
            "tracker.gates.forms.GateTemplateForm.quorum",
            f"tracker.settings.forms.SettingsForm.{OPTION_EXERCISE_WINDOW_DAYS}",
            "tracker.companies.forms.HoldingRow.shares"} <= set(FIELDS)


@pytest.mark.no_db
def test_no_form_reads_a_number_its_own_way():
    """No form field is one of WTForms' number fields, nor a NumberField told to take no
    decimals: either would read a whole number by a rule of its own. A field made as the form
    is (a scorecard's scores) is found here too."""
    offenders = []
    for path in modules():
        where = str(path.relative_to(TRACKER))
        for node in nodes(path):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                offenders += [f"{where}: {a.name}" for a in node.names
                              if a.name in WTFORMS_NUMBERS]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "NumberField":
                offenders += [f"{where}:{node.lineno}: NumberField(places=0)"
                              for k in node.keywords if k.arg == "places"
                              and getattr(k.value, "value", None) == 0]
    # The field classes themselves are made of them, and only there; the import recognises a
    # form's number fields by them (imports/number_cells.py, which reads no number its own
    # way and, below the web layer, may not import tracker.web: tests/test_layout.py).
    assert sorted(offenders) == ["imports/number_cells.py: DecimalField",
                                 "imports/number_cells.py: IntegerField",
                                 "web/fields.py: DecimalField", "web/fields.py: IntegerField"]


@pytest.mark.no_db
@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_whole_number_field_reads_grouped_thousands_and_refuses_what_is_not_whole(
        app, name):
    unbound = FIELDS[name]
    field = name.rsplit(".", 1)[1]
    one = type("One", (Form,), {field: unbound})
    read = {}
    for typed in ("1,000", "12 000", "1,5", "62.5", "7"):
        with app.test_request_context(method="POST", data={field: typed}), force_locale("en"):
            sent = one()[field]
            read[typed] = (sent.data, [str(e) for e in sent.process_errors])
    assert read["1,000"] == (1000, []) and read["12 000"] == (12000, [])
    assert read["1,5"] == (None, [SEPARATOR])
    assert read["62.5"] == (None, [NOT_WHOLE])
    data = read["7"][0]
    assert data == 7 and type(data) is unbound.kwargs.get("kind", int)  # shares: exact


def test_a_whole_number_is_what_the_field_shows_again(app):
    """A number of shares past a float's digits is shown as it was saved (DecimalField writes
    a whole number through "%.0f")."""
    one = type("One", (Form,), {"n": WholeNumberField("N")})
    with app.test_request_context():
        assert one(data={"n": 10**18 + 1})["n"]._value() == "1000000000000000001"
        assert 'type="text"' in str(one()["n"]()) and "step" not in str(one()["n"]())
    assert issubclass(WholeNumberField, NumberField)


def test_the_settings_page_reads_a_grouped_whole_number(client):
    """As a user sees it: the settings page saves 1,095 days, and says what is wrong with
    62.5 minutes and with 1,5 hours, beside each."""
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    form = {**{key: str(settings.get(key)) for key in CATALOGUE},
            SESSION_IDLE_MINUTES: "62.5", SESSION_LIFETIME_HOURS: "1,5",
            OPTION_EXERCISE_WINDOW_DAYS: "1,095"}
    page = post(client, "/admin/settings", form)
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert NOT_WHOLE in text and SEPARATOR in text
    form = {**{key: str(settings.get(key)) for key in CATALOGUE},
            OPTION_EXERCISE_WINDOW_DAYS: "1,095"}
    assert post(client, "/admin/settings", form).status_code == 302
    assert settings.get(OPTION_EXERCISE_WINDOW_DAYS) == 1095


def test_a_year_typed_grouped_is_told_which_years_the_field_takes(client):
    """A year reads digits alone: 2,024 is not read as 2024 (no one writes a year so, and the
    pages never do), and it is told as a year outside the range is, not "Must be a whole
    number."."""
    enterprise = make_enterprise()
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, f"/enterprises/{enterprise.id}/edit", {
        "name": enterprise.name, "uscc": enterprise.uscc, "version": str(enterprise.version),
        "high_tech_since": "2,024"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a year from 1991 to 2100." in page and NOT_WHOLE not in page
    assert not issubclass(YearField, WholeNumberField)
