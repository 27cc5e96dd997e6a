"""An evaluator's reviews and the gates awaiting decision are read a page at a time (issue 21
point 2): each table of the page has its own page number, and the file of the awaiting gates
still holds every review."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import login
from tests.export.helpers import csv_rows
from tests.factories import make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates import services as gates


@pytest.fixture(autouse=True)
def _gates(proposals_ids):
    """The gates, installed once for the module (conftest.py)."""


@pytest.fixture
def small_pages(app):
    app.config["PAGE_SIZE"] = 2
    yield
    app.config["PAGE_SIZE"] = 25


def test_my_reviews_and_the_awaiting_gates_are_paged_table_by_table(client, small_pages):
    evaluator, admin = make_user(Role.EVALUATOR), make_user(Role.HQ_ADMIN)
    for days in (3, 5, 7):
        review = helpers.submit(make_project(title=f"Open in {days}"))
        gates.name_panel(admin, review, evaluator,
                         [evaluator, *(make_user(Role.EVALUATOR) for _ in range(2))],
                         today() + timedelta(days=days))
    for n in range(3):
        helpers.submit(make_project(title=f"Unpanelled {n}"))
    db.session.commit()

    login(client, evaluator)
    first = client.get("/my/reviews").get_data(as_text=True)
    assert "Open in 3" in first and "Open in 5" in first and "Open in 7" not in first
    assert "Page 1 of 2" in first and "3 results" in first
    assert "Open in 7" in client.get("/my/reviews?page=2").get_data(as_text=True)

    hq = client.application.test_client()
    login(hq, admin)
    first = hq.get("/gates/awaiting").get_data(as_text=True)
    pages = int(re.search(r"Page 1 of (\d+)", first).group(1))  # the module's proposals too
    seen = [hq.get(f"/gates/awaiting?page={n}").get_data(as_text=True)
            for n in range(1, pages + 1)]
    for n in range(3):  # each review waiting for its panel on one page only
        assert sum(f"Unpanelled {n}" in page for page in seen) == 1
    # Whichever page of the first table, the second stays on its own first page.
    for page in seen:
        assert "Open in 3" in page and "Open in 5" in page and "Open in 7" not in page
    page = hq.get(f"/gates/awaiting?page={pages}&open=2").get_data(as_text=True)
    assert "Open in 7" in page and "Open in 3" not in page
    assert f"page={pages}" in re.search(r'href="([^"]*open=1[^"]*)"', page).group(1)
    rows = csv_rows(hq.get("/gates/awaiting?page=2&export=csv"))[1:]
    titles = {row[5] for row in rows}  # the file: every review, whatever page was shown
    assert {f"Unpanelled {n}" for n in range(3)} | {f"Open in {d}" for d in (3, 5, 7)} <= titles
