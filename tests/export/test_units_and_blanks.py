"""What a list's figures say when there is none, and in which unit (found by a newcomer on
/transfers/, issues 9 and 12): a deal with no upfront payment read CN¥0.00 where nothing was
agreed; its file's royalty column did not say it was in per cent; the companies file wrote
"No round yet" in a money column. Each is a class, checked here on every list's columns:

- an amount a record keeps as 0 for "none" is shown "—" and exported as an empty cell
  (`money.stated`), on the list, its file and the record's page;
- every column of a percentage or an amount names its unit in its file's header, in both
  languages, where its cells are bare numbers (25.00, 5000.00), and not on the page, where each
  cell says it ("25.00%" below "Stake (%)", "CN¥5,000.00" below "Upfront payment (CNY)" said it
  twice, found by newcomers), nor on the record's page beside "CN¥5,000.00" (one rule:
  `tracker.export.columns.headers`);
- a file's typed column (money, a number, a date) holds its type or nothing, never text.
"""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import force_locale

import tracker
from tests.achievements.helpers import make_achievement, make_transfer
from tests.companies import helpers as company_helpers
from tests.conftest import login
from tests.export.helpers import csv_rows, xlsx_rows
from tests.export.pages import tables
from tests.factories import _commit, make_enterprise, make_need, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.models import RightKind, RightStatus
from tracker.export.columns import Column, Kind, headers
from tracker.projects.lifecycle import Phase


def every_column() -> list[tuple[str, Column]]:
    """Every column of every list defined at a module's top level in the app."""
    found = []
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, list | tuple) and value and all(
                    isinstance(c, Column) for c in value):
                found += [(f"{info.name}.{name}", c) for c in value]
    return found


def test_the_walk_finds_the_lists():
    names = {name for name, _ in every_column()}
    assert {"tracker.achievements.columns.DEAL_COLUMNS",
            "tracker.companies.columns.PORTFOLIO_COLUMNS",
            "tracker.spending.columns.CATEGORY_COLUMNS"} <= names


# Each unit a file's header names: the kinds of column whose cells are in it, and how the
# header says it in each language.
UNITS = {"per cent": ({Kind.PCT}, {"en": "(%)", "zh_CN": "（%）"}),
         "CNY": ({Kind.MONEY, Kind.PRICE}, {"en": "(CNY)", "zh_CN": "（元）"})}


def test_every_column_of_a_unit_names_it_once_in_its_file_and_not_on_its_page(app):
    for unit, (kinds, said) in UNITS.items():
        columns = [(name, c) for name, c in every_column() if c.kind in kinds]
        assert len(columns) >= 10, unit
        for language in ("en", "zh_CN"):
            with app.test_request_context("/"), force_locale(language):
                in_file = headers([c for _, c in columns])
                unnamed = [(name, header) for (name, _), header in zip(
                    columns, in_file, strict=True) if not header.endswith(said[language])]
                twice = [(name, header) for (name, _), header in zip(
                    columns, in_file, strict=True) if header.count(said[language][1:-1]) > 1]
                on_page = [(name, str(c.header)) for name, c in columns
                           if said[language][1:-1] in str(c.header)]
            assert unnamed == [] and twice == [] and on_page == [], (unit, language)


def test_a_typed_column_of_a_file_holds_no_text(app):
    """A column that says something in place of an empty value (`blank`) says it on the page;
    its file's cell is empty unless the column is text."""
    with app.test_request_context("/"):
        for name, column in every_column():
            if column.blank is None:
                continue
            said = Column(column.header, lambda row: None, column.kind, blank=lambda row: "x")
            if said.typed:
                assert said.cell(SimpleNamespace()) is None, name
                assert said.shown(SimpleNamespace()) == "x", name
            else:
                assert said.cell(SimpleNamespace()) == "x", name


