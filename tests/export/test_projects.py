"""The project list as a file: what the page lists, with its filters, for each viewer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import login
from tests.export.helpers import csv_rows, export_statements, xlsx_rows, xlsx_sheet
from tests.factories import install_gates, make_institute, make_project, make_user
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


@pytest.fixture
def world():
    install_gates()
    director = make_user(name="Director")
    mine, other = make_institute(director=director), make_institute()
    pm = make_user(Role.PROJECT_MANAGER, name="王工", institute_id=mine.id)
    projects = [
        make_project(pm=pm, institute=mine, title="碳化硅衬底", phase=Phase.CONTRACT_RESEARCH,
                     budget_total=Decimal("1234567.50")),
        make_project(pm=pm, institute=mine, title="=HYPERLINK(\"http://evil\")"),
        make_project(institute=mine, title="Director's other"),
        make_project(institute=other, title="Elsewhere"),
    ]
    return {"pm": pm, "director": director, "observer": make_user(Role.OBSERVER),
            "institute": mine, "projects": projects}


def _titles(rows):
    return sorted(row[1] for row in rows[1:])


def test_csv_and_xlsx_hold_the_list_with_chinese_and_types(client, world):
    login(client, make_user(Role.HQ_ADMIN))
    rows = csv_rows(client.get("/projects/?export=csv"))
    assert rows[0] == ["Code", "Title", "Phase", "Institute", "Project manager", "Type",
                       "Funding source", "Budget (CNY)"]
    row = next(r for r in rows if r[1] == "碳化硅衬底")
    assert row[2] == "Contract research" and row[4] == "王工" and row[7] == "1234567.50"
    assert row[6] == "Own funds (HQ or institute)"
    sheet = xlsx_sheet(client.get("/projects/?export=xlsx"))
    assert sheet.freeze_panes == "A2"
    cells = next(r for r in sheet.iter_rows() if r[1].value == "碳化硅衬底")
    assert cells[7].value == 1234567.5 and cells[7].number_format == "#,##0.00"
    assert len(rows) == 5 == sheet.max_row


def test_headers_follow_the_users_language(client, world):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    assert xlsx_rows(client.get("/projects/?export=xlsx"))[0][:3] == ["代码", "标题", "阶段"]
    assert csv_rows(client.get("/projects/?export=csv"))[0][:3] == ["代码", "标题", "阶段"]


def test_formula_in_a_title_is_neutralised(client, world):
    login(client, make_user(Role.HQ_ADMIN))
    neutral = "'=HYPERLINK(\"http://evil\")"
    assert neutral in _titles(csv_rows(client.get("/projects/?export=csv")))
    # XLSX: a string cell, never a formula, and no apostrophe the reader would see
    assert neutral[1:] in _titles(xlsx_rows(client.get("/projects/?export=xlsx")))


def test_filters_are_those_of_the_page(client, world):
    login(client, make_user(Role.HQ_ADMIN))
    path = f"/projects/?phase=contract_research&institute={world['institute'].id}"
    assert _titles(csv_rows(client.get(path + "&export=csv"))) == ["碳化硅衬底"]
    assert _titles(csv_rows(client.get("/projects/?q=Elsewhere&export=csv"))) == ["Elsewhere"]
    assert _titles(xlsx_rows(client.get("/projects/?q=Elsewhere&export=xlsx"))) == ["Elsewhere"]
    page = client.get(path).get_data(as_text=True)
    assert "export=csv" in page and "phase=contract_research" in page


@pytest.mark.parametrize(("who", "expected"), [
    ("pm", ["=HYPERLINK(\"http://evil\")", "碳化硅衬底"]),
    ("director", ["=HYPERLINK(\"http://evil\")", "Director's other", "碳化硅衬底"]),
    ("observer", ["=HYPERLINK(\"http://evil\")", "Director's other", "Elsewhere", "碳化硅衬底"]),
])
def test_each_viewer_exports_only_what_they_may_see(client, world, who, expected):
    login(client, world[who])
    assert _titles(xlsx_rows(client.get("/projects/?export=xlsx"))) == sorted(expected)
    expected = sorted("'" + t if t.startswith("=") else t for t in expected)
    assert _titles(csv_rows(client.get("/projects/?export=csv"))) == expected


def test_statements_do_not_grow_with_rows(client, engine, world):
    login(client, world["observer"])
    for fmt in ("csv", "xlsx"):
        before = export_statements(client, engine, f"/projects/?export={fmt}")
        for _ in range(5):
            make_project(institute=make_institute())
        assert len(export_statements(client, engine, f"/projects/?export={fmt}")) == len(before)
