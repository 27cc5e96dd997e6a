"""The centres at a glance load one page of centres and the figures of that page's centres
only; a status filter picks the centres from their terms and last needs (`statuses`, which
agrees with the figures' status) before the page; the file has every centre (issue 21
point 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import login
from tests.factories import make_centre, make_need, make_user
from tests.test_query_counts import page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.centres import services
from tracker.centres.figures import figures, statuses
from tracker.dates import today


def _centres(admin) -> list:
    made = []
    terms = [(date(2023, 4, 1), date(2029, 3, 31))] * 3 + [(date(2020, 1, 1), date(2021, 1, 1))]
    for n, (starts, ends) in enumerate([*terms, (None, None), (None, None)]):
        centre = make_centre(name=f"Glance {chr(65 + n)}")
        if starts:
            services.record_agreement(admin, centre, signed_on=starts, starts_on=starts,
                                      ends_on=ends, committed=Decimal("1000"))
        made.append(centre)
    make_need(centre_id=made[0].id, enterprise=made[0].enterprise)  # active; B, C dormant
    db.session.commit()
    return made


def test_paged_filtered_before_the_page_and_every_centre_in_the_file(app, engine, client):
    admin = make_user(Role.HQ_ADMIN)
    made = _centres(admin)
    on = today()
    every = figures(on)
    assert statuses(on) == {c: f.status for c, f in every.items() if f.agreements}
    app.config["PAGE_SIZE"] = 2
    try:
        login(client, admin)
        listed = [s for s in page_statements(client, engine, "/centres/overview")
                  if "FROM joint_innovation_centres" in s and "count(*)" not in s]
        assert listed and "LIMIT" in listed[0], listed
        dormant = client.get("/centres/overview?status=dormant").get_data(as_text=True)
        assert "Glance B" in dormant and "Glance C" in dormant and "Glance A" not in dormant
        assert "2 results" in dormant
        none = client.get("/centres/overview?status=none").get_data(as_text=True)
        assert "Glance E" in none and "Glance D" not in none
        assert client.get("/centres/overview?status=expired").get_data(as_text=True).count(
            "Glance D") == 1
        sheet = client.get("/centres/overview?export=csv").get_data(as_text=True)
        assert all(c.name in sheet for c in made)
    finally:
        app.config["PAGE_SIZE"] = 25
