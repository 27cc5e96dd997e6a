"""A grant's forms answer 409 with the reason before drawing themselves when they can't be used
(issue 16, forms still drawn), as the leaving's form and every reversal's do: the exercise's
for restricted shares and once the options' lapse is recorded (nothing exercisable:
tests/achievements/test_forms_drawn.py); the grant's own form for a company with no pool, no
cap table or an exit. The page links to a form only when it is drawn, and a post is refused
the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.incentives.test_grants import LINES, company, grant  # noqa: F401 - the fixture
from tests.incentives.test_newcomer_wording import chinese
from tracker.accounts.models import Role
from tracker.companies import deals
from tracker.companies.models import ExitKind
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Refused
from tracker.incentives import services
from tracker.projects.lifecycle import Phase

D = Decimal
EXERCISE = "/incentives/grants/{}/exercise"


def _refused(client, path: str, *says: str, back: str) -> None:
    """The form answers 409 with the reason and a link back, on GET and POST, and is not drawn."""
    for answer in (client.get(path), post(client, path, {"on_date": today().isoformat(),
                                                         "shares": "1"})):
        text = answer.get_data(as_text=True)
        assert answer.status_code == 409, text
        for words in says:
            assert words in text
        assert f'href="{back}"' in text
        assert 'name="shares"' not in text and 'name="on_date"' not in text


def test_once_the_lapse_is_recorded_no_exercise_is(client, company):  # noqa: F811
    # b6917ab offers a leaver's vested options for an exercise back-dated in the window after
    # it ended; once the daily job recorded their lapse, counted from the exercises then, an
    # exercise recorded after it (even dated in the window) would be counted twice.
    alice = grant(company, exercise_window_days=10)  # 100,000 vested
    admin = helpers.manager()
    services.forfeit(admin, alice, helpers.days_ago(20), "Left")
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = f"/incentives/grants/{alice.id}"
    # the window ended, the lapse not recorded yet: the form is drawn, and the page links to it
    assert client.get(EXERCISE.format(alice.id)).status_code == 200
    assert EXERCISE.format(alice.id) in client.get(page).get_data(as_text=True)
    assert services.lapse_options(today()) == 1
    _commit()
    assert EXERCISE.format(alice.id) not in client.get(page).get_data(as_text=True)
    _refused(client, EXERCISE.format(alice.id), "did not exercise lapsed on",
             "no exercise is recorded after it", back=page)
    with pytest.raises(Refused):
        services.exercise(admin, alice, helpers.days_ago(15), D("1"))
    assert alice.exercised() == 0 and alice.lapsed == D("100000")


def test_restricted_shares_have_no_exercise_form(client, company):  # noqa: F811
    bob = grant(company, person_name="Bob", kind="shares", shares=D("100000"),
                exercise_price=None)
    login(client, make_user(Role.HQ_ADMIN))
    _refused(client, EXERCISE.format(bob.id), "A grant of shares has nothing to exercise",
             back=f"/incentives/grants/{bob.id}")


def test_the_refusal_reads_in_chinese(client, company):  # noqa: F811
    bob = grant(company, person_name="Bob", kind="shares", shares=D("100000"),
                exercise_price=None)
    login(client, chinese(make_user(Role.HQ_ADMIN)))
    answer = client.get(f"/companies/{company.id}/incentives/new")
    assert answer.status_code == 200
    deals.record_exit(helpers.manager(), company, kind=ExitKind.ACQUISITION,
                      on=helpers.days_ago(10), proceeds=D("50000000"))
    _commit()
    for path, words in ((EXERCISE.format(bob.id), "无需行权"),
                        (f"/companies/{company.id}/incentives/new", "股份台账已关闭")):
        answer = client.get(path)
        assert answer.status_code == 409 and words in answer.get_data(as_text=True), path


def _grant_form_refused(client, company, *says):  # noqa: F811
    login(client, make_user(Role.HQ_ADMIN))
    listing = f"/companies/{company.id}/incentives"
    assert f"/companies/{company.id}/incentives/new" not in client.get(listing).get_data(
        as_text=True)
    path = f"/companies/{company.id}/incentives/new"
    for answer in (client.get(path), post(client, path, {"person_name": "Carol"})):
        text = answer.get_data(as_text=True)
        assert answer.status_code == 409, text
        for words in says:
            assert words in text
        assert f'href="{listing}"' in text and 'name="person_name"' not in text


def test_a_company_without_a_pool_offers_no_grant_form(client):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))  # noqa: F811
    helpers.incorporate(company, lines=[line for line in LINES if line.name != "Incentive pool"])
    _grant_form_refused(client, company, "has no incentive pool to grant from")


def test_a_company_without_a_cap_table_offers_no_grant_form(client):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))  # noqa: F811
    _grant_form_refused(client, company, "has no cap table yet")


def test_an_exited_company_offers_no_grant_form(client, company):  # noqa: F811
    deals.record_exit(helpers.manager(), company, kind=ExitKind.ACQUISITION,
                      on=helpers.days_ago(10), proceeds=D("50000000"))
    _commit()
    _grant_form_refused(client, company, f"exited on {day(helpers.days_ago(10))} (Acquisition): "
                        "its ledger is closed")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_company_with_a_pool_draws_the_grant_form(client, company, locale):  # noqa: F811
    admin = make_user(Role.HQ_ADMIN)
    admin.locale = locale
    _commit()
    login(client, admin)
    assert f"/companies/{company.id}/incentives/new" in client.get(
        f"/companies/{company.id}/incentives").get_data(as_text=True)
    answer = client.get(f"/companies/{company.id}/incentives/new")
    assert answer.status_code == 200 and 'name="person_name"' in answer.get_data(as_text=True)
