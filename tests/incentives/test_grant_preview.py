"""A grant is first shown as the service would write it (the person, the number, the vesting
schedule with its cliff and lock-up, what the pool can grant after it, the stakes fully diluted
before and after) and written only when confirmed; the confirmation sent again grants once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.incentives.test_grants import company, pool_of  # noqa: F401 - the fixture
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies.models import ShareEntry
from tracker.dates import today
from tracker.incentives.models import IncentiveGrant
from tracker.incentives.vesting import add_months


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form(company, **values):  # noqa: F811 - the fixture's name
    return {"pool_id": pool_of(company).id, "user_id": 0, "person_name": "Dana",
            "kind": "options", "shares": "400000", "exercise_price": "1.5",
            "granted_on": helpers.days_ago(10).isoformat(),
            "vesting_start": helpers.days_ago(10).isoformat(), "vesting_months": "48",
            "cliff_months": "12", "lock_up_until": today().replace(year=today().year + 3)
            .isoformat(), "once": "grant-dana", **values}


def test_a_grant_of_options_is_shown_before_it_is_written(client, company):  # noqa: F811
    researcher = make_user(Role.PROJECT_MANAGER,
                           institute_id=company.projects[0].institute_id)  # its staff
    login(client, make_user(Role.HQ_ADMIN))
    audits, entries = count(AuditRecord), count(ShareEntry)
    data = form(company, user_id=researcher.id, person_name="")
    page = post(client, f"/companies/{company.id}/incentives/new", data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Confirm and record" in text
    assert f"{researcher.name} ({researcher.email})" in text
    assert "400,000 · Options" in text and "CN¥1.50" in text  # as the grant's page
    start = helpers.days_ago(10)
    cliff = add_months(start, 12)
    assert "48 months from" in text
    assert "100,000 options vest at once" in text  # twelve of 48 months on the cliff's date
    assert cliff.strftime("%Y") in text and add_months(start, 48).strftime("%Y") in text
    assert "Incentive pool can grant after this" in text and "1,600,000" in text
    # Fully diluted: the pool 20 % before, 16 % after; the person 0 before, 4 % after.
    assert "20.00%" in text and "16.00%" in text and "4.00%" in text
    assert count(IncentiveGrant) == 0 and count(ShareEntry) == entries
    assert count(AuditRecord) == audits  # nothing written, not even the trail

    confirmed = post(client, f"/companies/{company.id}/incentives/new", {**data, "confirmed": "1"})
    assert confirmed.status_code == 302
    assert count(IncentiveGrant) == 1
    # Back, and the confirmation sent again: the grant is made once.
    again = post(client, f"/companies/{company.id}/incentives/new", {**data, "confirmed": "1"})
    assert again.status_code == 302
    assert count(IncentiveGrant) == 1
    assert "already been sent" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_grant_of_shares_shows_the_person_holding_them_and_no_cliff(client, company):  # noqa: F811
    login(client, make_user(Role.HQ_ADMIN))
    data = form(company, kind="shares", shares="100000", exercise_price="", cliff_months="0",
                lock_up_until="")
    text = post(client, f"/companies/{company.id}/incentives/new", data).get_data(as_text=True)
    assert "100,000 · Restricted shares" in text and "No cliff" in text and "No lock-up" in text
    assert "1,900,000" in text  # the pool's shares less the ones moved to Dana
    assert "19.00%" in text and "1.00%" in text
    assert count(IncentiveGrant) == 0
    refused = post(client, f"/companies/{company.id}/incentives/new",
                   form(company, shares="2000001", once="other"))
    assert refused.status_code == 400 and "Confirm and record" not in refused.get_data(
        as_text=True)
    assert post(client, f"/companies/{company.id}/incentives/new",
                {**data, "confirmed": "1"}).status_code == 302
    assert count(IncentiveGrant) == 1
    assert db.session.scalar(select(IncentiveGrant)).shares == Decimal("100000")


def test_the_preview_in_chinese_names_options_and_prices_as_the_grant_page(client,
                                                                         company):  # noqa: F811
    # Issue 16 T27: "授予类型" read over "400,000 · 期权", options vested in 股, a bare price.
    admin = make_user(Role.HQ_ADMIN)
    admin.locale = "zh_CN"
    _commit()
    login(client, admin)
    text = post(client, f"/companies/{company.id}/incentives/new",
                form(company)).get_data(as_text=True)
    # The preview's number and kind, and the form's choice of the kind alone (issue 9, F43).
    assert "授予数量与类型" in text and text.count("授予类型") == 1
    assert '<label for="kind">授予类型</label>' in text
    assert "一次性归属 100,000 份期权" in text and "¥1.50" in text
