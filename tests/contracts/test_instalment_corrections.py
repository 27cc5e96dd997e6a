"""A correction of a record that belongs to another is shown where that record is shown, and
its audit record names it (issue 9 points 5 and 9): an instalment's correction in the
instalment's row of the contract's page (not above the schedule), its history line naming the
instalment by its number and due date ("Instalment: 2 (due Mar 31, 2026)"); a tranche's in the
tranche's row of the funding page, the agreement's terms and outcome beside them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_project, make_user
from tests.funding.test_amendments import closed, given, tranche_of
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.contracts import corrections, services
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.funding import amendments

D = Decimal
NOTE = re.compile(r"Corrected on [^<]+ by [^<]+: ([^<]+)")


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _row(page: str, text: str) -> str:
    """The table row of `page` holding `text`."""
    rows = [row for row in page.split("<tr") if text in row]
    assert len(rows) == 1, rows
    return rows[0]


def _three_instalments():
    project = make_project()
    contract = record(project, "400000", signed=date(2026, 1, 5), schedule=[
        (date(2026, 1, 31), D("100000")), (date(2026, 3, 31), D("100000")),
        (date(2026, 6, 30), D("100000"))])
    return project, contract


def test_an_instalment_correction_names_the_instalment_and_shows_in_its_row(client):
    project, contract = _three_instalments()
    second = contract.instalments[1]
    corrections.save_instalment(project.pm, second, due_date=date(2026, 3, 31),
                                amount=D("120000"), reason="The addendum raised it")
    _commit()
    found = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "instalment.update")).one()
    assert (found.object_type, found.object_id) == ("research_contracts", contract.id)
    assert found.changes["instalment"] == [None, [2, "2026-03-31"]]
    assert found.changes["instalment_id"] == [None, second.id]
    assert [D(v) for v in found.changes["amount"]] == [D("100000"), D("120000")]
    assert "instalments" not in found.changes and "due_date" not in found.changes

    login(client, project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert NOTE.findall(_row(page, "CN¥120,000.00")) == ["The addendum raised it"]
    assert NOTE.findall(_row(page, "Jan 31, 2026")) == []
    schedule = page[page.index("<h2>Instalments</h2>"):page.index("<table", page.index(
        "<h2>Instalments</h2>"))]
    assert "The addendum raised it" not in schedule  # not said of the whole schedule

    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Instalment corrected" in history
    assert "Instalment: 2 (due Mar 31, 2026)" in history
    assert "Amount: CN¥100,000.00 → CN¥120,000.00" in history
    assert "The addendum raised it" in history and "instalment_id" not in history


def test_a_moved_instalment_is_named_as_it_was_and_its_row_follows_it(client):
    project, contract = _three_instalments()
    first = contract.instalments[0]
    corrections.save_instalment(project.pm, first, due_date=date(2026, 4, 30),
                                amount=D("100000"), reason="Paid after acceptance")
    _commit()
    db.session.expire_all()
    kept = db.session.get(ResearchContract, contract.id)
    assert [i.number for i in kept.instalments] == [1, 2, 3]
    assert kept.instalments[1].id == first.id  # now the second due
    login(client, project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert NOTE.findall(_row(page, "Apr 30, 2026")) == ["Paid after acceptance"]
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Instalment: 1 (due Jan 31, 2026)" in history
    assert "Due date: Jan 31, 2026 → Apr 30, 2026" in history


def test_a_payment_names_its_instalment_by_number_in_either_language(client):
    project, contract = _three_instalments()
    services.record_payment(project.pm, contract.instalments[1], date(2026, 4, 2),
                            D("100000"))
    _commit()
    login(client, project.pm)
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Instalment: 2 (due Mar 31, 2026)" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "第 2 期（2026年3月31日到期）" in history


def test_a_tranche_correction_shows_in_its_row_and_the_terms_beside_them(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    tranche = tranche_of(committee)
    agreement = tranche.agreement
    second = amendments.services.add_tranche(committee, agreement, amount=D("1000000"),
                                             milestone_id=tranche.milestone_id)
    amendments.save_tranche(committee, tranche, amount=D("1500000"),
                            milestone_id=tranche.milestone_id, gate=None,
                            reason="The minutes say 1.5 M")
    amendments.save_agreement(committee, agreement, **given(
        agreement, committed=D("5500000"), reason="Raised by the committee"))
    _commit()
    login(client, committee)
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert NOTE.findall(_row(page, "CN¥1,500,000.00")) == ["The minutes say 1.5 M"]
    assert NOTE.findall(_row(page, f"tranches/{second.id}/edit")) == []
    terms = page[page.index("Terms corrected"):page.index("</dl>", page.index(
        "Terms corrected"))]
    assert NOTE.findall(terms) == ["Raised by the committee"]


def test_an_outcome_correction_is_shown_while_it_stands(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = closed(committee)
    amendments.save_outcome(committee, agreement, outcome=agreement.outcome,
                            on=today() - timedelta(days=9), repaid_amount=None,
                            substitute=None, note="", reason="Decided a day later")
    _commit()
    login(client, committee)
    path = f"/projects/{agreement.project_id}/funding"
    assert NOTE.findall(client.get(path).get_data(as_text=True)) == ["Decided a day later"]
    amendments.withdraw_outcome(committee, agreement, "No decision was taken")
    _commit()
    assert "Decided a day later" not in client.get(path).get_data(as_text=True)
