"""Budget against actual by category once spending is recorded, on the project page and the
spending page; a budget change that would take indirect costs above their cap is refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest

from tests.conftest import login, post
from tests.export.pages import tables
from tests.factories import _commit, make_project, make_user
from tracker.accounts.models import Role
from tracker.budgets.defaults import default_template
from tracker.changes import services as changes
from tracker.dates import today
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase
from tracker.spending.services import record_spending


def _project():
    """Under way, by the national template: equipment 2 M, operations 3 M, labour 1 M,
    indirect 1.2 M (the cap of a base of 4 M) in a total of 7.2 M."""
    return make_project(
        phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1),
        budget_total=D("7200000"), budget_template_id=default_template().id,
        budget_lines=[("equipment", D("2000000")), ("operations", D("3000000")),
                      ("labour", D("1000000")), ("indirect", D("1200000"))])


def _spend(project, code: str, amount: str) -> None:
    line = next(b for b in project.budget_lines if b.template_category.code == code)
    record_spending(project.pm, project, budget_line_id=line.id, spent_on=today(),
                    amount=D(amount), description="Test")
    _commit()


def test_budget_against_actual_by_category_on_the_project_and_spending_pages(client):
    project = _project()
    _spend(project, "equipment", "1500000")
    _spend(project, "operations", "1000000")
    _spend(project, "operations", "500000.50")
    _spend(project, "labour", "1100000")  # over its category
    login(client, project.pm)
    for path in (f"/projects/{project.id}", f"/projects/{project.id}/spending"):
        page = client.get(path).get_data(as_text=True)
        table = next(t for t in tables(page) if t["head"] and t["head"][0][0] == "Category")
        assert table["body"] == [
            ["Equipment", "CN¥2,000,000.00", "CN¥1,500,000.00", "CN¥500,000.00", "75.00%"],
            ["Operations", "CN¥3,000,000.00", "CN¥1,500,000.50", "CN¥1,499,999.50", "50.00%"],
            ["Labour Over budget", "CN¥1,000,000.00", "CN¥1,100,000.00", "\u2212CN¥100,000.00",
             "110.00%"],
            ["Direct costs", "CN¥6,000,000.00", "CN¥4,100,000.50", "CN¥1,899,999.50", "68.33%"],
            ["Indirect costs", "CN¥1,200,000.00", "CN¥0.00", "CN¥1,200,000.00", "0.00%"],
            ["Total", "CN¥7,200,000.00", "CN¥4,100,000.50", "CN¥3,099,999.50", "56.94%"],
        ], path
        assert ("Indirect costs may be at most CN¥1,200,000.00: the direct costs less equipment "
                "purchase are CN¥4,000,000.00.") in page


def test_a_move_into_indirect_costs_above_the_cap_is_refused_beside_the_amount(client):
    project = _project()
    lines = {b.template_category.code: b for b in project.budget_lines}
    # operations -> indirect: indirect 1.2 M + 0.1 M, base 4 M - 0.1 M: the cap falls to 1.17 M
    with pytest.raises(Invalid) as refused:
        changes.move_budget(project.pm, project, from_line_id=lines["operations"].id,
                            to_line_id=lines["indirect"].id, amount=D("100000"), reason="More")
    assert [(p.field, p.message) for p in refused.value.each()] == [(
        "amount", "Indirect costs of CN¥1,300,000.00 are above their cap of CN¥1,170,000.00 "
                  "(on direct costs less equipment purchase of CN¥3,900,000.00) by "
                  "CN¥130,000.00.")]
    # out of the base the cap is a share of, too; moving equipment to labour raises the base
    with pytest.raises(Invalid, match="above their cap of CN¥1,185,000.00"):
        changes.move_budget(project.pm, project, from_line_id=lines["labour"].id,
                            to_line_id=lines["equipment"].id, amount=D("50000"), reason="Kit")
    changes.move_budget(project.pm, project, from_line_id=lines["equipment"].id,
                        to_line_id=lines["labour"].id, amount=D("50000"), reason="People")
    assert lines["labour"].amount == D("1050000.00")
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert ("Now: indirect costs of CN¥1,200,000.00, at most CN¥1,215,000.00 as the direct "
            "costs less equipment purchase are CN¥4,050,000.00.") in page
    response = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(lines["operations"].id),
        "move-to_line_id": str(lines["indirect"].id), "move-amount": "20,000",
        "move-reason": "Overheads"})
    assert response.status_code == 400
    assert "are above their cap of CN¥1,209,000.00" in response.get_data(as_text=True)
    with pytest.raises(Invalid, match="its lines are its categories"):
        changes.move_budget(project.pm, project, from_line_id=lines["equipment"].id,
                            to_line_id=None, new_line="Travel", amount=D("1"), reason="New")


def test_the_budget_against_actual_table_downloads_as_the_page_shows_it(client):
    """The table by category is in the exports (#23 review: it was on the pages only): CSV
    and XLSX from the spending page, the subtotal and total rows included."""
    project = _project()
    _spend(project, "equipment", "1500000")
    _spend(project, "labour", "1100000")
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/spending").get_data(as_text=True)
    assert "export=csv" in page and "export=xlsx" in page
    answer = client.get(f"/projects/{project.id}/spending?export=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert f'filename="budget-{project.code}-' in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    # A file's cells are bare numbers: its money headers say the unit (82f5cd7c), the page's
    # CN¥ cells don't need it.
    assert rows[0] == ["Category", "Cost type", "Budget (CNY)", "Spent (CNY)",
                       "Remaining (CNY)", "Used (%)"]
    assert [r[0] for r in rows[1:]] == ["Equipment", "Operations", "Labour", "Direct costs",
                                        "Indirect costs", "Total"]
    assert rows[3][2:5] == ["1000000.00", "1100000.00", "-100000.00"]
    assert rows[-1][2:4] == ["7200000.00", "2600000.00"]
    xlsx = client.get(f"/projects/{project.id}/spending?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    # Whoever may not see the project gets no file either.
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/projects/{project.id}/spending?export=csv").status_code == 404
