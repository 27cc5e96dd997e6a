"""A contract's schedule corrected instalment by instalment, and a contract recorded by
mistake voided (issue 9, point 5; F50): an instalment keeps what was received against it, a
contract is voided only once nothing stands under it (reverse its payments, then void it), and
a voided one counts nowhere but stays in the history."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_project, make_user
from tests.test_edits import tab
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import corrections, queries, rollups, services
from tracker.contracts.models import Instalment, ResearchContract
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.reminders import items
from tracker.reminders.items import Query
from tracker.reports import annual, dashboard
from tracker.reports.filters import Filters

D = Decimal


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def two_instalments(project: Project) -> ResearchContract:
    return record(project, "1000000", schedule=[(date(2026, 3, 1), D("600000")),
                                                (date(2026, 9, 1), D("300000"))])


def test_an_instalment_is_added_changed_and_removed_within_the_contract(client):
    project = make_project()
    contract = two_instalments(project)
    login(client, project.pm)
    path = f"/contracts/{contract.id}/instalments/new"
    response = post(client, path, {**tab(client, path), "due_date": "2026-12-01",
                                   "amount": "200000", "reason": "Left out"})
    assert response.status_code == 400
    assert "add up to CN¥1,100,000.00, more than the contract" in response.get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "due_date": "2026-12-01",
                               "amount": "100000", "reason": "Left out"}).status_code == 302
    db.session.expire_all()
    contract = db.session.get(ResearchContract, contract.id)
    assert [i.amount for i in contract.instalments] == [D("600000"), D("300000"), D("100000")]

    last = contract.instalments[-1]
    edit = f"/instalments/{last.id}/edit"
    assert post(client, edit, {**tab(client, edit), "due_date": "2026-01-15",
                               "amount": "100000", "reason": "Moved"}).status_code == 400
    unsaid = post(client, edit, {**tab(client, edit), "due_date": "2027-01-15",
                                 "amount": "50000", "reason": " "})
    assert unsaid.status_code == 400 and 'value="50000"' in unsaid.get_data(as_text=True)
    assert post(client, edit, {**tab(client, edit), "due_date": "2027-01-15",
                               "amount": "50000", "reason": "Halved by the addendum"}
                ).status_code == 302
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    remove = f"/instalments/{last.id}/remove"
    assert f'href="{remove}"' in page
    assert post(client, remove, {**tab(client, remove), "reason": ""}).status_code == 400
    assert post(client, remove, {**tab(client, remove),
                                 "reason": "The addendum dropped it"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Instalment, last.id) is None
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    for said in ("Instalment added", "Instalment corrected", "Instalment removed",
                 "CN¥50,000.00", "Left out", "Halved by the addendum",
                 "The addendum dropped it"):
        assert said in history
    assert "instalment.update" not in history and "[[" not in history


def test_an_instalment_with_payments_keeps_them_and_what_they_paid(client):
    project = make_project()
    contract = two_instalments(project)
    first = contract.instalments[0]
    payment = services.record_payment(project.pm, first, date(2026, 3, 5), D("250000"))
    _commit()
    with pytest.raises(Invalid) as refused:
        corrections.save_instalment(project.pm, first, due_date=first.due_date,
                                    amount=D("200000"), reason="Typo")
    assert refused.value.problems[0][0] == "amount"
    assert "CN¥250,000.00 has been received against this instalment" in str(refused.value)
    db.session.rollback()
    corrections.save_instalment(project.pm, first, due_date=date(2026, 4, 1),
                                amount=D("250000"), reason="Typo")  # what was paid: accepted
    _commit()

    login(client, project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/instalments/{first.id}/remove"' not in page  # not offered
    assert client.get(f"/instalments/{first.id}/remove").status_code == 409
    response = post(client, f"/instalments/{first.id}/remove", {"reason": "Typo"})
    assert response.status_code == 409
    assert "Payments were recorded against this instalment" in response.get_data(as_text=True)
    # Reversed, the payment still stays in the instalment's history: so does the instalment.
    services.reverse_payment(project.pm, payment, date(2026, 3, 6), "Typed twice")
    _commit()
    with pytest.raises(Refused, match="reversals included"):
        corrections.remove_instalment(project.pm, first, "Typo")
    db.session.rollback()
    assert db.session.get(Instalment, first.id) is not None


def test_a_stale_instalment_form_is_refused_with_what_changed(client):
    project = make_project()
    contract = two_instalments(project)
    first = contract.instalments[0]
    login(client, project.pm)
    edit = f"/instalments/{first.id}/edit"
    one, two = tab(client, edit), tab(client, edit)
    assert post(client, edit, {**one, "due_date": "2026-03-01", "amount": "500000",
                               "reason": "Less up front"}).status_code == 302
    response = post(client, edit, {**two, "due_date": "2026-03-20", "amount": "650000",
                                   "reason": "More up front"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Saved by you in another tab or window meanwhile" in page
    assert 'value="650000"' in page or 'value="650,000.00"' in page or "650000" in page
    db.session.expire_all()
    assert db.session.get(Instalment, first.id).amount == D("500000")


def test_a_contract_is_voided_once_its_payments_are_reversed(client):
    project = make_project()
    contract = two_instalments(project)
    payment = services.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5),
                                      D("250000"))
    _commit()
    login(client, project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/contracts/{contract.id}/void"' not in page
    assert "A payment of CN¥250,000.00 stands under this contract: reverse it first" in page
    refused = client.get(f"/contracts/{contract.id}/void")
    assert refused.status_code == 409
    sent = post(client, f"/contracts/{contract.id}/void", {"reason": "Never signed"})
    assert sent.status_code == 409
    # Both answers link to the payment's reversal under its own words and back to the
    # contract (they linked to the reversal alone, as "the page you came from").
    for text in (refused.get_data(as_text=True), sent.get_data(as_text=True)):
        assert f'<a href="/payments/{payment.id}/reverse">Reverse the payment</a>' in text
        assert f'<a href="/contracts/{contract.id}">Back to the page you came from</a>' in text

    services.reverse_payment(project.pm, payment, date(2026, 3, 6), "Typed twice")
    _commit()
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/contracts/{contract.id}/void"' in page
    path = f"/contracts/{contract.id}/void"
    assert post(client, path, {**tab(client, path), "reason": " "}).status_code == 400
    assert post(client, path, {**tab(client, path),
                               "reason": "Entered under the wrong project"}).status_code == 302
    db.session.expire_all()
    voided = db.session.get(ResearchContract, contract.id)
    assert voided.is_void and voided.void_reason == "Entered under the wrong project"
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Voided" in page and "Entered under the wrong project" in page
    assert f"/contracts/{contract.id}/edit" not in page and "Record payment" not in page
    assert client.get(f"/contracts/{contract.id}/edit").status_code == 409
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Contract voided" in history and "Entered under the wrong project" in history
    assert "Payment reversed" in history


def test_a_voided_contract_counts_nowhere():
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    kept = record(project, "500000", signed=date(2026, 2, 1),
                  schedule=[(today() + timedelta(days=3), D("500000"))])
    wrong = record(project, "9000000", signed=date(2026, 2, 1),
                   schedule=[(today() + timedelta(days=3), D("9000000"))])
    paid = services.record_payment(project.pm, wrong.instalments[0], date(2026, 2, 2), D("10"))
    services.reverse_payment(project.pm, paid, date(2026, 2, 2), "Wrong contract")
    corrections.void_contract(project.pm, wrong, "Entered twice")
    _commit()
    scope = Project.id == project.id
    assert [(r["contracts"], r["value"]) for r in rollups.rollup("project", scope)] == [
        (1, D("500000"))]
    listed = [r.id for r in db.session.execute(queries.contracts(scope))]
    assert listed == [kept.id]
    soon = Query(until=today() + timedelta(days=30))
    due = [i.link[1]["contract_id"] for i in items.instalments_due(soon)
           if i.project_id == project.id]
    assert due == [kept.id]
    figures = dashboard.contract_figures(Filters(institute_id=project.institute_id,
                                                 allowed=frozenset({project.institute_id})),
                                         2026)
    assert (figures["contracts"], figures["signed"]) == (1, D("500000"))
    signed = {f.key: f for f in annual.build(2026).figures}["contracts_signed"]
    assert signed.cell(project.institute_id, 2026).amount == D("500000")
    assert services.signed_contract_missing(project) is None  # the other one stands
    corrections.void_contract(project.pm, kept, "Never signed either")
    _commit()
    assert services.signed_contract_missing(project) is not None


def test_void_is_offered_only_to_who_records_contracts_and_said_in_chinese(client):
    project = make_project()
    contract = record(project, "100", schedule=[])
    login(client, make_user(Role.OBSERVER))
    assert "/void" not in client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert client.get(f"/contracts/{contract.id}/void").status_code == 403
    post(client, "/logout")
    admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
    login(client, admin)
    path = f"/contracts/{contract.id}/void"
    assert post(client, path, {**tab(client, path), "reason": "录入错误"}).status_code == 302
    page = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert "作废了合同" in body and "录入错误" in body
    assert not re.search(r"\b(void_reason|voided_at|contract\.void|None)\b", body)
    db.session.expire_all()
    assert db.session.scalar(select(ResearchContract.voided_by_id).where(
        ResearchContract.id == contract.id)) == admin.id


def test_a_removal_sent_twice_lands_on_the_contract_saying_it_was_saved_once(client):
    """Finding 3: the instalment is gone after the first sending; the second (a double click,
    Back and send) hears that the form was saved once, on the contract, not a bare 404."""
    project = make_project()
    contract = two_instalments(project)
    login(client, project.pm)
    last = contract.instalments[-1]
    remove = f"/instalments/{last.id}/remove"
    sent = {**tab(client, remove), "reason": "The addendum dropped it"}
    assert post(client, remove, sent).status_code == 302
    again = post(client, remove, sent)
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/contracts/{contract.id}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This form had already been sent: it was saved once, here." in page
    other = make_user(Role.PROJECT_MANAGER)
    post(client, "/logout")
    login(client, other)  # another's token is not theirs to follow
    assert post(client, remove, sent).status_code == 404


def test_a_removed_instalments_pages_say_it_was_removed_by_whom_and_why(client):
    """Back to the removal page, or an edit tab opened before: the instalment was removed on a
    day, by someone, with a reason, linking to the contract; not a bare 404."""
    project = make_project()
    contract = two_instalments(project)
    login(client, project.pm)
    last = contract.instalments[-1]
    edit, remove = f"/instalments/{last.id}/edit", f"/instalments/{last.id}/remove"
    opened = tab(client, edit)
    assert post(client, remove, {**tab(client, remove),
                                 "reason": "The addendum dropped it"}).status_code == 302
    for response in (client.get(remove), client.get(edit),
                     post(client, edit, {**opened, "due_date": "2026-10-01",
                                         "amount": "300000", "reason": "Moved"})):
        page = response.get_data(as_text=True)
        assert response.status_code == 409, page
        assert "This instalment was removed from the contract" in page
        assert "The addendum dropped it" in page and project.pm.name in page
        assert f'href="/contracts/{contract.id}"' in page
    post(client, "/logout")
    login(client, make_user(Role.EVALUATOR))
    assert client.get(edit).status_code == 404  # who may not see the contract learns nothing


def test_an_instalment_s_form_loads_its_contract_and_payments_once(client, engine):
    """Issue 21: the instalment's edit page loaded the contract with every instalment and
    payment twice (once to see it, once to correct it)."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    contract = two_instalments(project)
    login(client, project.pm)
    statements = page_statements(client, engine, f"/instalments/{contract.instalments[0].id}/edit")
    for table in ("research_contracts", "payments"):
        loads = [s for s in statements if s.startswith("SELECT") and f"FROM {table} " in s]
        assert len(loads) == 1, (table, loads)
