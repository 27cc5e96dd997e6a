"""A year in a query string (`?year=`) is a year of the range of business dates, or the page
answers 400 saying so: never a 500, never a silent 'this year'."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import make_user
from tracker.accounts.models import Role

PAGES = ("/projects/", "/milestones/overdue", "/dashboard", "/reports/annual")


@pytest.mark.parametrize("value, message", [
    ("1", "1 is not a year from 1990 to 2100."),
    ("99999", "99999 is not a year from 1990 to 2100."),
    ("abc", "abc is not a year from 1990 to 2100."),
    ("-2025", "-2025 is not a year"),
    ("2025.5", "2025.5 is not a year"),
])
def test_a_year_out_of_range_or_no_year_is_refused_with_the_reason(client, value, message):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    for path in PAGES:
        response = client.get(f"{path}?year={value}")
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True), path


def test_a_year_in_range_or_none_is_served(client):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    for path in PAGES:
        assert client.get(f"{path}?year=2025").status_code == 200, path
        assert client.get(f"{path}?year=").status_code == 200, path


def test_declaring_a_year_outside_the_calendar_is_not_found(client):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    for year in (0, 99999):
        assert post(client, f"/admin/calendar/years/{year}/complete").status_code == 404
