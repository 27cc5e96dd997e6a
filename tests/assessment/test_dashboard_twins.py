"""One figure, one count (issue 9): an assessment indicator that has a twin on the dashboard
counts what the twin counts for the same institute and year, and both are the total of the
list the dashboard's figure links to. Found by a newcomer: institute 4 of the demo had 0 of
transfer and licence income in its assessment against CN¥300,000.00 of income received under
its licences on the dashboard, the indicator counting research-contract payments only.

The data hold both kinds of income: payments on research contracts (one a technology-transfer
contract) and receipts under the register's licences, in the year and the year before, and
another institute's of both kinds, which never count."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login
from tests.export.pages import tables
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import deals
from tracker.assessment import services
from tracker.assessment.models import Measure
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.projects.lifecycle import Phase

D = Decimal
YEAR = 2026


def _contract(project, type_, payments):
    contract = contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise().id, title=f"{type_} contract",
        type=type_, amount=D("900000"), signed_on=date(2025, 3, 1),
        instalments=[(date(2025, 3, 1), D("900000"))])
    for received_on, amount in payments:
        contracts.record_payment(project.pm, contract.instalments[0], received_on, D(amount))


def _licence(project, hq, receipts):
    deal = make_transfer(make_achievement(project), hq, signed_on=date(2025, 1, 15))
    for received_on, amount in receipts:
        deals.record_income(hq, deal, received_on=received_on, amount=D(amount),
                            costs=D("0"), pays="other", report_id=None)
    _commit()


def _institute(hq, payments, receipts):
    institute = make_institute(make_user())
    project = make_project(institute=institute, phase=Phase.CONTRACT_RESEARCH,
                           start_date=date(2024, 1, 1))
    _contract(project, ContractType.TRANSFER, payments)
    _contract(project, ContractType.DEVELOPMENT, [(date(YEAR, 2, 1), "50000")])
    _licence(project, hq, receipts)
    return institute


@pytest.fixture
def world(clock):
    clock.set(date(YEAR, 11, 20))
    hq = make_user(Role.HQ_ADMIN)
    ours = _institute(hq, [(date(2025, 12, 31), "70000"), (date(YEAR, 3, 1), "80000")],
                      [(date(2025, 12, 31), "1000"), (date(YEAR, 4, 1), "300000"),
                       (date(YEAR, 9, 1), "25000")])
    _institute(hq, [(date(YEAR, 3, 1), "999")], [(date(YEAR, 4, 1), "777")])
    indicators = {measure: services.save_indicator(
        hq, None, year=YEAR, measure=measure, name=f"指标 {measure.value}",
        name_en=f"Indicator {measure.value}", weight=D(10), target=D("1000000"))
        for measure in (Measure.TRANSFER_INCOME, Measure.CONTRACTS_RECEIVED)}
    _commit()
    return dict(hq=hq, ours=ours, indicators=indicators)


def _dashboard_link(page: str, row: str) -> tuple[str, str]:
    """(href, text) of a dashboard row's figure of this year."""
    cells = page.split(f"<th>{row}</th>", 1)[1].split("</tr>", 1)[0]
    href, text = re.findall(r'<a href="([^"]+)">([^<]+)</a>', cells)[0]
    return href.replace("&amp;", "&"), text


def _assessed(client, world, measure) -> str:
    indicator = world["indicators"][measure]
    page = client.get(f"/assessment/{YEAR}/institutes/{world['ours'].id}/indicators/"
                      f"{indicator.id}").get_data(as_text=True)
    return page.split("Value reached</dt><dd>", 1)[1].split("</dd>", 1)[0]


@pytest.mark.parametrize("measure,row,header,expected", [
    # The register's receipts of the year: not the transfer contract's 80,000, nor 2025's.
    (Measure.TRANSFER_INCOME, "Income received", "Income", "325,000.00"),
    # Every research contract's payments of the year: the transfer's and the development's.
    (Measure.CONTRACTS_RECEIVED, "Received", "Received", "130,000.00"),
])
def test_an_indicator_counts_what_its_dashboard_twin_and_the_linked_list_count(
        client, world, measure, row, header, expected):
    login(client, world["hq"])
    dashboard = client.get(f"/dashboard?institute={world['ours'].id}").get_data(as_text=True)
    href, figure = _dashboard_link(dashboard, row)
    assert figure == f"CN¥{expected}"
    listed = tables(client.get(href).get_data(as_text=True))[0]
    column = next(i for i, h in enumerate(listed["head"][0]) if h.startswith(header))
    assert listed["foot"][0][column] == figure
    # The assessment writes a value of money as the dashboard does, with its currency.
    assert _assessed(client, world, measure) == figure
