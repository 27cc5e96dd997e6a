"""A company's exit ends its incentive grants (issue 16, F39, found by a newcomer): no option is
exercised after it, by the service (a refusal naming the exit) or the page (409, no button);
the options unvested on the exit's date lapse unless the exit accelerates them; those vested
and never exercised are no longer exercisable; the fully diluted table counts no option after
the exit (hand-computed); reversing the exit reopens the grants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture
from tracker import db
from tracker.companies import corrections, deals, ledger
from tracker.companies.models import ExitKind
from tracker.dates import today
from tracker.errors import Refused
from tracker.incentives import dilution, services
from tracker.incentives.models import GrantState

D = Decimal


def _exit(company, *, accelerate=False, days_ago=10):  # noqa: F811
    exit_ = deals.record_exit(helpers.manager(), company, kind=ExitKind.ACQUISITION,
                              on=helpers.days_ago(days_ago), proceeds=D("50000000"),
                              accelerate=accelerate)
    _commit()
    return exit_


def _alice(company):  # noqa: F811
    """400,000 options over 48 months from 390 days ago, cliff 12: 100,000 vested 10 days ago
    (twelve months passed); 60,000 exercised 20 days ago."""
    alice = grant(company)
    services.exercise(helpers.manager(), alice, helpers.days_ago(20), D("60000"))
    _commit()
    return alice


def test_after_the_exit_no_option_is_exercised_and_the_unvested_lapse(company):  # noqa: F811
    alice = _alice(company)
    assert alice.exercisable(today()) == D("40000")
    _exit(company)
    assert alice.state(today()) is GrantState.EXITED
    assert alice.exercisable(today()) == 0
    assert alice.vested(today()) == D("100000")  # as on the exit's date
    assert alice.lapsed_at_exit(today()) == D("300000")
    assert alice.unexercised_at_exit(today()) == D("40000")
    for on in (helpers.days_ago(15), today()):  # before the exit's date too: the ledger is closed
        with pytest.raises(Refused) as refused:
            services.exercise(helpers.manager(), alice, on, D("1"))
        assert "exited on" in refused.value.message
        assert "lapsed at the exit" in refused.value.message


def test_the_fully_diluted_table_counts_no_option_after_the_exit(company):  # noqa: F811
    alice = _alice(company)
    before = helpers.days_ago(15)
    _exit(company)
    grants = services.grants_of(company)
    rows = {r.holder.name: (r.issued, r.options, r.diluted, r.diluted_pct)
            for r in dilution.fully_diluted(ledger.cap_table(company, before), grants).rows}
    # Before the exit: the pool issued 2,000,000 less 60,000 exercised, 340,000 promised.
    assert rows["Incentive pool"] == (D(1940000), D(-340000), D(1600000), D("16.00"))
    assert rows["Alice"] == (D(60000), D(340000), D(400000), D("4.00"))
    after = dilution.fully_diluted(ledger.cap_table(company, today()), grants)
    rows = {r.holder.name: (r.issued, r.options, r.diluted, r.diluted_pct) for r in after.rows}
    assert rows == {"R&D team": (D(6000000), D(0), D(6000000), D("60.00")),
                    "Suzhou Venture Capital": (D(2000000), D(0), D(2000000), D("20.00")),
                    "Incentive pool": (D(1940000), D(0), D(1940000), D("19.40")),
                    "Alice": (D(60000), D(0), D(60000), D("0.60"))}
    assert after.outstanding == 0
    assert alice.state(before) is GrantState.ACTIVE


def test_an_accelerating_exit_vests_every_option_and_none_lapses(company):  # noqa: F811
    alice = _alice(company)
    _exit(company, accelerate=True)
    assert alice.vested(today()) == D("400000")
    assert alice.lapsed_at_exit(today()) == 0
    assert alice.unexercised_at_exit(today()) == D("340000")
    with pytest.raises(Refused) as refused:
        services.exercise(helpers.manager(), alice, today(), D("1"))
    assert "vest in full" in refused.value.message


def test_the_exit_reversed_the_grant_is_exercisable_again(company):  # noqa: F811
    alice = _alice(company)
    exit_ = _exit(company)
    corrections.reverse_exit(helpers.manager(), exit_, today(), "Recorded on the wrong company")
    _commit()
    db.session.expire_all()  # as the next request reads it
    assert alice.state(today()) is GrantState.ACTIVE
    assert alice.exercisable(today()) == D("40000")
    services.exercise(helpers.manager(), alice, today(), D("40000"))


def test_the_grant_page_says_why_and_offers_no_exercise(client, company):  # noqa: F811
    alice = _alice(company)
    admin = helpers.manager()
    _exit(company)
    login(client, admin)
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert "exited on" in page and "Ended by the company" in page
    assert f"/incentives/grants/{alice.id}/exercise" not in page
    assert "300,000 unvested options lapsed; 40,000 vested options never exercised" in page
    assert client.get(f"/incentives/grants/{alice.id}/exercise").status_code == 409
    response = post(client, f"/incentives/grants/{alice.id}/exercise",
                    {"on_date": today().isoformat(), "shares": "1"})
    assert response.status_code == 409
    assert "exited on" in response.get_data(as_text=True)
    assert alice.exercised() == D("60000")
