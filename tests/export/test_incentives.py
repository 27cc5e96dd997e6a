"""A company's equity incentives export their three tables as of the page's date (F29, issue
12 point 5, found by a newcomer: /companies/N/incentives had no export). Hand-computed from
the worked example of tests/incentives/test_grants.py: team 6,000,000, investor 2,000,000,
pool 2,000,000; "=Alice" 400,000 options over 48 months from 390 days ago (cliff 12), who left
ten days ago (100,000 vested, 300,000 forfeited); Bob 100,000 options granted five days ago."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login
from tests.export.helpers import csv_rows, xlsx_rows
from tests.export.pages import tables
from tests.factories import _commit, make_user
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture
from tracker.accounts.models import Role
from tracker.incentives import services


def _grants(company):  # noqa: F811
    alice = grant(company, person_name="=Alice")
    services.forfeit(helpers.manager(), alice, helpers.days_ago(10), "Left for a university")
    grant(company, person_name="Bob", shares=Decimal("100000"),
          granted_on=helpers.days_ago(5), vesting_start=helpers.days_ago(5))
    _commit()
    return alice


def test_each_table_of_today_is_a_file(client, company):  # noqa: F811
    alice = _grants(company)
    login(client, make_user(Role.HQ_ADMIN))
    path = f"/companies/{company.id}/incentives"
    page = client.get(path).get_data(as_text=True)
    shown = tables(page)
    assert page.count("Download this list") == 3
    pools = csv_rows(client.get(f"{path}?export=csv"))
    assert pools == [["Pool", "Shares held", "Promised to options", "Unallocated"],
                     ["Incentive pool", "2000000", "200000", "1800000"]]
    grants = csv_rows(client.get(f"{path}?table=grants&export=csv"))
    assert grants[0] == ["Person", "Kind of grant", "Granted on", "Granted", "Vested", "Exercised",
                         "Cliff", "Fully vested on", "Locked up until", "State", "Left on",
                         "Forfeited", "Lapsed", "Exercisable until"]
    by_person = {r[0]: r for r in grants[1:]}
    left = alice.left_on.isoformat()
    assert by_person["'=Alice"][3:6] == ["400000", "100000", "0"]
    # The page says "Vesting stopped on ..." (tests/incentives); the file's date column holds
    # dates only, and the day they left is the file's "Left on".
    assert by_person["'=Alice"][7] == ""
    assert by_person["'=Alice"][9:12] == ["Left", left, "300000"]
    assert by_person["Bob"][9:12] == ["With the company", "", ""]
    assert [r[0] for r in shown[1]["body"]] == [r[0].lstrip("'") for r in grants[1:]]
    diluted = csv_rows(client.get(f"{path}?table=diluted&export=csv"))
    assert diluted[0][:3] == ["Holder", "Holder type", "Issued shares"]
    assert diluted[-1] == ["Total", "", "10000000", "100.00", "0", "10000000", "100.00"]
    assert len(diluted) - 1 == len(shown[2]["body"] + shown[2]["foot"])
    sheet = xlsx_rows(client.get(f"{path}?table=grants&export=xlsx"))
    alice_row = next(r for r in sheet if r[0] == "=Alice")
    assert alice_row[3] == 400000 and isinstance(alice_row[10], datetime)


def test_the_files_are_of_the_date_asked(client, company):  # noqa: F811
    alice = _grants(company)
    login(client, make_user(Role.HQ_ADMIN))
    on = helpers.days_ago(20)  # before Bob's grant and Alice's leaving
    path = f"/companies/{company.id}/incentives?on={on.isoformat()}"
    assert f"on={on.isoformat()}" in client.get(path).get_data(as_text=True)
    response = client.get(f"{path}&table=grants&export=csv")
    assert on.isoformat() in response.headers["Content-Disposition"]
    grants = csv_rows(response)
    assert [r[0] for r in grants[1:]] == ["'=Alice"]
    assert grants[1][9:12] == ["With the company", "", ""]
    assert grants[1][7] == alice.schedule.fully_vested_on.isoformat()
    pools = csv_rows(client.get(f"{path}&export=csv"))
    assert pools[1][1:] == ["2000000", "400000", "1600000"]
    assert client.get(f"/companies/{company.id}/incentives?on=2026-13-01&export=csv"
                      ).status_code == 400
    assert client.get(f"/companies/{company.id}/incentives?table=x&export=csv"
                      ).status_code == 400
    assert date.fromisoformat(on.isoformat()) == on


def test_who_may_not_see_the_company_gets_no_file(client, company):  # noqa: F811
    _grants(company)
    login(client, make_user(Role.PROJECT_MANAGER))
    for table in ("pools", "grants", "diluted"):
        assert client.get(f"/companies/{company.id}/incentives?table={table}&export=csv"
                          ).status_code == 404
