"""An action is offered only when it is possible; otherwise the page says what is missing, in the
sentence the service would refuse with (issue 9, point 6: guards are said before they block)."""

from __future__ import annotations

import pytest

from tests.companies import helpers as companies
from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers as gates
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_a_company_is_offered_from_the_funding_page_only_after_the_investment_decision(client):
    early = make_project(phase=Phase.CONTRACT_RESEARCH)
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    page = client.get(f"/projects/{early.id}/funding").get_data(as_text=True)
    assert "Record the company" not in page
    assert "a company is recorded only for a project HQ has decided to invest in" in page
    # nor does the company form list the project
    assert f'value="{early.id}"' not in client.get("/companies/new").get_data(as_text=True)

    ready = make_project(phase=Phase.INVESTMENT_DECISION)
    page = client.get(f"/projects/{ready.id}/funding").get_data(as_text=True)
    assert f'href="/companies/new?project={ready.id}"' in page
    form = client.get(f"/companies/new?project={ready.id}").get_data(as_text=True)
    assert f'<option selected value="{ready.id}">' in form


def test_an_unregistered_company_offers_no_dated_record_but_says_what_is_missing(client):
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    company = companies.make_company(project, registered=False)
    login(client, companies.manager())
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    for action in ("incorporate", "ip/new", "rounds/new", "exit"):
        assert f"/companies/{company.id}/{action}" not in page, action
    assert "is not registered yet: record its unified social credit code" in page

    registered = companies.make_company(make_project(phase=Phase.INVESTMENT_DECISION))
    page = client.get(f"/companies/{registered.id}").get_data(as_text=True)
    assert f"/companies/{registered.id}/incorporate" in page
    assert "is not registered yet" not in page


def test_withdraw_is_offered_only_on_a_draft_that_can_be_withdrawn(client):
    draft = make_project()
    login(client, draft.pm)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "Withdraw this draft" in page

    gates.sign_contract(draft)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "Withdraw this draft" not in page
    assert "This draft has a research contract recorded against it" in page
    assert post(client, f"/projects/{draft.id}/withdraw").status_code == 409
