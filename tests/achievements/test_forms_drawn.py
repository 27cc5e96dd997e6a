"""A form is drawn only for what the record's state lets be done (issue 16, "forms still
drawn"): a post the service refuses with 409 is not offered as a form first. A lapsed or
abandoned patent lists no annuity, so its page says why in place of the form; an option grant
with nothing exercisable on any day answers its exercise form with the reason, while one whose
vested options could still be exercised, back-dated within the window after leaving, draws it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent
from tests.companies import helpers
from tests.conftest import login
from tests.factories import make_project
from tests.incentives.test_grants import LINES, grant
from tracker.achievements.models import RightStatus
from tracker.incentives import services
from tracker.projects.lifecycle import Phase


@pytest.mark.parametrize("status", [RightStatus.LAPSED, RightStatus.ABANDONED])
def test_a_patent_that_lists_no_annuity_draws_no_listing_form(client, status):
    achievement = make_achievement()
    right = make_patent(achievement, status=status)
    login(client, achievement.project.pm)
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert f'action="/ip-rights/{right.id}/annuities"' not in page
    assert "List an annuity" not in page
    assert "an annuity is listed only for a patent pending or granted" in page


def test_a_granted_patent_draws_its_listing_form(client):
    achievement = make_achievement()
    right = make_patent(achievement)
    login(client, achievement.project.pm)
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert f'action="/ip-rights/{right.id}/annuities"' in page and "List an annuity" in page


@pytest.fixture
def company():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=LINES)
    return company


def test_a_grant_with_nothing_vested_answers_its_exercise_form_with_the_reason(client,
                                                                                company):
    young = grant(company, granted_on=helpers.days_ago(30), vesting_start=helpers.days_ago(30))
    login(client, helpers.manager())
    answer = client.get(f"/incentives/grants/{young.id}/exercise")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "No option of this grant can be exercised: 0 of the 400,000" in text
    assert 'name="shares"' not in text
    assert "Record an exercise" not in client.get(f"/incentives/grants/{young.id}").get_data(
        as_text=True)


def test_a_grant_exercised_in_full_answers_its_exercise_form_with_the_reason(client, company):
    record = grant(company)  # 100,000 vested after twelve months
    services.exercise(helpers.manager(), record, helpers.days_ago(1), Decimal("100000"))
    login(client, helpers.manager())
    answer = client.get(f"/incentives/grants/{record.id}/exercise")
    assert answer.status_code == 409
    assert "100,000 exercised" in answer.get_data(as_text=True)


def test_a_leaver_s_vested_options_are_still_offered_for_an_exercise_back_dated_in_the_window(
        client, company):
    record = grant(company, exercise_window_days=5, granted_on=helpers.days_ago(398),
                   vesting_start=helpers.days_ago(398))
    admin = helpers.manager()
    services.forfeit(admin, record, helpers.days_ago(20), "left")  # window ended 15 days ago
    login(client, admin)
    answer = client.get(f"/incentives/grants/{record.id}/exercise")
    assert answer.status_code == 200 and 'name="shares"' in answer.get_data(as_text=True)
