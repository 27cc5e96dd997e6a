"""An institute's page shows its latest needs, capped, with a link to the needs list filtered
by the institute, which has them all (issue 21 point 2: a page lists what it shows)."""

from __future__ import annotations

from tests.conftest import login
from tests.factories import make_institute, make_need, make_user
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.organisations.views import NEEDS_SHOWN


def test_the_institute_page_caps_its_needs_and_links_to_them_all(client, engine):
    institute = make_institute()
    for n in range(NEEDS_SHOWN + 1):
        make_need(institute, title=f"Capped need {n:02d}")
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN))
    statements = page_statements(client, engine, f"/institutes/{institute.id}")
    listed = [s for s in statements if "FROM technology_needs" in s and "ORDER BY" in s]
    assert listed and "LIMIT" in listed[0], listed
    page = client.get(f"/institutes/{institute.id}").get_data(as_text=True)
    assert page.count("Capped need") == NEEDS_SHOWN
    link = f"/needs/?institute={institute.id}"
    assert link in page
    every = client.get(link).get_data(as_text=True)
    assert "Capped need 00" in every and f"{NEEDS_SHOWN + 1} results" in every
