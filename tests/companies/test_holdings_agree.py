"""Every place that sums a company's holdings agrees with its cap table once people hold shares
from the incentive plan (issue 16, T21: the companies export left out shares people hold from
exercised options): the company's page, the companies list and its CSV, HQ's holdings in SQL
(the dashboard's and the list's totals) and the import-format exports, whose companies and
incentive grants files together give the ledger back (tests/imports/test_empty_database.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tests.incentives.test_grants import grant
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import holdings, ledger
from tracker.companies.models import Acquisition, HolderType
from tracker.companies.services import IssueLine
from tracker.dates import today
from tracker.imports import export
from tracker.incentives import services
from tracker.projects.lifecycle import Phase

D = Decimal
LINES = [IssueLine("R&D team", HolderType.TEAM, D("6000000"), Acquisition.CASH),
         IssueLine("JITRI", HolderType.HQ, D("2000000"), Acquisition.CASH),
         IssueLine("Robotics institute", HolderType.INSTITUTE, D("1000000"),
                   Acquisition.CASH),
         IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, D("1000000"),
                   Acquisition.CASH)]


def test_every_sum_of_holdings_agrees_with_the_cap_table(client):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=LINES)
    admin = helpers.manager()
    alice = grant(company, admin)  # 400,000 options, 100,000 vested
    services.exercise(admin, alice, helpers.days_ago(5), D("60000"))
    grant(company, admin, person_name="Bob", kind="shares", shares=D("100000"),
          exercise_price=None)
    _commit()
    table = ledger.cap_table(company, today())
    held = {h.holder.name: h.shares for h in table.rows}
    assert (held["Alice"], held["Bob"], held["Incentive pool"]) == (
        D("60000"), D("100000"), D("840000"))
    assert table.held == table.issued == D("10000000")
    # HQ's holdings in SQL, which the dashboard and the list's totals add up
    row = next(r for r in db.session.execute(holdings.listed(admin, today()))
               if r.company_id == company.id)
    assert D(row.hq_shares) == table.shares_of(HolderType.HQ)
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Alice" in page and "60,000" in page and "840,000" in page
    listing = client.get("/companies/?export=csv").get_data(as_text=True).lstrip("\ufeff")
    [line] = [r for r in csv.DictReader(io.StringIO(listing)) if r["Company"] == company.name]
    assert D(line["HQ's shares"]) == table.shares_of(HolderType.HQ)
    assert D(line["HQ's stake (%)"]) == table.pct_of(HolderType.HQ) == D("20.00")
    assert D(line["Institute's stake (%)"]) == table.pct_of(HolderType.INSTITUTE) == D("10.00")
    # The import-format files: the companies file's ledger and the grants file together
    companies_file = export.export_csv("companies").decode()
    grants_file = list(csv.reader(io.StringIO(export.export_csv("incentive_grants").decode())))
    assert "Alice" not in companies_file and "Bob" not in companies_file  # not twice
    assert [(r[1], r[2], r[3], r[13]) for r in grants_file[1:]] == [
        ("Alice", "options", "400000", f"{helpers.days_ago(5).isoformat()} | 60000"),
        ("Bob", "shares", "100000", "")]
