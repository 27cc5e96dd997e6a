"""Every figure of the annual report against the small network of `world.py`, counted by hand:
2026 beside 2025, in total and for institute A."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D

import openpyxl
import pytest

from tests.conftest import login
from tests.reports import world
from tests.test_query_counts import assert_steady
from tracker.reports import annual


def _m(value: str) -> D:
    return D(value)


# key: (count 2025, amount 2025, count 2026, amount 2026); None where the figure has none.
TOTALS = {
    "institutes_founded": (1, None, 0, None),  # A on 2025-03-01
    "centres_founded": (1, None, 2, None),
    "centres_active": (1, None, 3, None),  # established by the year's end; one undated
    "needs_collected": (1, _m("2000000"), 4, _m("4500000")),  # N5: 1 Jan 2026 in Shanghai
    "needs_matched": (1, _m("2000000"), 1, _m("3000000")),
    "projects_from_needs": (0, None, 1, None),
    "contracts_from_needs": (0, _m("0"), 1, _m("1000000")),
    # P2 (coded 2026) waits in proposal review: not part of the portfolio (issue 9).
    "new_projects": (2, None, 1, None),
    "new_projects:pm_major": (0, None, 1, None),
    "new_projects:contract_research": (1, None, 0, None),
    "new_projects:allocation_investment": (1, None, 0, None),
    "new_projects:internal": (0, None, 0, None),
    "new_projects:government": (0, None, 1, None),
    "new_projects:enterprise": (1, None, 0, None),
    "new_projects:own": (1, None, 0, None),
    "active_projects": (2, None, 2, None),  # P4 completed on 2025-12-10; P2 not approved
    "active_projects:pm_major": (0, None, 1, None),
    "active_projects:contract_research": (1, None, 0, None),
    "active_projects:allocation_investment": (1, None, 1, None),
    "active_projects:internal": (0, None, 0, None),
    "active_projects:government": (0, None, 1, None),
    "active_projects:enterprise": (1, None, 0, None),
    "active_projects:own": (1, None, 1, None),
    "new_project_managers": (2, None, 0, None),
    "contracts_signed": (2, _m("800000"), 1, _m("1000000")),
    "contracts_received": (None, _m("400000"), None, _m("800000")),
    "contracts_registered": (1, _m("250000"), 1, _m("450000")),  # by the date registered
    "ai_committed": (2, _m("2500000"), 0, _m("0")),
    "ai_disbursed": (None, _m("1300000"), None, _m("200000")),
    "ai_converted": (0, _m("0"), 1, _m("1000000")),
    # Co-funders (world._co_funders): committed in the year signed, paid in the year paid
    # (2026: 200,000 paid and reversed, 100,000 by the district).
    "ai_co_funded": (3, _m("2000000"), 0, _m("0")),
    "ai_co_funders_paid": (None, _m("800000"), None, _m("100000")),
    "companies_founded": (1, None, 1, None),
    "financing_raised": (1, _m("1000000"), 1, _m("2500000")),
    "exits": (0, _m("0"), 1, _m("8000000")),
    # the register (world._achievements): X1 of A, X2 of B
    "patents_filed": (1, None, 2, None),
    "patents_granted": (0, None, 1, None),
    "achievements_transferred": (1, _m("50000"), 1, _m("100000")),  # X1 twice in 2026: once
    "licence_income": (None, _m("50000"), None, _m("100000")),
    "licence_income_distributed": (None, _m("30000"), None, _m("45000")),
    "hq_funding": (None, _m("1000000"), None, _m("0")),  # 2026's not approved
}

INSTITUTE_A = {
    "institutes_founded": (1, None, 0, None),
    "needs_collected": (1, _m("2000000"), 1, _m("3000000")),
    "needs_matched": (1, _m("2000000"), 1, _m("3000000")),
    "projects_from_needs": (0, None, 1, None),
    "new_projects": (1, None, 1, None),  # P2 is a proposal under review: not counted
    "new_projects:government": (0, None, 1, None),
    "new_projects:enterprise": (0, None, 0, None),
    "new_projects:own": (1, None, 0, None),
    "active_projects": (1, None, 2, None),
    "active_projects:government": (0, None, 1, None),
    "active_projects:enterprise": (0, None, 0, None),
    "active_projects:own": (1, None, 1, None),
    "new_project_managers": (1, None, 0, None),
    "contracts_signed": (1, _m("500000"), 1, _m("1000000")),
    "contracts_received": (None, _m("100000"), None, _m("800000")),
    "contracts_registered": (0, _m("0"), 1, _m("450000")),
    "ai_committed": (1, _m("2000000"), 0, _m("0")),
    "ai_disbursed": (None, _m("800000"), None, _m("200000")),
    "ai_converted": (0, _m("0"), 1, _m("1000000")),
    "ai_co_funded": (2, _m("1500000"), 0, _m("0")),
    "ai_co_funders_paid": (None, _m("300000"), None, _m("100000")),
    "companies_founded": (0, None, 1, None),
    "financing_raised": (0, _m("0"), 1, _m("2500000")),
    "exits": (0, _m("0"), 0, _m("0")),
    "patents_filed": (1, None, 1, None),
    "patents_granted": (0, None, 1, None),
    "achievements_transferred": (0, _m("0"), 1, _m("100000")),
    "licence_income": (None, _m("0"), None, _m("100000")),
    "licence_income_distributed": (None, _m("0"), None, _m("45000")),
    "hq_funding": (None, _m("600000"), None, _m("0")),
}


def _flat(cells):
    before, now = cells
    return (before.count, before.amount, now.count, now.amount)


def test_every_total_of_2026_beside_2025(net):
    report = annual.build(2026)
    totals = {row.figure: _flat((row.previous, row.current))
              for row in report.rows() if not row.institute_code}
    # By technical field: tests/reports/test_by_field.py; by region and by enterprise size:
    # tests/reports/test_by_organisation.py.
    assert {k: v for k, v in totals.items() if "_in_field:" not in k
            and not k.startswith(("new_projects_in_region:", "needs_by_size:"))} == TOTALS


def test_every_figure_of_an_institute(net):
    report = annual.build(2026)
    a = {row.figure: _flat((row.previous, row.current))
         for row in report.rows() if row.institute_code == "A"}
    assert {k: a[k] for k in INSTITUTE_A} == INSTITUTE_A
    assert "centres_founded" not in a  # the network's only


def test_a_report_limited_to_one_institute_counts_nothing_else(net):
    report = annual.build(2026, frozenset({net["a"].id}))
    totals = {row.figure: _flat((row.previous, row.current))
              for row in report.rows() if not row.institute_code}
    assert {k: totals[k] for k in INSTITUTE_A} == INSTITUTE_A
    assert "centres_founded" not in totals
    assert {row.institute_code for row in report.rows()} == {"", "A"}


def test_the_page_for_hq_and_for_a_director(net, client, app):
    login(client, net["admin"])
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "Annual report 2026" in page and "Institute B" in page
    assert "CN¥4,500,000.00" in page  # needs collected in 2026, in total
    client = app.test_client()
    login(client, net["director"])
    page = client.get(f"/reports/annual?year=2026&institute={net['b'].id}").get_data(as_text=True)
    assert "Institute A" in page and "Institute B" not in page
    assert "CN¥8,000,000.00" not in page  # B's exit
    assert "Joint innovation centres founded" not in page


def test_the_files_hold_the_same_figures(net, client):
    login(client, net["director"])
    response = client.get("/reports/annual?year=2026&export=csv")
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Figure", "Institute code", "Institute", "Count 2025", "Count 2026",
                       "Amount 2025 (CNY)", "Amount 2026 (CNY)"]
    signed = [r for r in rows if r[0] == "Research contracts signed"]
    assert signed == [["Research contracts signed", "", "Total", "1", "1", "500000.00",
                       "1000000.00"],
                      ["Research contracts signed", "A", "Institute A", "1", "1", "500000.00",
                       "1000000.00"]]
    response = client.get("/reports/annual?year=2026&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    received = next(r for r in cells if r[0] == "Contract money received" and r[1] == "A")
    assert received[3:] == [None, None, D("100000"), D("800000")] or received[3:] == [
        None, None, 100000, 800000]


def test_the_command_writes_json_csv_and_xlsx(net, app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "annual", "--year", "2026", "--locale", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    total = next(f for f in data["figures"]
                 if f["key"] == "financing_raised" and f["institute"] is None)
    assert total["2025"] == {"count": 1, "amount": "1000000.00"}
    assert total["2026"] == {"count": 1, "amount": "2500000.00"}
    result = runner.invoke(args=["report", "annual", "--year", "2026", "--institute", "B",
                                 "--format", "csv", "--locale", "zh_CN"])
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert "Exits" not in text and "退出" in text
    assert {row[1] for row in list(csv.reader(io.StringIO(text[1:])))[1:]} == {"", "B"}
    out = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", "annual", "--year", "2026", "--format", "xlsx",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).active.max_row == len(annual.build(2026).rows()) + 1
    result = runner.invoke(args=["report", "annual", "--year", "2026", "--institute", "NONE"])
    assert result.exit_code != 0 and "NONE" in result.output


def test_the_report_runs_as_many_statements_on_more_data(net, app, engine):
    grown = iter(range(1, 10))
    assert_steady(app, engine, lambda: world.build(next(grown)) and world.build(next(grown)),
                  [(net[who], page) for who in ("admin", "director")
                   for page in ("/reports/annual?year=2026",
                                f"/reports/annual?year=2025&institute={net['a'].id}")])


@pytest.mark.parametrize("who", ["pm1", "pm2"])
def test_project_managers_do_not_open_the_report(net, client, who):
    login(client, net[who])
    assert client.get("/reports/annual").status_code == 403


def test_the_institute_is_named_by_id_or_code_on_the_page_and_in_the_file(net, client, app):
    """Issue 9, F45: `?institute=A` (the code the file and the command use) was ignored and
    the whole network's report came back; a code naming no institute is a 400."""
    login(client, net["admin"])
    for args in (f"institute={net['a'].id}", "institute=A"):
        page = client.get(f"/reports/annual?year=2026&{args}").get_data(as_text=True)
        assert f'<option value="{net["a"].id}" selected>' in page, args
        text = client.get(f"/reports/annual?year=2026&{args}&export=csv").get_data().decode()
        assert {row[1] for row in list(csv.reader(io.StringIO(text[1:])))[1:]} == {"", "A"}
    for bad in ("NONE", "99999"):
        response = client.get(f"/reports/annual?year=2026&institute={bad}")
        assert response.status_code == 400 and bad in response.get_data(as_text=True)
        assert client.get(f"/dashboard?institute={bad}").status_code == 400
    client = app.test_client()
    login(client, net["director"])  # directs A: their own institute by code applies
    page = client.get("/reports/annual?year=2026&institute=A").get_data(as_text=True)
    assert "Institute A" in page and "Institute B" not in page
