"""A form that needs a choice the data may not offer (a select filled from the database) says
why when it has nothing to offer, instead of being shown empty: `Form.no_choice`, rendered by
the form macro and by the pages that lay their form out themselves."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tracker.changes.forms import MoveForm, PersonForm
from tracker.companies.forms import CompanyForm, TransferForm
from tracker.contracts.forms import ContractForm
from tracker.funding.forms import ConversionForm
from tracker.gates.review_forms import PanelForm
from tracker.milestones.forms import AssignForm, MilestoneForm
from tracker.organisations.forms import CentreForm, NeedForm
from tracker.projects.forms import ProjectForm
from tracker.spending.forms import SpendingForm

ONE = SimpleNamespace(id=7, name="One", category="Equipment", title="One", shown_name="One",
                      shown=lambda _column: "One")

# (form, the keyword its choices come from, what one choice is)
FORMS = [
    (MoveForm, "lines", ONE), (PersonForm, "people", ONE), (SpendingForm, "lines", ONE),
    (AssignForm, "reviewers", ONE), (PanelForm, "evaluators", ONE),
    (ContractForm, "enterprises", ONE), (CompanyForm, "projects", ONE),
    (TransferForm, "holders", ONE), (ConversionForm, "rounds", ONE),
    (ProjectForm, "institutes", ONE), (CentreForm, "enterprises", ONE),
    (NeedForm, "enterprises", ONE),
]


@pytest.mark.parametrize(("form_class", "keyword", "choice"), FORMS,
                         ids=[f[0].__name__ for f in FORMS])
def test_a_form_with_nothing_to_choose_says_why(app, form_class, keyword, choice):
    extra = {"states": []} if form_class is NeedForm else {}
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        empty = form_class(**{keyword: []}, **extra)
        assert empty.unavailable and "None" not in empty.unavailable
        assert form_class(**{keyword: [choice]}, **extra).unavailable is None


def test_a_milestone_form_with_no_phase_to_plan_says_why(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert "No phase of the project is open to planning" in MilestoneForm(phases=[]).unavailable


def test_pages_that_lay_out_their_own_form_say_why_too(client):
    from tests.conftest import login
    from tests.factories import make_project
    from tracker.projects.lifecycle import Phase

    project = make_project(phase=Phase.CONTRACT_RESEARCH)  # no enterprise recorded
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/contracts/new").get_data(as_text=True)
    assert "No enterprise is recorded yet" in page and 'name="enterprise_id"' not in page
