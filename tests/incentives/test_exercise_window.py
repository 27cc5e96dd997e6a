"""A leaver's vested options are exercisable within a window after leaving (the setting
`option_exercise_window_days`, 90 days, or the grant's own), then lapse: the daily job records
the lapse once, audited; an exercise after the window is refused with the dates; the pool gets
its promise back and the fully diluted table drops them. Dates around the window's end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login
from tests.factories import _commit, make_user
from tests.incentives.test_grants import (  # noqa: F401 - the fixture
    company,
    grant,
    grant_row,
    pool_of,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Invalid, Refused
from tracker.incentives import dilution, services
from tracker.incentives.models import GrantState
from tracker.settings import catalogue
from tracker.settings import services as settings


def _vested(company, **values):  # noqa: F811
    """400,000 options granted 380 days ago, vested in full after six months."""
    return grant(company, granted_on=helpers.days_ago(380), vesting_start=helpers.days_ago(380),
                 vesting_months=6, cliff_months=0, **values)


def _leave(record, days_ago: int):
    admin = helpers.manager()
    services.forfeit(admin, record, helpers.days_ago(days_ago), "Left for a university")
    _commit()
    return admin


def test_vested_options_are_exercisable_to_the_window_s_last_day_and_not_after(company):  # noqa: F811
    alice = _vested(company)
    admin = _leave(alice, 95)  # the setting's 90 days: the last day was five days ago
    last = helpers.days_ago(5)
    assert alice.exercise_until == last
    assert alice.exercisable(last) == Decimal("400000")
    assert alice.exercisable(last + timedelta(days=1)) == 0
    assert alice.state(last) is GrantState.LEFT
    assert alice.state(today()) is GrantState.LAPSED  # derived before the job records it
    with pytest.raises(Invalid) as refused:
        services.exercise(admin, alice, last + timedelta(days=1), Decimal("1"))
    assert refused.value.field == "on_date"
    assert (f"left on {alice.left_on.strftime('%b')}" in refused.value.message
            and "lapsed after it" in refused.value.message)
    services.exercise(admin, alice, last, Decimal("60000"))  # on the last day: taken
    _commit()
    assert alice.exercised() == Decimal("60000")


def test_the_window_is_the_grant_s_own_or_the_setting_as_it_stood_on_leaving(company):  # noqa: F811
    own = _vested(company, exercise_window_days=30)
    hq = make_user(Role.HQ_ADMIN)
    settings.set_value(hq, catalogue.OPTION_EXERCISE_WINDOW_DAYS, "60")
    other = grant(company, person_name="Bob", shares=Decimal("100000"))
    _leave(own, 40)
    _leave(other, 40)
    assert own.exercise_until == helpers.days_ago(10)
    assert other.exercise_until == helpers.days_ago(40) + timedelta(days=60)
    settings.set_value(hq, catalogue.OPTION_EXERCISE_WINDOW_DAYS, "10")
    assert other.exercise_until == helpers.days_ago(40) + timedelta(days=60)  # fixed on leaving
    with pytest.raises(Refused):  # the window of a leaver stays as leaving fixed it
        services.update_grant(helpers.manager(), own, vesting_start=own.vesting_start,
                              vesting_months=own.vesting_months, cliff_months=own.cliff_months,
                              lock_up_until=None, exercise_window_days=365, note="")
    with pytest.raises(Invalid) as refused:
        grant(company, person_name="Carol", shares=Decimal("10"), exercise_window_days=-1)
    assert refused.value.field == "exercise_window_days"


def test_the_daily_job_records_the_lapse_once_and_the_pool_gets_its_promise_back(
        client, company):  # noqa: F811
    alice = _vested(company)
    admin = _leave(alice, 95)
    services.exercise(admin, alice, helpers.days_ago(10), Decimal("30000"))
    _commit()
    last = alice.exercise_until
    assert services.lapse_options(last) == 0  # the window's last day: nothing lapses yet
    assert alice.lapses_on == last + timedelta(days=1)
    # Before the job has run, the page says the day they lapse, not the window's last day.
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert f"on {day(last + timedelta(days=1))}" in page and f"on {day(last)}<" not in page
    assert alice.outstanding_options(last) == Decimal("370000")
    # The pool's promise ends with the window, whether the job has run yet or not.
    assert services.promised(company, pool_of(company)) == 0
    assert services.lapse_options(last + timedelta(days=1)) == 1
    _commit()
    assert (alice.lapsed_on, alice.lapsed) == (last + timedelta(days=1), Decimal("370000"))
    assert services.lapse_options(today()) == 0  # recorded once
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "incentive.lapse", AuditRecord.object_id == alice.id))
    assert record.actor_id is None and record.changes["lapsed"][1] == "370000"
    assert services.promised(company, pool_of(company)) == 0
    assert alice.outstanding_options(today()) == 0
    table = dilution.fully_diluted(ledger.cap_table(company, today()),
                                   services.grants_of(company))
    assert {r.holder.name: r.diluted for r in table.rows}["Alice"] == Decimal("30000")
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert "Record an exercise" not in page  # nothing left to exercise
    assert "Lapsed" in page and "370,000" in page
    assert "Vested options exercisable until" in page
    listing = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    assert grant_row(listing, "Alice")["Lapsed"] == "370,000"
    assert grant_row(listing, "Alice")["State"] == "Lapsed"
    history = client.get(f"/history/incentive_grants/{alice.id}").get_data(as_text=True)
    assert "Vested options lapsed at the end of the exercise window" in history
