"""Gate 4 opens only when the company is registered, its cap table accounts for every issued
share, and a licence or assignment of the project's IP is recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.factories import _commit, install_gates, make_project
from tests.gates import helpers as gate_steps
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, EntryKind, ShareEntry
from tracker.errors import Refused
from tracker.gates import services as gates
from tracker.projects import guards
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


@pytest.fixture
def project():
    project = make_project(phase=Phase.SPIN_OFF)
    gate_steps.upload_deliverables(project, 4)
    return project


def test_without_a_company_gate_four_does_not_open(project):
    with pytest.raises(Refused, match="Record the spin-off company of this project first"):
        gates.request_gate(project.pm, project)
    assert project.gate_reviews == []


def test_each_missing_piece_is_named_until_all_are_there(project):
    company = helpers.make_company(project, registered=False)
    refusals = " ".join(guards.gate_request_refusals(project, 4))
    assert "is not registered yet" in refusals
    assert "has no cap table" in refusals
    assert "Record a licence or assignment of this project's IP" in refusals

    companies.update_company(helpers.manager(), company, name=company.name,
                             uscc=helpers.uscc_for(990001), registered_on=helpers.days_ago(30),
                             registered_capital=Decimal("1000000"), legal_representative="Li",
                             project_ids=[project.id])
    helpers.incorporate(company, on=helpers.days_ago(30))
    refusals = " ".join(guards.gate_request_refusals(project, 4))
    assert "registered" not in refusals and "cap table" not in refusals
    assert "licence or assignment" in refusals

    helpers.license_ip(company, project)
    assert guards.gate_request_refusals(project, 4) == []
    review = gates.request_gate(project.pm, project)
    assert review.gate == 4


def test_a_cap_table_that_does_not_account_for_every_share_keeps_the_gate_shut(project):
    company = helpers.ready_for_spin_off(project)
    # A transfer written around the services, from a holder who never had the shares.
    pool = company.holders[2]
    company.entries.append(ShareEntry(
        kind=EntryKind.TRANSFER, on_date=helpers.days_ago(1), shares=Decimal("2000000"),
        from_holder=pool, to_holder=company.holders[0], acquired_by=Acquisition.CASH,
        recorded_by_id=project.pm_id))
    _commit()
    with pytest.raises(Refused, match="does not account for every issued share"):
        gates.request_gate(project.pm, project)


def test_the_ip_must_be_this_projects(project):
    other = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project, project_ids=[project.id, other.id])
    helpers.incorporate(company)
    helpers.license_ip(company, other)
    assert "licence or assignment" in " ".join(guards.gate_request_refusals(project, 4))
    assert companies.spin_off_refusal(other) is None


def test_the_guard_concerns_gate_four_only(project):
    assert not any("spin-off company" in r for r in guards.gate_request_refusals(project, 3))
