"""Spending against budget lines: recorded by the PM with its voucher, spent / budget /
remaining per line and in total, a warning when a line is overspent beyond the threshold, and
HQ's list across projects by institute and year, in its page and its files."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.export.helpers import csv_rows
from tests.export.pages import tables
from tests.factories import _commit, make_institute, make_project, make_user
from tests.gates.helpers import PDF
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.spending import queries
from tracker.spending.services import record_spending

ONE_DAY = timedelta(days=1)


def _spend(project, amount: str, on: date | None = None, line=None):
    line = line or project.budget_lines[0]
    entry = record_spending(project.pm, project, budget_line_id=line.id,
                            spent_on=on or today(), amount=Decimal(amount),
                            description="Test bench parts")
    _commit()
    return entry


def _project(**kw):
    # One line of 1,000,000 in a budget of 3,000,000 (tests/factories.py).
    return make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1), **kw)


def test_the_pm_records_spending_with_a_voucher_and_sees_what_remains(client):
    project = _project()
    login(client, project.pm)
    path = f"/projects/{project.id}/spending"
    response = post(client, path, {
        "budget_line_id": str(project.budget_lines[0].id), "spent_on": today().isoformat(),
        "amount": "250000", "description": "Spectrometer",
        "voucher": (io.BytesIO(PDF), "invoice-0042.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    lines, entries = tables(client.get(path).get_data(as_text=True))[:2]
    assert lines["body"][0] == ["Equipment", "CN¥1,000,000.00", "CN¥250,000.00",
                                "CN¥750,000.00"]
    assert lines["body"][-1] == ["Total budget", "CN¥3,000,000.00", "CN¥250,000.00",
                                 "CN¥2,750,000.00"]
    assert entries["body"][0][1:5] == ["Equipment", "Spectrometer", "CN¥250,000.00",
                                       "invoice-0042.pdf"]
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "spending.record"))
    assert record.changes["amount"] == [None, "250000.00"]
    assert record.changes["voucher"] == [None, "invoice-0042.pdf"]


def test_a_line_overspent_beyond_the_threshold_is_warned_about(client):
    project = _project()
    _spend(project, "1050000")  # 5 % over its line: over budget, within the threshold (10 %)
    spending = queries.project_spending(project)
    assert spending.lines[0].over_budget and not spending.lines[0].warned
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Over budget" in page and "the money needs a budget change" not in page

    _spend(project, "60000")  # 11 % over
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Over budget beyond the threshold" in page
    assert "1 budget line is overspent by more than the threshold" in page

    settings.set_value(make_user(Role.HQ_ADMIN), catalogue.BUDGET_CHANGE_THRESHOLD_PCT, "20")
    _commit()
    assert not queries.project_spending(project).lines[0].warned


def test_spending_is_refused_when_it_cannot_be_true():
    project = _project()
    other = _project()
    for field, kw in [("budget_line_id", {"budget_line_id": other.budget_lines[0].id}),
                      ("spent_on", {"spent_on": today() + ONE_DAY}),
                      ("spent_on", {"spent_on": date(2024, 12, 31)}),
                      ("description", {"description": "  "})]:
        values = {"budget_line_id": project.budget_lines[0].id, "spent_on": today(),
                  "amount": Decimal("10"), "description": "Parts", **kw}
        with pytest.raises(Invalid) as refused:
            record_spending(project.pm, project, **values)
        assert refused.value.field == field
    with pytest.raises(Forbidden):
        record_spending(make_user(Role.HQ_ADMIN), project,
                        budget_line_id=project.budget_lines[0].id, spent_on=today(),
                        amount=Decimal("10"), description="Parts")
    draft = make_project()  # its PM hears why by its stage, not "not allowed"
    with pytest.raises(Refused, match="once it has passed gate 1"):
        record_spending(draft.pm, draft, budget_line_id=draft.budget_lines[0].id,
                        spent_on=today(), amount=Decimal("10"), description="Parts")


def test_hq_sees_spending_against_budget_by_institute_and_year_and_exports_it(client):
    director = make_user(Role.INSTITUTE_DIRECTOR)
    mine, theirs = make_institute(director=director), make_institute()
    a = _project(institute=mine, title="Alpha")
    b = _project(institute=theirs, title="Beta")
    _spend(a, "100000", date(2025, 6, 1))
    _spend(a, "1200000", today())  # overspent beyond the threshold
    _spend(b, "50000", date(2025, 3, 1))
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    rows = tables(client.get("/spending/?year=2025").get_data(as_text=True))[0]["body"]
    by_title = {row[1]: row for row in rows}
    assert by_title["Alpha"][3:] == ["CN¥3,000,000.00", "CN¥100,000.00", "CN¥1,300,000.00",
                                     "CN¥1,700,000.00", "1"]
    assert by_title["Beta"][3:] == ["CN¥3,000,000.00", "CN¥50,000.00", "CN¥50,000.00",
                                    "CN¥2,950,000.00", "0"]
    rows = tables(client.get(f"/spending/?institute={theirs.id}").get_data(as_text=True))[0]
    assert [row[1] for row in rows["body"]] == ["Beta"]
    exported = csv_rows(client.get(f"/spending/?year=2025&institute={mine.id}&export=csv"))
    assert exported[0][:3] == ["Code", "Project", "Institute"]
    assert exported[1][1:] == ["Alpha", mine.name, "3000000.00", "100000.00", "1300000.00",
                               "1700000.00", "1"]

    post(client, "/logout")
    login(client, director)  # a director: their institutes only, whatever the filter says
    rows = tables(client.get(f"/spending/?institute={theirs.id}").get_data(as_text=True))[0]
    assert rows["body"] == [["No project matches, or none that you may see."]]
    rows = tables(client.get("/spending/").get_data(as_text=True))[0]["body"]
    assert [row[1] for row in rows] == ["Alpha"]
    post(client, "/logout")
    login(client, a.pm)
    assert client.get("/spending/").status_code == 403


def _form(project, amount: str, **extra) -> dict:
    return {"budget_line_id": str(project.budget_lines[0].id), "spent_on": today().isoformat(),
            "amount": amount, "description": "Spectrometer", **extra}


@pytest.mark.parametrize(("locale", "check", "over"), [
    ("en", "Check before recording: nothing is written yet",
     "over its amount by CN¥50,000.00"),
    ("zh_CN", "登记前请核对：尚未写入任何内容", "超出其金额 ¥50,000.00"),
])
def test_an_overspend_is_recorded_only_once_confirmed(client, locale, check, over):
    project = _project()
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    path = f"/projects/{project.id}/spending"
    assert post(client, path, _form(project, "600000")).status_code == 302  # within its line
    shown = post(client, path, _form(project, "450000"))  # 1,050,000 of 1,000,000
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and check in page and over in page, page
    assert 'name="confirmed"' in page
    assert queries.project_spending(project).spent == Decimal("600000.00")  # nothing written
    done = post(client, path, _form(project, "450000", confirmed="1"))
    assert done.status_code == 302
    assert queries.project_spending(project).spent == Decimal("1050000.00")
    assert len(_records("spending.record")) == 2


def _records(action: str) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
        .order_by(AuditRecord.id)))


def test_a_spending_entry_recorded_by_mistake_is_reversed_with_a_reason(client):
    project = _project()
    entry = _spend(project, "250000", date(2025, 6, 1))
    login(client, project.pm)
    path = f"/projects/{project.id}/spending"
    page = client.get(path).get_data(as_text=True)
    assert f"/spending/{entry.id}/reverse" in page
    refused = post(client, f"/spending/{entry.id}/reverse",
                   {"on_date": today().isoformat(), "reason": " "})
    assert refused.status_code == 400 and not _records("spending.reverse")
    done = post(client, f"/spending/{entry.id}/reverse",
                {"on_date": today().isoformat(), "reason": "Booked on the wrong project"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert queries.project_spending(project).spent == Decimal("0.00")
    page = client.get(path).get_data(as_text=True)
    assert "Booked on the wrong project" in page and "Reversed on" in page
    assert f"/spending/{entry.id}/reverse" not in page
    [record] = _records("spending.reverse")
    assert record.changes["reason"] == [None, "Booked on the wrong project"]
    assert record.changes["amount"] == ["250000.00", None]
    again = post(client, f"/spending/{entry.id}/reverse",
                 {"on_date": today().isoformat(), "reason": "again"})
    assert again.status_code == 409
    # Only who records the project's spending reverses it.
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    other = _spend(project, "1000")
    page = client.get(path).get_data(as_text=True)
    assert "冲销" in page and f"/spending/{other.id}/reverse" not in page


FILTERED_LISTS = ["/spending/", "/projects/", "/milestones/overdue", "/funding/",
                  "/contracts/", "/gates/awaiting", "/companies/", "/needs/"]


def test_a_directors_list_filters_name_only_their_institutes(client):
    director = make_user(Role.INSTITUTE_DIRECTOR)
    mine = make_institute(director=director, name="Mine Institute")
    make_institute(name="Elsewhere Institute")
    _project(institute=mine)
    login(client, director)
    for path in FILTERED_LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        select_ = page[page.index('<select name="institute"'):]
        select_ = select_[:select_.index("</select>")]
        assert "Mine Institute" in select_ and "Elsewhere Institute" not in select_, path
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/spending/").get_data(as_text=True)
    assert "Elsewhere Institute" in page


def test_spending_above_the_approved_total_is_refused_saying_by_how_much(client):
    """Issue 9: a line may be overspent once confirmed, the project's approved total may not; the
    refusal says what is approved, what is spent and what this expense would make it, beside
    every other problem of the form."""
    project = _project()  # approved total 3,000,000
    _spend(project, "900000")
    _spend(project, "2000000", line=project.budget_lines[0])  # the line overspent, confirmed
    with pytest.raises(Invalid) as refused:
        record_spending(project.pm, project, budget_line_id=project.budget_lines[0].id,
                        spent_on=today() + ONE_DAY, amount=Decimal("100000.01"),
                        description=" ")
    fields = dict(refused.value.problems)
    assert set(fields) == {"amount", "spent_on", "description"}
    assert ("approved total is CN¥3,000,000.00 and CN¥2,900,000.00 is already spent: this "
            "expense would make it CN¥3,000,000.01") in fields["amount"]
    _spend(project, "100000")  # up to the total exactly
    assert queries.project_spending(project).spent == Decimal("3000000.00")

    project.pm.locale = "zh_CN"
    _commit()
    login(client, project.pm)
    path = f"/projects/{project.id}/spending"
    page = post(client, path, _form(project, "1", confirmed="1"))
    text = page.get_data(as_text=True)  # the total all spent: any amount refused (409)
    assert page.status_code == 409 and "已支出 ¥3,000,000.00，即项目批准总额的全部" in text
    assert "approved total" not in text  # in the reader's language
    assert queries.project_spending(project).spent == Decimal("3000000.00")
