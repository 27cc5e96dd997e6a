"""An institute's, an enterprise's and a centre's page show their latest needs, capped, with a
link to the needs list filtered by the organisation, which has them all (issue 21 point 2: a
page lists what it shows)."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import make_centre, make_enterprise, make_institute, make_need, make_user
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


@pytest.mark.parametrize("kind", ["enterprise", "centre"])
def test_an_enterprise_or_centre_page_caps_its_needs_and_links_to_them_all(client, engine, kind):
    enterprise = make_enterprise(name="Capped Enterprise")
    centre = make_centre(enterprise, name="Capped Centre")
    other = make_enterprise()
    for n in range(NEEDS_SHOWN + 1):
        make_need(enterprise=enterprise, centre_id=centre.id, title=f"Capped need {n:02d}")
    make_need(enterprise=other, title="Someone else's need")
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN))
    path = {"enterprise": f"/enterprises/{enterprise.id}", "centre": f"/centres/{centre.id}"}[kind]
    statements = page_statements(client, engine, path)
    listed = [s for s in statements if "FROM technology_needs" in s and "ORDER BY" in s]
    assert listed and all("LIMIT" in s for s in listed), listed
    page = client.get(path).get_data(as_text=True)
    assert page.count("Capped need") == NEEDS_SHOWN
    link = f"/needs/?{kind}={(enterprise if kind == 'enterprise' else centre).id}"
    assert link in page
    every = client.get(link).get_data(as_text=True)
    assert "Capped need 00" in every and f"{NEEDS_SHOWN + 1} results" in every
    assert "Someone else" not in every and "Only the needs of Capped" in every
    # filtering the list further keeps to the organisation (a hidden field of the form)
    assert f'name="{kind}" value=' in every
    exported = client.get(f"{link}&export=csv").get_data(as_text=True)
    assert exported.count("Capped need") == NEEDS_SHOWN + 1 and "Someone else" not in exported
    assert client.get(f"/needs/?{kind}=999999").status_code == 400
