"""Guards are said before they block: the project page lists every guard of the next step, met
or not, to everyone who sees the project; a refusal links back to the project."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_the_contract_guard_of_gate_two_is_on_the_page_from_the_gate_one_go(client):
    project = make_project()
    review = helpers.submit(project, contract=False)
    helpers.go(review)
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Before gate 2 can be requested" in page
    assert "A signed research contract or allocation-investment agreement" in page
    assert "record the signed research contract" in page  # what is missing, said up front
    helpers.sign_contract(project)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "record the signed research contract" not in page


def test_the_pm_is_offered_submission_only_when_the_checklist_is_done(client):
    draft = make_project()
    login(client, draft.pm)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "The gate&#39;s required deliverables are uploaded" in page
    assert "Submit the proposal" not in page
    helpers.upload_deliverables(draft, 1)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "Submit the proposal" in page and "To do" not in page


def test_a_refusal_is_shown_on_the_project_or_links_back_to_it(client):
    draft = make_project()
    login(client, draft.pm)
    refused = post(client, f"/projects/{draft.id}/submit")
    assert refused.status_code == 409
    assert "Before the proposal can be submitted" in refused.get_data(as_text=True)

    held = make_project(pm=draft.pm, phase=Phase.ON_HOLD)
    refused = post(client, f"/projects/{held.id}/deliverables")  # no gate while on hold
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert f'<a href="/projects/{held.id}">Back to the page you came from</a>' in page


@pytest.mark.parametrize("locale, later, contract", [
    ("en", "Later, before gate 2 can be requested",
     "A signed research contract or allocation-investment agreement"),
    ("zh_CN", "以后：申请阶段门 2 之前", "已签订科研合同或拨投协议")])
def test_the_guards_of_later_gates_are_on_the_page_from_the_draft(client, locale, later,
                                                                   contract):
    """Not only the next step's guards: a draft already shows what gate 2 (the signed contract)
    and gate 4 (the company) will ask, so nobody meets them as a surprise."""
    project = make_project()
    login(client, make_user(Role.OBSERVER, locale=locale))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert later in page and contract in page
    for gate in (3, 4):
        assert (f"Later, before gate {gate} can be requested" if locale == "en"
                else f"以后：申请阶段门 {gate} 之前") in page
    # Once gate 2 is the next one, its guards move up and are no longer "later".
    helpers.go(helpers.submit(project, contract=False))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert later not in page and contract in page


def test_gate_two_lists_its_planned_milestones_from_the_draft_on(client):
    """Requesting gate 2 needs the research planned as milestones: a checklist item on the
    project page before the gate, met once one milestone of the phase is planned."""
    draft = make_project()
    login(client, draft.pm)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "The contract research is planned as milestones" in page
    assert "No milestone of the Contract research phase is planned" in page
    helpers.accepted_milestone(draft)
    page = client.get(f"/projects/{draft.id}").get_data(as_text=True)
    assert "The contract research is planned as milestones" in page
    assert "No milestone of the Contract research phase is planned" not in page


@pytest.mark.parametrize("locale, item, below, done", [
    ("en", "TRL 4 at least, the gate&#39;s minimum (now 3)",
     "TRL 3 is below the gate&#39;s minimum of 4",
     "TRL 4 at least, the gate&#39;s minimum (now 5)"),
    ("zh_CN", "TRL 至少达到 4（阶段门最低要求，当前为 3）", "TRL 3 低于阶段门的最低要求 4",
     "TRL 至少达到 4（阶段门最低要求，当前为 5）")])
def test_the_gates_minimum_trl_is_on_the_checklist_met_or_not(client, locale, item, below,
                                                              done):
    """The minimum TRL stands against GO at the decision (the chair overrides it with a
    reason): the PM reads it on the checklist before asking for the gate, met or not, and it
    does not keep the gate from being asked."""
    from tracker.gates import services as gates
    from tracker.projects import guards, trl

    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=3)
    project.pm.locale = locale
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert item in page and below in page
    assert not any("TRL" in refusal for refusal in guards.gate_request_refusals(project, 2))
    assert gates.trl_below_minimum(project, 4) is not None
    trl.record_trl(project.pm, project, 5, "Prototype validated in the lab")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert done in page and below not in page
