"""The register's lists export what they show (F29, issue 12 point 5, found by a newcomer: the
achievements list had no export, and no list gathered the transfers and licences across the
portfolio at all). Hand-counted world: institute A has two deals, B one:

| licensee          | kind          | in. | signed     | ends       | upfront    | rate | income  |
| =Formula Licensee | exclusive     | A   | 2026-01-15 | —          | 100,000.00 | 5 %  | 100,000 |
| 华东材料有限公司  | non-exclusive | A   | 2026-03-01 | 2026-06-30 | 250,000.00 | —    | 0       |
| Beta Ltd          | non-exclusive | B   | 2026-05-10 | —          |  50,000.00 | 3 %  | 0       |

The first's income is 100,000.00 upfront received plus 30,000.00 received and reversed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.conftest import login
from tests.export.helpers import csv_rows, export_statements, xlsx_rows
from tests.export.pages import tables
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tracker.accounts.models import Role
from tracker.achievements import deal_corrections, deals
from tracker.projects.lifecycle import Phase


def _world() -> dict:
    hq = make_user(Role.HQ_ADMIN)
    director_a, director_b = make_user(name="Director A"), make_user(name="Director B")
    a, b = make_institute(director_a, name="甲研究所"), make_institute(director_b, name="乙研究所")
    pm_a = make_user(Role.PROJECT_MANAGER, institute_id=a.id)
    project_a = make_project(pm=pm_a, institute=a, phase=Phase.CONTRACT_RESEARCH,
                             title="固态电池")
    project_b = make_project(institute=b, phase=Phase.CONTRACT_RESEARCH)
    film = make_achievement(project_a, title="=Electrolyte film")
    make_patent(film)
    licence = make_transfer(film, hq, enterprise_id=make_enterprise(name="=Formula Licensee").id)
    deals.record_income(hq, licence, received_on=date(2026, 2, 1), amount=Decimal("100000.00"),
                        costs=None, pays="upfront", report_id=None)
    mistaken = deals.record_income(hq, licence, received_on=date(2026, 2, 2),
                                   amount=Decimal("30000.00"), costs=None, pays="other",
                                   report_id=None)
    _commit()
    deal_corrections.reverse_income(hq, mistaken, date(2026, 2, 3), "Typed twice")
    make_transfer(make_achievement(project_a, title="Cathode"), hq,
                  enterprise_id=make_enterprise(name="华东材料有限公司").id,
                  kind="non_exclusive_licence", signed_on=date(2026, 3, 1),
                  ends_on=date(2026, 6, 30), upfront=Decimal("250000.00"),
                  royalty_pct=Decimal("0"), royalty_base=None, minimum_royalty=Decimal("0"),
                  reporting_months=0)
    make_transfer(make_achievement(project_b, title="Anode"), hq,
                  enterprise_id=make_enterprise(name="Beta Ltd").id,
                  kind="non_exclusive_licence", signed_on=date(2026, 5, 10),
                  upfront=Decimal("50000.00"), royalty_pct=Decimal("3"))
    _commit()
    return dict(hq=hq, director_a=director_a, director_b=director_b, pm_a=pm_a, a=a, b=b)


def _body(client, path: str) -> list[list[str]]:
    return csv_rows(client.get(path + ("&" if "?" in path else "?") + "export=csv"))[1:]


def test_every_deal_with_its_terms_income_and_total(client):
    world = _world()
    login(client, world["hq"])
    page = client.get("/transfers/").get_data(as_text=True)
    assert "Download this list" in page and 'href="/transfers/"' in page  # in the menu
    table = tables(page)[0]
    rows = csv_rows(client.get("/transfers/?export=csv"))
    assert rows[0] == ["Licensee or assignee", "Kind", "Achievement", "Project", "Institute",
                       "Signed on", "Ends on", "Upfront payment (CNY)", "Royalty rate (%)",
                       "Royalty base", "Income received to date (CNY)",
                       "Of which to contributors (CNY)", "Status"]
    assert [r[0] for r in rows[1:]] == ["Beta Ltd", "华东材料有限公司", "'=Formula Licensee",
                                        "Total"]
    assert [r[0] for r in table["body"] + table["foot"]] == [
        "Beta Ltd", "华东材料有限公司", "=Formula Licensee", "Total"]
    licence = rows[3]
    assert licence[1] == "Exclusive licence" and licence[2] == "'=Electrolyte film"
    assert licence[4] == "甲研究所" and licence[5] == "2026-01-15" and licence[6] == ""
    # Half of the 100,000.00 to the contributors; the 30,000.00 and its reversal net out.
    assert licence[7:] == ["100000.00", "5.00", "Net sales", "100000.00", "50000.00",
                           "In effect"]
    assert rows[2][6:] == ["2026-06-30", "250000.00", "", "", "0.00", "0.00", "Term ended"]
    assert rows[4][7] == "400000.00" and rows[4][10] == "100000.00"  # every deal listed
    assert rows[4][11] == "50000.00" and rows[4][2] == "3 achievements"
    sheet = xlsx_rows(client.get("/transfers/?export=xlsx"))
    assert sheet[0] == rows[0]
    assert isinstance(sheet[3][5], datetime) and sheet[3][7] == 100000 and sheet[3][10] == 100000
    assert sheet[3][0] == "=Formula Licensee"  # a string cell: never a formula
    assert sheet[4][7] == 400000


@pytest.mark.parametrize(("query", "licensees"), [
    ("kind=exclusive_licence", ["'=Formula Licensee"]),
    ("status=ended", ["华东材料有限公司"]),
    ("status=in_effect", ["Beta Ltd", "'=Formula Licensee"]),
    ("signed=2025", []),
    ("signed=2026&kind=non_exclusive_licence", ["Beta Ltd", "华东材料有限公司"]),
])
def test_the_filters_keep_their_rows_in_the_file(client, query, licensees):
    world = _world()
    login(client, world["hq"])
    body = _body(client, f"/transfers/?{query}")
    assert [r[0] for r in body[:-1]] == licensees
    page = tables(client.get(f"/transfers/?{query}").get_data(as_text=True))[0]
    assert len(page["body"] + page["foot"]) == len(body) or not licensees


def test_by_institute_and_a_bad_filter(client):
    world = _world()
    login(client, world["hq"])
    body = _body(client, f"/transfers/?institute={world['b'].id}")
    assert [r[0] for r in body] == ["Beta Ltd", "Total"] and body[1][7] == "50000.00"
    for bad in ("status=bogus", "kind=lease", "signed=12", "received=12", "institute=99999"):
        assert client.get(f"/transfers/?{bad}").status_code == 400, bad
        assert client.get(f"/transfers/?{bad}&export=csv").status_code == 400, bad


def test_a_director_lists_their_institutes_deals_only(app, client):
    world = _world()
    login(client, world["director_a"])
    body = _body(client, "/transfers/")
    assert [r[0] for r in body] == ["华东材料有限公司", "'=Formula Licensee", "Total"]
    assert body[-1][7] == "350000.00"
    # Asking for the other institute's shows nothing of it.
    assert [r[0] for r in _body(client, f"/transfers/?institute={world['b'].id}")] == ["Total"]
    other = app.test_client()
    login(other, world["director_b"])
    assert [r[0] for r in _body(other, "/transfers/")] == ["Beta Ltd", "Total"]


def test_a_pm_may_not_list_them(client):
    world = _world()
    login(client, world["pm_a"])
    assert client.get("/transfers/").status_code == 403
    assert client.get("/transfers/?export=csv").status_code == 403
    assert 'href="/transfers/"' not in client.get("/").get_data(as_text=True)


def test_the_achievements_export_what_the_list_shows(app, client):
    world = _world()
    login(client, world["hq"])
    page = client.get("/achievements/").get_data(as_text=True)
    assert "Download this list" in page
    table = tables(page)[0]
    rows = csv_rows(client.get("/achievements/?export=csv"))
    assert rows[0] == ["Achievement", "Project", "Project title", "Institute", "Contributors",
                       "Rights"]
    assert [r[0] for r in rows[1:]] == ["Anode", "Cathode", "'=Electrolyte film"]
    assert [r[0] for r in table["body"]] == ["Anode", "Cathode", "=Electrolyte film"]
    film = rows[3]
    assert film[2] == "固态电池" and film[3] == "甲研究所"
    assert film[4].endswith(" 60.00%, Zhou Min 40.00%")
    assert film[5] == "Patent or application · CN202410123456.7 · Granted or registered"
    assert xlsx_rows(client.get("/achievements/?export=xlsx"))[3][:1] == ["=Electrolyte film"]
    # The search is kept, and the PM exports their own project's only.
    assert [r[0] for r in _body(client, "/achievements/?q=Cath")] == ["Cathode"]
    pm = app.test_client()
    login(pm, world["pm_a"])
    assert [r[0] for r in _body(pm, "/achievements/")] == ["Cathode", "'=Electrolyte film"]


@pytest.mark.parametrize("path", ["/transfers/", "/transfers/?export=xlsx", "/achievements/",
                                  "/achievements/?export=xlsx"])
def test_statements_do_not_grow_with_rows(client, engine, path):
    world = _world()
    login(client, world["hq"])
    before = len(export_statements(client, engine, path))
    hq = world["hq"]
    for n in range(3):
        achievement = make_achievement(make_project(institute=world["b"],
                                                    phase=Phase.CONTRACT_RESEARCH),
                                       title=f"More {n}")
        make_patent(achievement, number=f"CN20241099999{n}.1")
        deal = make_transfer(achievement, hq)
        deals.record_income(hq, deal, received_on=date(2026, 2, 1), amount=Decimal("10.00"),
                            costs=None, pays="upfront", report_id=None)
    _commit()
    assert len(export_statements(client, engine, path)) == before
