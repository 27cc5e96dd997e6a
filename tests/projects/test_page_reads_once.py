"""The project page's gate checklist is worked out from what the page has read (its milestones,
conditions, deliverables, contracts and the project's gate reviews), not by asking the database
again: the same checks, met or not, as the guards find on their own, and no second read."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.milestones import services as milestones
from tracker.projects import queries, services
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _checks(checks):
    return [(c.label, c.missing, c.blocks) for c in checks]


def _both_ways(project_id: int):
    """The checklist and the later ones, as the guards read them and from the page's reads."""
    db.session.expire_all()
    project = queries.find_project(project_id)
    read = (_checks(services.readiness(project)),
            [(g, _checks(c)) for g, c in services.later_readiness(project)])
    known = queries.project_page(project).known()
    from_page = (_checks(services.readiness(project, known)),
                 [(g, _checks(c)) for g, c in services.later_readiness(project, known)])
    return read, from_page


def test_the_checklist_from_the_page_is_the_one_the_guards_read_at_every_step():
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm)
    seen = []

    def same():
        read, from_page = _both_ways(project.id)
        assert from_page == read
        seen.append(read[0])

    helpers.upload_deliverables(project, 1)
    same()  # a draft: the submission checklist
    review = helpers.submit(project, contract=False)
    same()  # gate 1 under way: a review open, no contract yet
    helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Sign a second contract", "owner": pm,
         "due_date": date.today() + timedelta(days=30)}])
    same()  # gate 2 next: no milestone, a condition open, no contract
    milestones.plan_milestone(pm, project, phase=Phase.CONTRACT_RESEARCH, title="Prototype",
                              deliverable="", due_date=date.today() + timedelta(days=60),
                              weight=Decimal("1"))
    helpers.sign_contract(project)
    _commit()
    same()  # a milestone open, a contract signed
    assert any(missing for _, missing, _ in seen[2]) and seen[2] != seen[3]


def test_the_page_reads_each_list_once(client, engine):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    milestones.plan_milestone(project.pm, project, phase=Phase.CONTRACT_RESEARCH,
                              title="Prototype", deliverable="",
                              due_date=date.today() + timedelta(days=60), weight=Decimal("1"))
    _commit()
    assert gates.find_template(2) is not None  # so that gate 2's deliverables are checked
    login(client, make_user(Role.HQ_ADMIN))
    statements = page_statements(client, engine, f"/projects/{project.id}")
    for table in ("milestones", "conditions", "deliverables", "research_contracts"):
        reads = [s for s in statements if f"FROM {table} " in s or f"FROM {table}\n" in s]
        assert len(reads) == 1, (table, reads)
    assert not [s for s in statements if s.startswith("SELECT gate_reviews.id")]
