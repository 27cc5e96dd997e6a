"""Voiding a founders' table (issue 9, point 5), as a newcomer finds it: the company page links
to it, with a word on what it does, while it can be done; its page lists the lines of the
table it voids (not today's holders); when it can't be done, the page says why before any
form, naming what came after the table; and who may not void learns nothing of the state."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post, shared_data
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import corrections, deals
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, Company, ExitKind, HolderType, ShareEntry
from tracker.display.formatting import day
from tracker.projects.lifecycle import Phase

D = Decimal
ACCOUNT = {"en": "en", "zh": "zh_CN"}  # an account's language, as its setting keeps it
EXPLAINED = {
    "en": "Nothing has been recorded after the founders' table: if it was entered wrong, it "
          "can be voided whole, with a reason, and recorded again.",
    "zh": "设立时股权结构表之后尚无任何记录：如录入有误，可说明原因后整体作废并重新录入。"}


@pytest.fixture(scope="module")
def company_id(app, module_connection) -> int:
    """A company incorporated 400 days ago, built once for the module: each test goes on
    from it in its own savepoint."""
    with shared_data(app, module_connection):
        company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
        helpers.incorporate(company, on=helpers.days_ago(400))
        return company.id


@pytest.fixture
def company(company_id) -> Company:
    return db.session.get(Company, company_id)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _void(company) -> str:
    return f"/companies/{company.id}/founders/void"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_company_page_links_the_voiding_and_its_page_lists_the_table(client, company,
                                                                         locale):
    # A holder's shares moved later are today's, not the table's: the page lists the table.
    login(client, make_user(Role.HQ_ADMIN, locale=ACCOUNT[locale]))
    page = _page(client.get(f"/companies/{company.id}"))
    assert EXPLAINED[locale] in page and _void(company) in page
    form = client.get(_void(company))
    assert form.status_code == 200
    listed = _page(form)
    with force_locale(locale):
        assert day(helpers.days_ago(400)) in listed
    for holder, shares in (("R&D team", "7,000,000"), ("Robotics institute", "2,000,000"),
                           ("Incentive pool", "1,000,000")):
        assert f"<dt>{holder}</dt><dd>{shares}</dd>" in listed.replace("\n", ""), holder
    assert 'name="reason"' in listed


def _later(company) -> tuple[ShareEntry, ShareEntry]:
    """An issue reversed since and a transfer, both after the table."""
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D(1000), Acquisition.CASH), helpers.days_ago(300))
    corrections.reverse_entry(admin, issued, helpers.days_ago(250), "never paid")
    team = next(h for h in company.holders if h.name == "R&D team")
    companies.transfer_shares(admin, company, team, "Chen Jing", HolderType.TEAM, D(1000),
                              helpers.days_ago(200))
    _commit()
    db.session.expire_all()  # as the next request reads them: the reversal with its entry
    return issued


def _why(locale: str) -> list[str]:
    with force_locale(locale):
        table, issued, reversed_, moved = (day(helpers.days_ago(n)) for n in (400, 300, 250, 200))
    if locale == "zh":
        return [f"{table} 的设立时股权结构表只有在其后没有任何记录时才能整体作废，"
                "而股份台账中其后有 3 条记录：",
                f"{issued}：向 Angel 发行 1,000 股。 该记录虽已于 {reversed_} 冲销，仍在设立时"
                "股权结构表之后。",
                f"{reversed_}：冲销 Angel 的 1,000 股。",
                f"{moved}：R&D team 向 Chen Jing 转让 1,000 股。",
                "请改为逐行更正该表：每一行都可在公司的股份台账中说明原因后冲销。"]
    return [f"The founders' table of {table} is voided whole only while nothing came after it, "
            "and the ledger has 3 entries after it:",
            f"{issued}: an issue of 1,000 shares to Angel. Reversed on {reversed_}, it still "
            "came after the table.",
            f"{reversed_}: the reversal of 1,000 shares of Angel.",
            f"{moved}: a transfer of 1,000 shares from R&D team to Chen Jing.",
            "Correct the table's lines one by one instead: each can be reversed, with a "
            "reason, from the company's ledger."]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_table_with_later_entries_says_why_before_any_form(client, company, locale):
    _later(company)
    assert not corrections.ledger_offers(company, helpers.manager())["may_void"]
    login(client, make_user(Role.INVESTMENT_COMMITTEE, locale=ACCOUNT[locale]))
    page = _page(client.get(f"/companies/{company.id}"))
    assert _void(company) not in page and EXPLAINED[locale] not in page
    answer = client.get(_void(company))
    assert answer.status_code == 409
    said = _page(answer)
    for sentence in _why(locale):
        assert sentence in said, sentence
    assert 'name="reason"' not in said and f'href="/companies/{company.id}"' in said
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    sent = post(client, _void(company), {"reason": "typed wrong"})
    assert sent.status_code == 409 and _why(locale)[1] in _page(sent)
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries


def test_a_table_voided_or_exited_says_so_before_any_form(client, company):
    login(client, make_user(Role.HQ_ADMIN))
    deals.record_exit(helpers.manager(), company, kind=ExitKind.DISSOLUTION,
                      on=helpers.days_ago(10), proceeds=D(0), note="")
    _commit()
    exited = client.get(_void(company))
    assert exited.status_code == 409
    assert (f"{company.name} exited on {day(helpers.days_ago(10))} (Dissolution): its ledger "
            "is closed.") in _page(exited)
    other = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(other)
    corrections.void_founders(helpers.manager(), other, "the split was agreed otherwise")
    _commit()
    db.session.expire_all()
    voided = client.get(_void(other))
    assert voided.status_code == 409
    assert (f"{other.name} has no founders' table to void: record the cap table at "
            "incorporation.") in _page(voided)


@pytest.mark.parametrize("who", ["pm", "observer", "director"])
def test_who_may_not_void_learns_nothing_of_the_table(client, company, who):
    _later(company)
    project = company.projects[0]
    user = {"pm": lambda: project.pm, "observer": lambda: make_user(Role.OBSERVER),
            "director": lambda: make_user(Role.INSTITUTE_DIRECTOR)}[who]()
    login(client, user)
    for answer in (client.get(_void(company)), post(client, _void(company), {"reason": "x"})):
        assert answer.status_code == 403
        assert "entries after it" not in _page(answer) and "Chen Jing" not in _page(answer)
