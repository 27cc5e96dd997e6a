"""A year is never written as an amount: 2021, not 2,021, in a form's message, a table, a
file and the history. A year is a whole number named `year`, `*_year` or `*_since`
(formatting.is_year): its form field is a YearField, its column Kind.YEAR, its history kind
"year". Found by a tester: the recognition year's message read 「不少于 1,991」."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import Integer
from wtforms import Form as WTForm
from wtforms.fields.core import UnboundField

from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_user
from tracker.accounts.models import Role
from tracker.contracts.columns import REGISTERED_COLUMNS, rollup_columns
from tracker.db import Base
from tracker.display import formatting
from tracker.display.history import kind_of
from tracker.display.history_names import model_of
from tracker.export.columns import Column, Kind
from tracker.organisations import services as organisations
from tracker.web.fields import YearField


def _every_form_class() -> list[type]:
    found, todo = [], [WTForm]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_forms_year_is_a_year_field(app):
    years = {(cls.__name__, name): attr.field_class for cls in _every_form_class()
             for name, attr in vars(cls).items()
             if isinstance(attr, UnboundField) and formatting.is_year(name)}
    assert ("EnterpriseForm", "little_giant_since") in years
    assert {key for key, field in years.items() if not issubclass(field, YearField)} == set()


def test_every_year_column_is_told_in_the_history_as_a_year(app):
    columns = [(table.name, c.name) for table in Base.metadata.sorted_tables
               for c in table.columns if isinstance(c.type, Integer) and not c.foreign_keys
               and formatting.is_year(c.name)]
    assert ("enterprises", "high_tech_since") in columns
    assert ("enterprise_recognitions", "year") in columns
    assert {(t, c) for t, c in columns
            if kind_of(model_of(t), c) != "year"} == set()


def test_the_recognition_years_message_says_years(client):
    enterprise = make_enterprise()
    for locale, said in (("zh_CN", "请输入 1991 至 2100 之间的年份。"),
                         ("en", "Enter a year from 1991 to 2100.")):
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        response = post(client, f"/enterprises/{enterprise.id}/edit", {
            "name": enterprise.name, "uscc": enterprise.uscc, "version": str(enterprise.version),
            "high_tech_since": "1985", "specialised_since": "20000"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        # Both fields, each beside itself and in the summary above the form.
        assert page.count(said) == 4 and "1,991" not in page and "2,100" not in page
        post(client, "/logout")


def test_the_history_and_the_lists_say_years(client):
    admin = make_user(Role.HQ_ADMIN, locale="en")
    enterprise = make_enterprise()
    organisations.save_enterprise(admin, enterprise, high_tech_since=2021)
    _commit()
    login(client, admin)
    history = client.get(f"/history/enterprises/{enterprise.id}").get_data(as_text=True)
    assert "2021" in history and "2,021" not in history
    assert "2021" in client.get("/enterprises/").get_data(as_text=True)


def test_a_year_column_shows_and_files_a_year(app):
    column = Column("Year", lambda r: r, Kind.YEAR)
    with app.test_request_context(), force_locale("en"):
        assert (column.shown(2021), column.cell(2021)) == ("2021", 2021)
        assert formatting.years([2023, 2021, 2023]) == "2021, 2023"
    with app.test_request_context(), force_locale("zh_CN"):
        assert formatting.years([2023, 2021]) == "2021、2023"
    assert rollup_columns("year")[0].kind == Kind.YEAR
    assert REGISTERED_COLUMNS[0].kind == Kind.YEAR
