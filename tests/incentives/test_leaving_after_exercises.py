"""A leaving dated before exercises already recorded must leave them possible (issue 16 T6,
found by a newcomer: a leaving dated before an exercise of 80,000 was accepted, and the grant
showed more exercised and forfeited than granted, the cap table negative options): a leaver
exercises only what was vested when they left, within the window leaving opens. Either is
refused beside the leaving date, at the confirmation step and on the final post, naming the
latest exercise; and an exercise recorded after a leaving obeys the same two bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.incentives.test_grants import company, grant, pool_of  # noqa: F401 - the fixture
from tracker import db
from tracker.accounts.models import Role
from tracker.display.formatting import day
from tracker.errors import Invalid
from tracker.incentives import reversals, services

D = Decimal


def _form(client, record, left_on, **more):
    return post(client, f"/incentives/grants/{record.id}/forfeit",
                {"left_on": left_on.isoformat(), "reason": "Left", "once": f"l{left_on}",
                 **more})


def test_a_leaving_before_exercises_beyond_what_had_vested_is_refused(client, company):  # noqa: F811
    # 400,000 options from 390 days ago, 48 months with a 12-month cliff: 100,000 vested now,
    # none 100 days ago (before the cliff). 10 + 80,000 exercised since.
    admin = helpers.manager()
    alice = grant(company, admin)
    services.exercise(admin, alice, helpers.days_ago(20), D("10"))
    services.exercise(admin, alice, helpers.days_ago(1), D("80000"))
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    for confirmed in ({}, {"confirmed": "1"}):  # the confirmation step, then the final post
        answer = _form(client, alice, helpers.days_ago(100), **confirmed)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 400 and 'name="confirmed"' not in text
        assert "80,010 options of this grant are exercised" in text
        assert day(helpers.days_ago(1)) in text and "0 were vested" in text
        assert "reverse that exercise first" in text
    db.session.expire_all()
    assert alice.left_on is None and alice.forfeited == 0
    # After the cliff (twelve months in: 100,000 vested) and within the window: it stands.
    left_on = helpers.days_ago(20)
    assert _form(client, alice, left_on, confirmed="1").status_code == 302
    db.session.expire_all()
    assert alice.left_on == left_on and alice.forfeited == D("300000")
    assert alice.exercised() == D("80010") and alice.exercisable(helpers.days_ago(0)) == D(
        "19990")


def test_a_leaving_whose_window_ends_before_an_exercise_is_refused(company):  # noqa: F811
    # Vested in full after six months: the whole 400,000 were vested 150 days ago, but the
    # 90 days' window of a leaving then ended 60 days ago, before the exercise 5 days ago.
    admin = helpers.manager()
    alice = grant(company, admin, granted_on=helpers.days_ago(380),
                  vesting_start=helpers.days_ago(380), vesting_months=6, cliff_months=0)
    done = services.exercise(admin, alice, helpers.days_ago(5), D("10"))
    _commit()
    with pytest.raises(Invalid) as refused:
        services.forfeit(admin, alice, helpers.days_ago(150), "Left")
    assert refused.value.field == "left_on"
    message = refused.value.message
    assert f"An exercise on {day(helpers.days_ago(5))} is recorded" in message
    assert day(helpers.days_ago(60)) in message and "reverse that exercise first" in message
    reversals.reverse_exercise(admin, done, "Recorded on the wrong grant")
    _commit()
    assert services.forfeit(admin, alice, helpers.days_ago(150), "Left") == 0  # all vested
    _commit()
    assert alice.exercised() == 0 and alice.exercise_until == helpers.days_ago(60)


def test_an_exercise_after_a_leaving_obeys_the_same_bounds(company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)  # 100,000 vested twenty days ago (twelve months in)
    services.forfeit(admin, alice, helpers.days_ago(20), "Left")
    _commit()
    with pytest.raises(Invalid) as refused:  # within the window, beyond what was vested
        services.exercise(admin, alice, helpers.days_ago(1), D("100001"))
    assert refused.value.field == "shares" and "100,000 of the 400,000" in refused.value.message
    services.exercise(admin, alice, helpers.days_ago(1), D("100000"))
    _commit()
    assert alice.exercised() == D("100000") and alice.exercisable(helpers.days_ago(0)) == 0
    bob = grant(company, admin, person_name="Bob", shares=D("100000"), exercise_window_days=10)
    services.forfeit(admin, bob, helpers.days_ago(20), "Left")
    _commit()
    assert bob.exercise_until == helpers.days_ago(10)  # a window of ten days, ended
    with pytest.raises(Invalid) as refused:  # after the window
        services.exercise(admin, bob, helpers.days_ago(5), D("1"))
    assert refused.value.field == "on_date" and "lapsed after it" in refused.value.message


def test_the_forms_are_offered_only_when_they_can_be_used(client, company):  # noqa: F811
    # Issue 16 T24: the leaving's form was drawn for a leaver, refused only on submit; the
    # page offered an exercise with nothing exercisable.
    admin = helpers.manager()
    early = grant(company, admin, granted_on=helpers.days_ago(100),
                  vesting_start=helpers.days_ago(100))  # before its twelve months' cliff
    alice = grant(company, admin)  # 100,000 vested
    login(client, make_user(Role.HQ_ADMIN))
    exercise = "/incentives/grants/{}/exercise"
    assert exercise.format(early.id) not in client.get(
        f"/incentives/grants/{early.id}").get_data(as_text=True)
    assert exercise.format(alice.id) in client.get(
        f"/incentives/grants/{alice.id}").get_data(as_text=True)
    services.exercise(admin, alice, helpers.days_ago(1), D("100000"))
    services.forfeit(admin, alice, helpers.days_ago(1), "Left")
    _commit()
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert exercise.format(alice.id) not in page  # all exercised
    assert f"/incentives/grants/{alice.id}/forfeit" not in page
    answer = client.get(f"/incentives/grants/{alice.id}/forfeit")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "leaving was recorded already" in text
    assert f'href="/incentives/grants/{alice.id}"' in text and 'name="left_on"' not in text


def test_the_history_says_the_leaving_and_the_price_in_yuan(client, company):  # noqa: F811
    # Issue 16 T14: the leaving's date, reason and count were not in the grant's history (the
    # trail had only the window's end), and the exercise price read 1.
    admin = helpers.manager()
    alice = grant(company, admin)  # 100,000 of 400,000 vested: 300,000 forfeited
    services.forfeit(admin, alice, helpers.days_ago(1), "Moved abroad")
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    text = client.get(f"/history/incentive_grants/{alice.id}").get_data(as_text=True)
    assert "Left on" in text and day(helpers.days_ago(1)) in text
    assert "Moved abroad" in text and "300,000" in text
    assert "CN¥1.00" in text
