"""Permission rules live on the models; templates are given booleans or call those predicates,
and never re-derive a rule from the user's id or roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers as gate_helpers
from tracker.accounts.models import Role
from tracker.contracts.models import ResearchContract
from tracker.funding import refusals as funding_refusals
from tracker.funding.models import FundingAgreement
from tracker.gates.models import Outcome
from tracker.milestones.models import Milestone
from tracker.projects.closed import open_refusal

TEMPLATES = Path(__file__).parent.parent / "templates"
# A rule written out in Jinja: comparing the user's id, or reading a role.
REDERIVED = re.compile(r"current_user\.id\s*[=!]=|[=!]=\s*current_user\.id"
                       r"|current_user\.(is_hq_admin|has_role|sees_whole_portfolio"
                       r"|can_manage_users)\b")


@pytest.mark.no_db
def test_no_template_rederives_a_permission_rule():
    offenders = [f"{path.relative_to(TEMPLATES)}:{n}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if REDERIVED.search(line)]
    assert offenders == []


# A rule joined to the project's state in a view or template ("may plan and the project is
# open") is a second copy of the rule: the predicate says it whole.
JOINED = re.compile(r"(can_\w+|may_\w+).*is_read_only|is_read_only.*(can_\w+|may_\w+)")
TRACKER = Path(__file__).parent.parent / "tracker"


@pytest.mark.no_db
def test_no_view_or_template_joins_a_predicate_to_the_project_state():
    files = [*TEMPLATES.rglob("*.html"), *TRACKER.rglob("views.py")]
    offenders = [f"{path.name}:{n}" for path in sorted(files)
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if JOINED.search(line)]
    assert offenders == []


def test_a_closed_project_offers_nothing_that_changes_it(app, client):
    install_gates()
    project = make_project()
    gate_helpers.go(gate_helpers.submit(project), Outcome.KILL, rationale="Not novel")
    assert project.is_read_only
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    # Its PM still plans its milestones; its phase refuses them, said as such (409).
    assert Milestone.can_plan(project.pm, project) and open_refusal(project) is not None
    # Its PM still records its contracts' payments; a new contract is refused by its phase.
    assert ResearchContract.can_record(project.pm, project)
    assert FundingAgreement.can_see(project.pm, project)
    assert FundingAgreement.can_record(committee)  # the committee, refused by the phase
    assert funding_refusals.new_agreement_refusal(project) is not None

    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "read-only" in page
    assert f"/projects/{project.id}/milestones/new" not in page
    assert f"/projects/{project.id}/contracts/new" not in page
    assert f"/projects/{project.id}/funding\"" in page  # the PM still sees the funding page
    other = app.test_client()
    login(other, committee)
    page = other.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "/funding/agreement" not in page
