"""A project in research (`in_research()`: through gate 1) built once per test module that asks
for it (tests/conftest.py:module_connection): each test plans and posts on it in its own
savepoint, loading it as `researching`."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from tests.factories import install_gates
from tests.milestones.test_milestones import in_research
from tracker import db
from tracker.projects.models import Project


@pytest.fixture(scope="module")
def researching_id(app, module_connection) -> int:
    with shared_data(app, module_connection):
        install_gates()
        return in_research().id


@pytest.fixture
def researching(researching_id) -> Project:
    return db.session.get(Project, researching_id)
