"""A research contract recorded wrong is corrected (issue 9, point 5; F50): its terms, with a
version (a stale save is refused with what changed, the input kept), every rule of a new
contract met again and none broken against what is recorded under it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_enterprise, make_project, make_user
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import corrections, services
from tracker.contracts.models import ContractType, ResearchContract
from tracker.errors import Forbidden, Invalid

D = Decimal


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def terms(contract: ResearchContract, **overrides) -> dict:
    data = {"number": contract.number or "", "title": contract.title,
            "enterprise_id": str(contract.enterprise_id), "type": contract.type.value,
            "amount": str(contract.amount), "signed_on": contract.signed_on.isoformat(),
            "reason": "Typed from the wrong copy"}
    data.update(overrides)
    return data


def save(contract: ResearchContract, actor=None, **overrides):
    given = {"enterprise_id": contract.enterprise_id, "title": contract.title,
             "number": contract.number, "type": contract.type, "amount": contract.amount,
             "signed_on": contract.signed_on, "reason": "Typed from the wrong copy", **overrides}
    return corrections.save_contract(actor or contract.project.pm, contract, **given)


def test_a_contract_recorded_wrong_is_corrected_and_the_history_says_so(client):
    project = make_project()
    wrong = make_enterprise(name="Wrong Partner Ltd")
    right = make_enterprise(name="Right Partner Ltd")
    contract = record(project, "1000000", enterprise_id=wrong.id)
    login(client, project.pm)
    path = f"/contracts/{contract.id}/edit"
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="{path}"' in page
    response = post(client, path, terms(contract, **tab(client, path), number="HT-2026-007",
                                        enterprise_id=str(right.id), amount="1200000",
                                        signed_on="2026-01-20",
                                        type=ContractType.SERVICE.value))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(ResearchContract, contract.id)
    assert (kept.number, kept.enterprise_id, kept.amount, kept.signed_on, kept.type) == (
        "HT-2026-007", right.id, D("1200000"), date(2026, 1, 20), ContractType.SERVICE)
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Contract corrected" in history
    assert "Wrong Partner Ltd" in history and "Right Partner Ltd" in history
    assert "CN¥1,200,000.00" in history and "enterprise_id" not in history


def test_the_history_of_a_correction_reads_in_chinese(client):
    project = make_project()
    contract = record(project, "1000000")
    save(contract, amount=D("1500000"))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert "更正了合同" in body and "¥1,500,000.00" in body
    assert not re.search(r"\b(amount|contract\.update|None)\b", body)


def test_a_stale_save_is_refused_with_what_changed_and_the_input_kept(client):
    project = make_project()
    contract = record(project, "1000000")
    login(client, project.pm)
    path = f"/contracts/{contract.id}/edit"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, terms(contract, **first, amount="1100000")).status_code == 302
    response = post(client, path, terms(contract, **second, title="Typed in the second tab"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved by you in another tab or window meanwhile" in page and "CN¥1,100,000.00" in page
    assert 'value="Typed in the second tab"' in page
    db.session.expire_all()
    kept = db.session.get(ResearchContract, contract.id)
    assert (kept.title, kept.amount) == ("Contract", D("1100000"))
    again = terms(kept, title="Typed in the second tab", version=hidden(page, "version"),
                  seen_at=hidden(page, "seen_at"), once=hidden(page, "once"))
    assert post(client, path, again).status_code == 302
    db.session.expire_all()
    assert db.session.get(ResearchContract, contract.id).title == "Typed in the second tab"


def test_the_value_stays_at_least_what_was_received_and_scheduled():
    project = make_project()
    contract = record(project, "1000000", schedule=[(date(2026, 3, 1), D("600000")),
                                                    (date(2026, 9, 1), D("300000"))])
    services.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5), D("500000"))
    _commit()
    with pytest.raises(Invalid) as refused:
        save(contract, amount=D("400000"))
    said = dict(refused.value.problems)
    assert "CN¥500,000.00 has been received under this contract already" in " ".join(
        m for f, m in refused.value.problems if f == "amount")
    assert "add up to CN¥900,000.00, more than the contract's CN¥400,000.00" in " ".join(
        m for f, m in refused.value.problems if f == "amount")
    assert set(said) == {"amount"}
    db.session.rollback()
    save(contract, amount=D("900000"))  # what the instalments ask: accepted
    assert contract.amount == D("900000")


def test_the_signing_date_stays_on_or_before_payments_instalments_and_registration():
    project = make_project()
    contract = record(project, "1000000", signed=date(2026, 2, 1),
                      schedule=[(date(2026, 6, 1), D("1000000"))])
    services.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5), D("100"))
    services.register_contract(project.pm, contract, number="REG-1",
                               registered_on=date(2026, 3, 1), value=D("800000"))
    _commit()
    with pytest.raises(Invalid) as refused:
        save(contract, signed_on=date(2026, 4, 1))
    messages = [m for f, m in refused.value.problems if f == "signed_on"]
    assert any("A payment was recorded as received on" in m for m in messages)
    assert any("registered on" in m for m in messages)
    db.session.rollback()
    with pytest.raises(Invalid, match="An instalment falls due before the signing date"):
        save(contract, signed_on=date(2026, 7, 1))
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        save(contract, amount=D("700000"))
    assert any("technology transaction value is part of the contract" in m
               for f, m in refused.value.problems if f == "amount")
    db.session.rollback()
    with pytest.raises(Invalid, match="in the future"):
        save(contract, signed_on=date(2099, 1, 1))


def test_a_number_stays_unique_in_the_institute():
    project = make_project()
    record(project, "100", schedule=[])
    services.record_contract(project.pm, project, enterprise_id=make_enterprise().id,
                             title="Numbered", type=ContractType.SERVICE, amount=D("100"),
                             signed_on=date(2026, 2, 1), instalments=[], number="HT-1")
    other = record(project, "100", schedule=[])
    with pytest.raises(Invalid, match="numbered HT-1 already"):
        save(other, number=" HT-1 ")
    db.session.rollback()
    numbered = services.find_by_number(project.institute_id, "HT-1")
    assert save(numbered, number="HT-1", title="Renamed").title == "Renamed"


def test_only_who_records_contracts_corrects_them(client):
    project = make_project()
    contract = record(project, "100", schedule=[])
    with pytest.raises(Forbidden):
        save(contract, actor=make_user(Role.PROJECT_MANAGER), title="Not mine")
    observer = make_user(Role.OBSERVER)
    login(client, observer)
    assert client.get(f"/contracts/{contract.id}/edit").status_code == 403
    assert "/edit" not in client.get(f"/contracts/{contract.id}").get_data(as_text=True)


def test_a_correction_that_changes_nothing_is_refused_for_terms_instalment_and_registration(
        client):
    project = make_project()
    contract = record(project, "1000000")
    services.register_contract(project.pm, contract, number="2026320100000017",
                               registered_on=date(2026, 3, 10), value=D("800000"))
    _commit()
    instalment = contract.instalments[0]
    login(client, project.pm)
    typed = "Typed it again"
    path = f"/contracts/{contract.id}/edit"
    assert refused_as_unchanged(post(client, path, terms(contract, **tab(client, path),
                                                         reason=typed)), typed)
    path = f"/instalments/{instalment.id}/edit"
    assert refused_as_unchanged(post(client, path, {
        **tab(client, path), "due_date": "2026-03-01", "amount": "1000000", "reason": typed}),
        typed)
    path = f"/contracts/{contract.id}/registration"
    assert refused_as_unchanged(post(client, path, {
        **tab(client, path), "number": "2026320100000017", "registered_on": "2026-03-10",
        "value": "800000", "reason": typed}), typed)
    assert audited("contract.update", "instalment.update",
                   "contract.registration_correct") == 0
    # Each correction made says "corrected" and shows beside what it corrected, who and why.
    response = post(client, path, {**tab(client, path), "number": "2026320100000017",
                                   "registered_on": "2026-03-11", "value": "800000",
                                   "reason": "Misread the date"})
    assert response.status_code == 302
    assert "Registration corrected." in client.get(f"/contracts/{contract.id}").get_data(
        as_text=True)
    path = f"/instalments/{instalment.id}/edit"
    assert post(client, path, {**tab(client, path), "due_date": "2026-03-02",
                               "amount": "1000000", "reason": "Due a day later"}
                ).status_code == 302
    path = f"/contracts/{contract.id}/edit"
    assert post(client, path, terms(contract, **tab(client, path), title="Sensor contract",
                                    reason="The title was a placeholder")).status_code == 302
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    for reason in ("Misread the date", "Due a day later", "The title was a placeholder"):
        assert f"by {project.pm.name}: {reason}" in page
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "Contract registration corrected" in history
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    history = client.get(f"/history/research_contracts/{contract.id}").get_data(as_text=True)
    assert "更正了合同登记" in history
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "付款节点" in page and "分期" not in page
