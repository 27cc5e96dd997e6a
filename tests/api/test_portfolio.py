"""Contracts, companies with their cap table, gate reviews, organisations, needs and the outbox
through the API: the same predicates and lists as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.helpers import bearer, token_for
from tests.companies.helpers import incorporate, make_company
from tests.factories import (
    _commit,
    install_gates,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.funding.test_amendments import tranche_of
from tests.gates import helpers as gates
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import corrections as contract_corrections
from tracker.contracts.models import ResearchContract
from tracker.funding import services as funding
from tracker.funding import voids
from tracker.gates import decisions
from tracker.gates.models import Outcome
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_contracts_are_the_pages_contracts(client):
    pm, other = make_user(Role.PROJECT_MANAGER), make_user(Role.PROJECT_MANAGER)
    mine, theirs = make_project(pm=pm), make_project(pm=other)
    gates.submit(mine), gates.submit(theirs)
    secret = token_for(pm)
    rows = client.get("/api/v1/contracts", headers=bearer(secret)).json["items"]
    assert {r["project_id"] for r in rows} == {mine.id}
    contract = client.get(f"/api/v1/contracts/{rows[0]['id']}", headers=bearer(secret)).json
    assert [i["amount"] for i in contract["instalments"]] == ["1000000.00", "1000000.00"]
    hq = token_for(make_user(Role.HQ_ADMIN))
    every = client.get("/api/v1/contracts", headers=bearer(hq)).json["items"]
    hidden = [r["id"] for r in every if r["project_id"] == theirs.id]
    assert client.get(f"/api/v1/contracts/{hidden[0]}", headers=bearer(secret)).status_code == 404


def test_a_cap_table_on_a_date_and_who_may_read_it(client):
    company = make_company(make_project(phase=Phase.SPIN_OFF))
    incorporate(company)
    hq = token_for(make_user(Role.HQ_ADMIN))
    table = client.get(f"/api/v1/companies/{company.id}/cap-table", headers=bearer(hq)).json
    assert table["rows"] and sum(float(r["pct"]) for r in table["rows"]) == pytest.approx(100)
    before = client.get(f"/api/v1/companies/{company.id}/cap-table?on=2000-01-01",
                        headers=bearer(hq)).json
    assert before["rows"] == [] and before["issued"] in ("0", "0.00", "0.0000")
    listed = client.get("/api/v1/companies", headers=bearer(hq)).json["items"]
    assert [c["id"] for c in listed] == [company.id]
    stranger = token_for(make_user(Role.PROJECT_MANAGER))
    assert client.get("/api/v1/companies", headers=bearer(stranger)).json["items"] == []
    assert client.get(f"/api/v1/companies/{company.id}/cap-table",
                      headers=bearer(stranger)).status_code == 404


def test_scores_only_as_the_review_page_shows_them(client):
    project = make_project()
    review = gates.submit(project)
    evaluators = gates.name_panel(review)
    gates.score(review, evaluators[0])
    pm = token_for(project.pm)
    path = f"/api/v1/projects/{project.id}/reviews"
    [seen] = client.get(path, headers=bearer(pm)).json["items"]
    assert seen["scorecards"] == [] and seen["decisions"] == []
    scored = client.get(path, headers=bearer(token_for(evaluators[0]))).json["items"][0]
    assert [c["evaluator"] for c in scored["scorecards"]] == [evaluators[0].name]
    assert client.get(path, headers=bearer(token_for(evaluators[1]))).json["items"][0][
        "scorecards"] == []
    for evaluator in evaluators[1:]:
        gates.score(review, evaluator)
    decisions.decide(evaluators[0], review, review.version, Outcome.GO)
    _commit()
    decided = client.get(path, headers=bearer(pm)).json["items"][0]
    assert decided["decisions"][0]["outcome"] == "go" and decided["scorecards"] == []


def test_organisations_needs_and_the_outbox(client):
    institute = make_institute(name="Institute of Advanced Robotics")
    make_need(institute=institute)
    pm = token_for(make_user(Role.PROJECT_MANAGER))
    found = client.get("/api/v1/institutes?q=Robotics", headers=bearer(pm)).json["items"]
    assert [i["id"] for i in found] == [institute.id]
    hq = token_for(make_user(Role.HQ_ADMIN))
    needs = client.get(f"/api/v1/needs?institute={institute.id}", headers=bearer(hq))
    assert len(needs.json["items"]) == 1, needs.json
    assert client.get("/api/v1/outbox", headers=bearer(hq)).status_code == 200
    assert client.get("/api/v1/outbox", headers=bearer(pm)).status_code == 403


def test_a_voided_record_reads_voided_the_same_way_everywhere(client):
    """Issue 9: an API client tells a voided contract, agreement or tranche from one that
    stands by one key, `voided` (null, or when and why): a voided tranche stays in its
    agreement's tranches (it planned nothing: `planned` sums those that stand), a voided
    contract on its own URL; the lists hold the records that stand, each `voided: null`."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    wrong = tranche_of(committee)
    agreement = wrong.agreement
    kept = funding.add_tranche(committee, agreement, amount=Decimal("1000000"), gate=3)
    voids.void_tranche(committee, wrong, "Entered twice from the minutes.")
    _commit()
    secret = token_for(committee)
    shown = client.get(f"/api/v1/projects/{agreement.project_id}/funding",
                       headers=bearer(secret)).json
    tranches = {t["id"]: t for t in shown["tranches"]}
    assert tranches[kept.id]["voided"] is None and shown["voided"] is None
    assert tranches[wrong.id]["voided"]["reason"] == "Entered twice from the minutes."
    assert tranches[wrong.id]["voided"]["at"] and shown["planned"] == "1000000.00"
    assert "voided_at" not in tranches[wrong.id] and "void_reason" not in shown
    listed = client.get("/api/v1/funding", headers=bearer(secret)).json["items"]
    assert [a["voided"] for a in listed] == [None]

    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm)
    gates.submit(project)  # its contract signed
    mine = token_for(pm)
    [row] = client.get("/api/v1/contracts", headers=bearer(mine)).json["items"]
    assert row["voided"] is None
    contract_corrections.void_contract(pm, db.session.get(ResearchContract, row["id"]),
                                       "Never signed")
    _commit()
    assert client.get("/api/v1/contracts", headers=bearer(mine)).json["items"] == []
    voided = client.get(f"/api/v1/contracts/{row['id']}", headers=bearer(mine)).json
    assert voided["voided"]["reason"] == "Never signed"
    document = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in ("Contract", "ContractRow", "Agreement", "Tranche"):
        assert document[name]["properties"]["voided"], name
        assert "voided_at" not in document[name]["properties"], name
