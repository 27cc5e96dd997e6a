"""Small things a newcomer tester found (issue 9, F45 and F46): a negative figure is written
with the minus sign (U+2212) and a money cell does not wrap, so "-CN¥100.00" no longer broke
onto two lines after its hyphen; the forms read the minus sign back; a company's edit page
names the company once."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tests.companies import helpers as companies
from tests.conftest import login
from tests.factories import make_project, make_user
from tracker.accounts.models import Role
from tracker.display import formatting
from tracker.projects.lifecycle import Phase
from tracker.web.fields import MoneyField, NumberField

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_negative_figure_starts_with_the_minus_sign(app, locale):
    with app.test_request_context(), force_locale(locale):
        for shown in (formatting.money(Decimal("-100000.00")), formatting.number(Decimal("-5")),
                      formatting.pct(Decimal("-2.5")), formatting.price(Decimal("-1.5"))):
            assert shown.startswith("\u2212") and "-" not in shown, shown
        assert not formatting.money(Decimal("100")).startswith("\u2212")


def test_a_money_cell_does_not_wrap():
    css = (ROOT / "static/css/app.css").read_text(encoding="utf-8")
    assert re.search(r"td\.num\s*\{[^}]*white-space:\s*nowrap", css)


def test_a_form_reads_the_minus_sign_back(app):
    class Amounts(Form):
        amount = MoneyField()
        ratio = NumberField()

    with app.test_request_context():
        form = Amounts(formdata=MultiDict(dict(amount="\u22121,000.50", ratio="\u22122.5")))
        form.validate()
        assert (form.amount.data, form.ratio.data) == (Decimal("-1000.50"), Decimal("-2.5"))


def test_a_company_edit_page_names_the_company_once(client):
    company = companies.make_company(make_project(phase=Phase.INVESTMENT_DECISION))
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}/edit").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert heading.count(company.name) == 1, heading


@pytest.mark.parametrize("locale, said", [("en", "Must be a whole number."), ("zh", "须为整数。")])
def test_a_whole_number_field_says_whole_not_zero_places(app, locale, said):
    # Shares 1000000.5 read "At most 0 decimal places": every places=0 field says "whole".
    class Counts(Form):
        shares = NumberField(places=0)
        ratio = NumberField()

    with app.test_request_context(), force_locale(locale):
        form = Counts(formdata=MultiDict(dict(shares="1000000.5", ratio="2.125")))
        form.validate()
        assert [str(e) for e in form.shares.errors] == [said]
        assert "0" not in str(form.ratio.errors[0])
