"""A review's page runs as many SQL statements for a panel of seven as for a panel of three
(issue 21 point 1): found by the issue's audit, the page loaded each member's person, scores
and corrections one by one, three statements a member."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tests.test_query_counts import grown, page_statements
from tracker.accounts.models import Role


@pytest.fixture
def reviews():
    """Two projects decided at gate 1, one by three evaluators, one by seven; and a third
    waiting for the scores of seven."""
    install_gates()
    admin = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER)
    decided = {}
    for size in (3, 7):
        review = helpers.submit(make_project(pm=pm))
        helpers.name_panel(review, size=size, admin=admin)
        helpers.go(review)
        decided[size] = review
    scoring = {}
    for size in (3, 7):
        review = helpers.submit(make_project(pm=pm))
        members = helpers.name_panel(review, size=size, admin=admin)
        for member in members[1:]:  # all but the chair
            helpers.score(review, member)
        scoring[size] = review
    return {"admin": admin, "pm": pm, "decided": decided, "scoring": scoring}


@pytest.mark.parametrize("stage", ["decided", "scoring"])
@pytest.mark.parametrize("who", ["admin", "pm", "chair"])
def test_a_review_page_does_not_grow_with_its_panel(app, engine, reviews, stage, who):
    counts = {}
    for size, review in reviews[stage].items():
        viewer = review.panel[0].user if who == "chair" else reviews[who]
        client = app.test_client()
        login(client, viewer)
        counts[size] = page_statements(client, engine, f"/reviews/{review.id}")
    assert len(counts[7]) == len(counts[3]), grown(counts[3], counts[7])
