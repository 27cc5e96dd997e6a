"""Someone who may not take an action is told so (403), whatever they sent: not what their form
lacked (400), nor why the object can't take the action now (409). The access matrix
(tests/test_access_matrix.py) asks this of every route; these are the cases it found answered
the other way."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers as gate_helpers
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_a_form_sent_empty_by_someone_who_may_not_act_is_refused_as_such(client):
    """The form's dry run (actions._service_problems) lets the service's Forbidden through."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    login(client, make_user(Role.OBSERVER))  # sees the project, may change nothing of it
    for action in ("trl", "deliverables", "resume", "terminate", "changes/route"):
        assert post(client, f"/projects/{project.id}/{action}").status_code == 403, action
    pm = client.application.test_client()
    login(pm, project.pm)
    assert post(pm, f"/projects/{project.id}/trl").status_code == 400  # the PM may


def test_only_the_panel_declares_and_scores_and_only_the_chair_decides(client):
    project = make_project()
    review = gate_helpers.submit(project, contract=False)
    evaluators = gate_helpers.name_panel(review)
    login(client, project.pm)  # sees the review, sits on no panel
    for action in ("declare", "scores", "decide"):
        assert post(client, f"/reviews/{review.id}/{action}").status_code == 403, action
    client2 = client.application.test_client()
    login(client2, evaluators[1])  # on the panel, not its chair
    assert post(client2, f"/reviews/{review.id}/decide").status_code == 403
    assert post(client2, f"/reviews/{review.id}/declare").status_code == 400  # says which


def test_who_may_withdraw_is_asked_before_whether_the_project_is_a_draft(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    director = make_user()
    project.institute.director_id = director.id
    login(client, director)
    assert post(client, f"/projects/{project.id}/withdraw").status_code == 403
    pm = client.application.test_client()
    login(pm, project.pm)
    refused = post(pm, f"/projects/{project.id}/withdraw")
    assert refused.status_code == 409
    assert "only a draft is withdrawn" in refused.get_data(as_text=True)
