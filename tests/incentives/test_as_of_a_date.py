"""A leaver's vesting stops on the day they left (issue 16, F7, found by a newcomer: the grant
page still listed tranches vesting after it), on the grant's page, the holder's home page, the
fully diluted table and the exercise limits; and the company's incentives page says every figure
as of one date (F32: `?on=` gave the grants' vesting of that date beside the pool's promises of
today, 'unallocated' below zero), a bad `?on=` answering 400 with the reason."""

from __future__ import annotations

from decimal import Decimal

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.incentives.test_grants import (  # noqa: F401 - the fixture
    company,
    grant,
    grant_row,
    pool_of,
)
from tracker.accounts.models import Role
from tracker.companies import ledger
from tracker.dates import today
from tracker.display.formatting import day
from tracker.incentives import dilution, services
from tracker.incentives.vesting import add_months


def _leaver(company, days_ago=10):  # noqa: F811
    """400,000 options over 48 months from 390 days ago (cliff 12), left `days_ago` days
    ago: 100,000 vested then, 300,000 forfeited."""
    holder = make_user(Role.PROJECT_MANAGER)
    alice = grant(company, user=holder, person_name="")
    services.forfeit(helpers.manager(), alice, helpers.days_ago(days_ago), "Left for a university")
    _commit()
    return alice, holder


def test_nothing_vests_after_the_leaving_date_on_any_page(client, company):  # noqa: F811
    alice, holder = _leaver(company)
    assert alice.vested(today()) == alice.vested(alice.left_on) == Decimal("100000")
    assert all(when <= alice.left_on for when, _ in alice.steps())
    assert alice.steps()[-1][1] == Decimal("100000")
    assert alice.fully_vested_on is None
    later = add_months(alice.vesting_start, 13)  # a tranche of the schedule after leaving
    login(client, holder)  # their home page
    home = client.get("/").get_data(as_text=True)
    assert f"Vesting stopped on {day(alice.left_on)}" in home
    assert day(alice.schedule.fully_vested_on) not in home
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert day(later) not in page
    assert day(alice.schedule.fully_vested_on) not in page
    assert f"{day(alice.left_on)}, when they left: nothing vests after it" in page
    listing = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    assert f"Vesting stopped on {day(alice.left_on)}" in listing
    assert day(alice.schedule.fully_vested_on) not in listing


def test_a_leaver_s_exercise_and_diluted_stake_stop_at_the_leaving_date(company):  # noqa: F811
    alice, _ = _leaver(company)
    far = add_months(today(), 30)  # the schedule would be vested in full by then
    assert alice.exercisable(far) == 0  # the window is over
    assert alice.exercisable(alice.exercise_until) == Decimal("100000")
    table = dilution.fully_diluted(ledger.cap_table(company, today()),
                                   services.grants_of(company))
    assert {r.holder.name: r.options for r in table.rows}[alice.person_name] == Decimal("100000")


def test_one_who_left_before_the_cliff_vested_nothing(client, company):  # noqa: F811
    holder = make_user(Role.PROJECT_MANAGER)
    bob = grant(company, user=holder, person_name="", granted_on=helpers.days_ago(100),
                vesting_start=helpers.days_ago(100))
    services.forfeit(helpers.manager(), bob, helpers.days_ago(10), "Left")
    _commit()
    assert bob.steps() == [] and bob.vested(today()) == 0
    login(client, holder)
    page = client.get(f"/incentives/grants/{bob.id}").get_data(as_text=True)
    assert "Nothing vested: they left before the cliff" in page


def test_every_figure_of_the_incentives_page_is_of_the_date_asked(client,
                                                                   company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)  # 400,000 options, 390 days ago
    services.exercise(admin, alice, helpers.days_ago(5), Decimal("100000"))
    grant(company, admin, person_name="Carol", shares=Decimal("200000"),
          granted_on=helpers.days_ago(3), vesting_start=helpers.days_ago(3))
    services.forfeit(admin, alice, helpers.days_ago(2), "Left")
    _commit()
    on = helpers.days_ago(20)  # before the exercise, Carol's grant and Alice's leaving
    table = dilution.fully_diluted(ledger.cap_table(company, on), [
        g for g in services.grants_of(company) if g.granted_on <= on])
    line, = dilution.pools(table, services.pools(company))
    assert (line.held, line.promised, line.unallocated) == (
        Decimal("2000000"), Decimal("400000"), Decimal("1600000"))
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}/incentives?on={on.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "1,600,000" in text and "-" + "100,000" not in text
    assert "Carol" not in text  # granted after the date
    assert grant_row(text, "Alice")["Forfeited"] == "—"  # she left after it
    today_page = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    assert "Carol" in today_page and grant_row(today_page, "Alice")["Forfeited"] == "300,000"
    line, = dilution.pools(dilution.fully_diluted(ledger.cap_table(company, today()),
                                                  services.grants_of(company)),
                           [pool_of(company)])
    assert line.unallocated == line.held - line.promised >= 0


def test_a_bad_date_is_a_400_with_the_reason(client, company):  # noqa: F811
    login(client, make_user(Role.HQ_ADMIN))
    for value, said in (("soon", "soon is not a date"), ("1850-01-01", "")):
        page = client.get(f"/companies/{company.id}/incentives?on={value}")
        assert page.status_code == 400
        assert said in page.get_data(as_text=True)