def test_a_deal_without_upfront_payment_reads_none_on_its_list_file_and_page(client):
    hq = make_user(Role.HQ_ADMIN)
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    deal = make_transfer(make_achievement(project, title="Separator"), hq,
                         enterprise_id=make_enterprise(name="Gamma Ltd").id,
                         upfront=None, minimum_royalty=None)
    login(client, hq)
    page = client.get("/transfers/").get_data(as_text=True)
    table = tables(page)[0]
    header = table["head"][0]
    row = table["body"][0]
    assert row[header.index("Upfront payment")] == "—"  # its cells say CN¥, its file (CNY)
    assert row[header.index("Royalty rate")] == "5.00%"
    rows = csv_rows(client.get("/transfers/?export=csv"))
    assert rows[0][7:9] == ["Upfront payment (CNY)", "Royalty rate (%)"]
    assert rows[1][7:9] == ["", "5.00"]
    assert xlsx_rows(client.get("/transfers/?export=xlsx"))[1][7] is None
    shown = client.get(f"/transfers/{deal.id}").get_data(as_text=True)
    assert "CN¥0.00" not in shown
    assert "Upfront payment</dt><dd>—</dd>" in shown
    assert "Minimum royalty per period</dt><dd>—</dd>" in shown


def test_an_ip_deal_for_equity_alone_reads_no_upfront_on_the_company_page(client):
    admin = make_user(Role.HQ_ADMIN)
    project = make_project(phase=Phase.SPIN_OFF)
    company = company_helpers.make_company(project, admin)
    company_helpers.license_ip(company, project, admin, upfront=Decimal("0"),
                               royalty_pct=Decimal("0"))
    login(client, admin)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    deal = next(t for t in tables(page) if "Field of use" in t["head"][0])
    head, row = deal["head"][0], deal["body"][0]
    assert row[head.index("Upfront")] == "—" and row[head.index("Royalty rate")] == "—"


def test_a_right_without_attorney_costs_reads_none(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    achievement = make_achievement(project, title="Seal")
    right = services.save_right(
        project.pm, achievement, None, kind=RightKind.KNOW_HOW, patent_type=None,
        title="Curing recipe", number="", jurisdiction="CN", status=RightStatus.FILED,
        filed_on=None, granted_on=None, attorney_costs=None)
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert "Attorney costs</dt><dd>—</dd>" in page


def _foot(table: dict, header: str) -> str:
    return table["foot"][0][table["head"][0].index(header)]


def test_a_total_row_of_amounts_none_states_reads_none(client):
    """A total row adds up what its rows state: when no deal listed agreed an upfront payment,
    or no need listed states an investment, the total reads "—" (an empty cell in the file) as
    each row does, and the dashboard's figure linking to the list says the same; once one row
    states an amount, the total is that amount."""
    hq = make_user(Role.HQ_ADMIN)
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    make_transfer(make_achievement(project, title="Separator"), hq, upfront=None,
                  minimum_royalty=None)
    make_need(intended_investment=None)
    login(client, hq)
    for url, header in (("/transfers/", "Upfront payment"), ("/needs/", "Intended investment")):
        page = client.get(url).get_data(as_text=True)
        assert _foot(tables(page)[0], header) == "—", url
        rows = csv_rows(client.get(f"{url}?export=csv"))
        assert rows[-1][rows[0].index(f"{header} (CNY)")] == "", url
    dashboard = client.get("/dashboard").get_data(as_text=True)
    deals = dashboard.split('id="deals"')[1].split("</table>")[0]
    upfront = deals.split("Upfront payments agreed")[1].split("</tr>")[0]
    assert "CN¥0.00" not in upfront and upfront.count(">—</a>") == 2
    make_transfer(make_achievement(project, title="Anode"), hq, upfront=Decimal("5000"))
    make_need(intended_investment=Decimal("700"))
    assert _foot(tables(client.get("/transfers/").get_data(as_text=True))[0],
                 "Upfront payment") == "CN¥5,000.00"
    assert _foot(tables(client.get("/needs/").get_data(as_text=True))[0],
                 "Intended investment") == "CN¥700.00"
