"""The gates awaiting decision export what the page shows, with its filters (F29, issue 12
point 5, found by a newcomer: the list had no export): both tables in one file, each review
with its stage, as CSV (UTF-8 with a byte-order mark) and XLSX (typed cells), Chinese intact, a
title that would be a formula neutralised. Hand-counted: "=Waiting one" (panel to be named),
"固态电池" (under review, due in 10 days)."""

from __future__ import annotations

from datetime import date, datetime

from tests.conftest import login
from tests.export.helpers import csv_rows, xlsx_rows
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role


def _network():
    install_gates()
    admin = make_user(Role.HQ_ADMIN)
    waiting = make_project(title="=Waiting one")
    helpers.submit(waiting)
    chinese = make_project(title="固态电池")
    helpers.name_panel(helpers.submit(chinese), admin=admin)
    db.session.commit()
    return admin


def test_both_tables_in_one_file_typed_and_neutralised(client):
    login(client, _network())
    assert "Download this list" in client.get("/gates/awaiting").get_data(as_text=True)
    rows = csv_rows(client.get("/gates/awaiting?export=csv"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Stage", "Requested", "Due", "Overdue", "Project"]
    by_stage = {row[0]: row for row in body}
    assert set(by_stage) == {"Panel to be named", "Under review"}
    assert by_stage["Panel to be named"][5] == "'=Waiting one"
    assert by_stage["Under review"][5] == "固态电池"
    assert by_stage["Under review"][3] == "No" and by_stage["Under review"][9] == "0 of 3"
    sheet = xlsx_rows(client.get("/gates/awaiting?export=xlsx"))
    assert sheet[0] == header
    under = next(row for row in sheet[1:] if row[0] == "Under review")
    assert isinstance(under[1], datetime) and isinstance(under[2], (date, datetime))
    assert under[5] == "固态电池"
    # The page's filter: past their due date only — none is.
    assert csv_rows(client.get("/gates/awaiting?late=1&export=csv"))[1:] == []


def test_who_may_not_see_the_list_gets_no_file(client):
    _network()
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get("/gates/awaiting?export=csv").status_code == 403
