"""Gate reviews built once per test module that asks for them (each test goes on from them in
its own savepoint, tests/conftest.py:module_connection), loaded in each test's session."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from tests.factories import install_gates
from tests.gates import helpers
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
