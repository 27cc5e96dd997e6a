"""A select naming a row by a number past the database's integer is a bad choice said beside
its field, never a 500 (Hypothesis posted budget_template_id=2**63 to a new proposal)."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import make_institute, make_user
from tracker.accounts.models import Role
from tracker.web.fields import row_id


@pytest.mark.parametrize("field", ["budget_template_id", "field_id", "institute_id"])
def test_a_huge_row_id_is_refused_not_a_500(client, field):
    institute = make_institute()
    login(client, make_user(Role.PROJECT_MANAGER, institute_id=institute.id))
    response = post(client, "/projects/new", {field: str(2**63), "title": "T"})
    assert response.status_code == 400


def test_row_id_keeps_what_a_row_can_have():
    assert [row_id("0"), row_id("7"), row_id(str(2**31 - 1)), row_id(str(2**31)),
            row_id("-5")] == [0, 7, 2**31 - 1, -1, -1]
