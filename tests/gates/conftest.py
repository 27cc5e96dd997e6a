"""Gate reviews built once per test module that asks for them (each test goes on from them in
its own savepoint, tests/conftest.py:module_connection), loaded in each test's session."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from tests.factories import install_gates, make_project
from tests.gates import helpers
from tests.shared import ids_of, loaded
from tracker import db
from tracker.gates.models import GateReview
from tracker.projects.models import Project


@pytest.fixture(scope="module")
def acceptance_ids(app, module_connection) -> tuple[int, int]:
    with shared_data(app, module_connection):
        install_gates()
        project, review = helpers.acceptance_scored()
        return project.id, review.id


@pytest.fixture
def acceptance(acceptance_ids) -> tuple[Project, GateReview]:
    """`helpers.acceptance_scored()`'s project and review."""
    project_id, review_id = acceptance_ids
    return db.session.get(Project, project_id), db.session.get(GateReview, review_id)


@pytest.fixture(scope="module")
def proposals_ids(app, module_connection) -> dict:
    """The gates installed, and two projects: one `helpers.submit` put in proposal review (its
    contract signed), one past gate 1's GO (`helpers.go`) in contract research."""
    with shared_data(app, module_connection):
        install_gates()
        submitted, researching = make_project(), make_project()
        review = helpers.submit(submitted)
        helpers.go(helpers.submit(researching))
        return ids_of({"submitted": (submitted, review), "researching": researching})


@pytest.fixture
def submitted(proposals_ids) -> tuple[Project, GateReview]:
    """The project in proposal review of `proposals_ids`, and its review of gate 1."""
    return loaded(proposals_ids["submitted"])


@pytest.fixture
def researching(proposals_ids) -> Project:
    """The project of `proposals_ids` that gate 1 let into contract research."""
    return loaded(proposals_ids["researching"])
