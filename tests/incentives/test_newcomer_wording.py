"""What a newcomer reading the grant pages in Chinese found (issue 16): a grant's preview said
before and after "this round" (本轮前/后), restricted shares were called a count (股数), the
exercise's count read "option exercise" (期权行权); and a grant's page had no link to its
history as other record pages do."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.incentives.test_grant_preview import form
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture
from tracker.accounts.models import Role
from tracker.display.preview import Preview
from tracker.projects.lifecycle import Phase


def chinese(user):
    user.locale = "zh_CN"
    _commit()
    return user


def test_a_grant_preview_speaks_of_the_grant_not_a_round(client, company):  # noqa: F811
    login(client, chinese(make_user(Role.HQ_ADMIN)))
    page = post(client, f"/companies/{company.id}/incentives/new",
                form(company, kind="shares", shares="100000", exercise_price=""))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="confirmed"' in text
    assert "授予前股数" in text and "授予后股数" in text and "授予后持股比例" in text
    assert "本轮" not in text
    assert "100,000 · 限制性股票" in text and "股数 ·" not in text


def test_a_round_preview_still_speaks_of_the_round(client):
    spin_off = helpers.make_company(make_project(phase=Phase.INVESTMENT_DECISION))
    helpers.incorporate(spin_off)
    login(client, chinese(make_user(Role.HQ_ADMIN)))
    data = {"name": "Series A", "on_date": helpers.days_ago(1).isoformat(),
            "pre_money": "100000000", "amount": "20000000", "investors-0-name": "Fund",
            "investors-0-kind": "investor", "investors-0-amount": "20000000",
            "investors-0-lead": "y"}
    text = post(client, f"/companies/{spin_off.id}/rounds/new", data).get_data(as_text=True)
    assert "本轮前股数" in text and "本轮后持股比例" in text and "授予" not in text


def test_a_preview_with_stakes_names_its_columns():
    with pytest.raises(ValueError):
        Preview(stakes=[("Pool", "1", "1%", "2", "2%")])


def test_the_grant_pages_name_restricted_shares_and_the_count_exercised(client,
                                                                        company):  # noqa: F811
    admin = chinese(make_user(Role.HQ_ADMIN))
    shares = grant(company, person_name="Bob", kind="shares", shares=Decimal("100000"),
                   exercise_price=None)
    options = grant(company)
    login(client, admin)
    page = client.get(f"/incentives/grants/{shares.id}").get_data(as_text=True)
    assert "限制性股票" in page
    listing = client.get(f"/companies/{company.id}/incentives").get_data(as_text=True)
    assert "授予限制性股票或期权" in listing and "授予记录" in listing
    exercise = client.get(f"/incentives/grants/{options.id}/exercise").get_data(as_text=True)
    assert "行权数量" in exercise and "期权行权" not in exercise
    new = client.get(f"/companies/{company.id}/incentives/new").get_data(as_text=True)
    assert "授予数量（股或份）" in new


@pytest.mark.parametrize("locale, word", [("en", "History"), ("zh_CN", "历史记录")])
def test_a_grant_page_links_to_its_history_for_its_holder_too(client, company,  # noqa: F811
                                                              locale, word):
    holder = make_user(Role.PROJECT_MANAGER)
    holder.locale = locale
    record = grant(company, user=holder, person_name="")
    login(client, holder)
    page = client.get(f"/incentives/grants/{record.id}").get_data(as_text=True)
    link = f"/history/incentive_grants/{record.id}"
    assert link in page and word in page
    history = client.get(link)
    text = history.get_data(as_text=True)
    assert history.status_code == 200
    # The grant's own words: its count granted, not the cap table's "Shares" (股数).
    assert ("Number granted" if locale == "en" else "授予数量") in text


@pytest.mark.parametrize("locale, options, shares", [
    ("en", "History of Alice's options over 400,000 shares",
     "History of Bob's 100,000 restricted shares"),
    ("zh_CN", "授予Alice的 400,000 股期权 的历史记录", "授予Bob的 100,000 股限制性股票 的历史记录"),
])
def test_a_grants_history_names_it_in_a_phrase_of_the_readers_language(
        client, company, locale, options, shares):  # noqa: F811
    """Its title read "History of Alice · Options · 400,000 shares" (孙浩 · 期权 · 150,000 股 的
    历史记录): the kind's label set between dots like a heading, not what the grant is."""
    admin = make_user(Role.HQ_ADMIN)
    admin.locale = locale
    _commit()
    alice = grant(company)
    bob = grant(company, person_name="Bob", kind="shares", shares=Decimal("100000"),
                exercise_price=None)
    login(client, admin)
    for record, said in ((alice, options), (bob, shares)):
        text = html.unescape(client.get(f"/history/incentive_grants/{record.id}")
                             .get_data(as_text=True))
        assert said in text and " · 400,000" not in text and " · 100,000" not in text
