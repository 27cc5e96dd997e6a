"""Nobody exports what they may not see, and every file keeps its page's filters."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.export.helpers import csv_rows, xlsx_rows


def _column(client, path: str, n: int) -> list[str]:
    """Column `n` of the CSV, checked against the XLSX (whose years are numbers)."""
    csv = csv_rows(client.get(path + ("&" if "?" in path else "?") + "export=csv"))
    xlsx = xlsx_rows(client.get(path + ("&" if "?" in path else "?") + "export=xlsx"))
    # the same text, less the apostrophe that neutralises a formula in the CSV only
    assert [r[n][1:] if r[n].startswith("'=") else r[n] for r in csv] == [
        "" if r[n] is None else str(r[n]) for r in xlsx]
    return sorted(r[n] for r in csv[1:])


@pytest.mark.parametrize("path", ["/funding/", "/audit/", "/admin/users/",
                                  "/admin/reminders/"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_the_user_may_not_open_gives_no_file(client, world, path, fmt):
    login(client, world["people"]["pm"])
    assert client.get(f"{path}?export={fmt}").status_code == 403


def test_a_director_exports_their_institutes(client, world):
    world["grow"]()
    mine = world["made"]["mine"]
    login(client, world["people"]["director"])
    codes = {p.code for p in world["made"]["projects"] if p.institute_id == mine.id}
    assert set(_column(client, "/milestones/overdue", 3)) == codes
    assert set(_column(client, "/contracts/?table=contracts", 3)) == codes
    assert _column(client, "/contracts/?by=institute", 1) == ["", mine.name]  # and the total
    assert {t.split()[-1] for t in _column(client, "/projects/", 1)} == {mine.code}
    needs = _column(client, "/needs/", 2)
    assert needs[0] == "" and set(needs[1:]) == {mine.name}  # the total's cell, then theirs


def test_a_pm_exports_their_projects_only(client, world):
    world["grow"]()
    pm = world["people"]["pm"]
    login(client, pm)
    codes = {p.code for p in world["made"]["projects"] if p.pm_id == pm.id}
    assert len(codes) == 2
    assert set(_column(client, "/projects/", 0)) == codes
    assert set(_column(client, "/milestones/overdue", 3)) == codes
    assert set(_column(client, "/contracts/?table=contracts", 3)) == codes


def test_an_observer_exports_everything_but_changes_nothing(client, world):
    login(client, world["people"]["observer"])
    every = {p.code for p in world["made"]["projects"]}
    assert set(_column(client, "/milestones/overdue", 3)) == every
    assert _column(client, "/audit/?action=contract.", 2)  # the trail is theirs to read
    assert client.get("/admin/users/?export=csv").status_code == 403


def test_filters_of_each_page(client, world):
    world["grow"]()
    made = world["made"]
    login(client, world["people"]["admin"])
    other = {p.code for p in made["projects"] if p.institute_id == made["other"].id}
    assert set(_column(client, f"/milestones/overdue?institute={made['other'].id}", 3)) == other
    assert set(_column(client, "/audit/?action=contract.", 2)) == {"Contract recorded",
                                                                   "Payment recorded"}
    assert _column(client, "/admin/users/?role=evaluator", 0) == ["'=Evaluator 0",
                                                                  "'=Evaluator 2"]
    assert _column(client, "/needs/?state=closed", 0) == ["Total"]  # of no need
    assert _column(client, "/institutes/?q=苏州", 1) == ["苏州材料所"]
    assert _column(client, "/admin/reminders/?state=sent", 0) == []
    assert _column(client, "/contracts/?by=year", 0) == ["2026", "Total"]


def test_the_cap_table_on_a_date(client, world):
    company = world["made"]["company"]
    login(client, world["people"]["admin"])
    today_holders = _column(client, f"/companies/{company.id}", 0)
    assert "Investor 0" in today_holders
    before = _column(client, f"/companies/{company.id}?on=2020-01-01", 0)
    assert before == ["Total (shares issued)"]
