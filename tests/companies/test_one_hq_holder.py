"""A company has one HQ holder (issue 9, a newcomer's walk): investor "JITRI HQ" typed with the
type HQ in a round's form made a second HQ holder beside the company's own. Every path that
names a holder refuses it beside the field naming it, saying which holder to name: a round's
investors, an issue, a transfer, the founders' table, an IP deal's holders, a grant; a
conversion issues to the holder the company has; HQ typed with another type is refused too;
and the database keeps one HQ holder per company whatever the code does."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.companies import helpers
from tests.conftest import login, post, shared_data
from tests.factories import _commit, make_project, make_user
from tests.funding.test_conversion import funded
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import deals, holder_names
from tracker.companies import services as companies
from tracker.companies.deals import EquityLine, InvestorLine
from tracker.companies.models import (
    Acquisition,
    Company,
    FinancingRound,
    HolderType,
    ShareEntry,
    Shareholder,
)
from tracker.companies.services import IssueLine
from tracker.errors import Invalid, Refused
from tracker.funding import services as funding
from tracker.incentives import services as incentives
from tracker.projects.lifecycle import Phase

D = Decimal
TYPED = "JITRI HQ"
ACCOUNT = {"en": "en", "zh": "zh_CN"}  # an account's language, as its setting keeps it


def _hq_holders(company) -> list[str]:
    return list(db.session.scalars(select(Shareholder.name).where(
        Shareholder.company_id == company.id, Shareholder.kind == HolderType.HQ)))


def _second(company, locale: str) -> str:
    """What every path says when a second HQ holder is typed, in `locale`."""
    if locale == "zh":
        return (f"Test HQ 已是{company.name}的“总部”类股东，一家公司只有一个此类股东：请填写"
                f"“Test HQ”，而非“{TYPED}”。")
    return (f"Test HQ is {company.name}'s holder of the type HQ, and a company has one: name "
            f"it instead of {TYPED}.")


@pytest.fixture(scope="module")
def held_id(app, module_connection) -> int:
    """The issue's worked example: HQ's holder is HQ itself (its shares from the conversion).
    Built once for the module: each test goes on from it in its own savepoint."""
    with shared_data(app, module_connection):
        _agreement, company = helpers.worked_example()
        assert _hq_holders(company) == ["Test HQ"]
        return company.id


@pytest.fixture
def held(held_id) -> Company:
    return db.session.get(Company, held_id)


def _refused(call, locale: str = "en") -> Invalid:
    with force_locale(locale), pytest.raises(Invalid) as refused:
        call()
    db.session.rollback()
    return refused.value


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_round_form_refuses_a_second_hq_holder_beside_its_row(client, held, locale):
    login(client, make_user(Role.INVESTMENT_COMMITTEE, locale=ACCOUNT[locale]))
    rows = {"name": "B", "on_date": helpers.days_ago(10).isoformat(),
            "pre_money": "200000000", "amount": "1000000", "investors-0-name": TYPED,
            "investors-0-kind": "hq", "investors-0-amount": "1000000"}
    answer = post(client, f"/companies/{held.id}/rounds/new", rows)
    assert answer.status_code == 400
    page = html.unescape(answer.get_data(as_text=True))
    beside = re.search(r'<div id="investors-0-name-error">(.*?)</div>', page, re.S)
    assert beside and _second(held, locale) in beside.group(1)
    assert _hq_holders(held) == ["Test HQ"]
    assert db.session.scalar(select(FinancingRound).where(FinancingRound.name == "B")) is None
    # HQ named as the company's holder is: its money buys HQ shares, on its one holder.
    ok = post(client, f"/companies/{held.id}/rounds/new", {
        **rows, "investors-0-name": "Test HQ", "investors-0-lead": "y", "confirmed": "1"})
    assert ok.status_code == 302, ok.get_data(as_text=True)
    db.session.expire_all()
    assert _hq_holders(held) == ["Test HQ"]
    assert db.session.scalar(select(func.count()).select_from(ShareEntry).join(
        FinancingRound, FinancingRound.id == ShareEntry.round_id).where(
        FinancingRound.name == "B")) == 1


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_every_service_refuses_a_second_hq_holder_beside_the_field_naming_it(held, locale):
    admin = helpers.manager()
    team = next(h for h in held.holders if h.kind is HolderType.TEAM)
    on = helpers.days_ago(5)
    paths = {
        "name": lambda: companies.issue_shares(
            admin, held, IssueLine(TYPED, HolderType.HQ, D(1000), Acquisition.CASH), on),
        "investors-1-name": lambda: deals.record_round(
            admin, held, name="B", on=on, pre_money=D(200000000), amount=D(2000000),
            investors=[InvestorLine("Fund B", HolderType.INVESTOR, D(1000000), True, 0),
                       InvestorLine(TYPED, HolderType.HQ, D(1000000), row=1)]),
    }
    for field, call in paths.items():
        refused = _refused(call, locale)
        assert refused.problems == [(field, _second(held, locale))], field
    transfer = _refused(lambda: companies.transfer_shares(
        admin, held, db.session.get(Shareholder, team.id), TYPED, HolderType.HQ, D(1000), on),
        locale)
    assert transfer.problems == [("name", _second(held, locale))]
    assert _hq_holders(held) == ["Test HQ"]


def test_a_founders_table_naming_two_hq_holders_is_refused_in_the_second_row():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    lines = [IssueLine("R&D team", HolderType.TEAM, D(7000000), Acquisition.IP,
                       helpers.TECHNOLOGY, row=0),
             IssueLine("Test HQ", HolderType.HQ, D(2000000), Acquisition.CASH, row=1),
             IssueLine(TYPED, HolderType.HQ, D(1000000), Acquisition.CASH, row=2)]
    refused = _refused(lambda: companies.incorporate(
        helpers.manager(), company, lines, helpers.days_ago(400), D(10000000)))
    assert refused.problems == [("holdings-2-name", _second(company, "en"))]
    assert not company.has_cap_table and _hq_holders(company) == []
    # HQ twice by one name, or by its two names, is one holder: its shares added up.
    lines[2] = IssueLine(" test hq ", HolderType.HQ, D(1000000), Acquisition.CASH, row=2)
    helpers.incorporate(company, lines=lines)
    assert _hq_holders(company) == ["Test HQ"]


def test_hq_named_with_another_type_is_refused_where_it_would_be_a_second_holding():
    """HQ's own name typed as an investor's, an institute's in an IP deal or a person's grant
    would hold HQ's shares apart from HQ's holder: it is refused, with the type HQ has."""
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)  # no HQ holder yet
    admin, on = helpers.manager(), helpers.days_ago(5)
    said = "Test HQ is HQ: a holder of the type HQ, not {}."
    investor = _refused(lambda: companies.issue_shares(
        admin, company, IssueLine("Test HQ", HolderType.INVESTOR, D(1000), Acquisition.CASH),
        on))
    assert investor.problems == [("name", said.format("External investor"))]
    achievement = helpers.register(project)
    deal = _refused(lambda: deals.record_ip_deal(
        admin, company, achievement_id=achievement.id, right_ids=[], kind="licence",
        licensee=company.name, exclusive=False, field_of_use="", upfront=D(0),
        royalty_pct=D(0), signed_on=helpers.days_ago(300),
        equity=[EquityLine("institute", "Test HQ", D(1000)), EquityLine("team", "", None)]))
    assert ("institute_holder", said.format("Institute")) in deal.problems
    pool = next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)
    person = _refused(lambda: incentives.grant(
        admin, company, pool_id=pool.id, user=None, person_name="Test HQ", kind="shares",
        shares=D(1000), exercise_price=None, granted_on=on, vesting_start=on,
        vesting_months=0, cliff_months=0, lock_up_until=None, note=""), "zh")
    assert person.problems == [
        ("person_name", "Test HQ 是总部：其股东类型为“总部”，而非“研发团队”。")]
    assert _hq_holders(company) == [] and len(company.holders) == 3
    # With the type HQ, HQ's name is HQ's holder, the one the company then has.
    companies.issue_shares(admin, company, IssueLine("Test HQ", HolderType.HQ, D(1000),
                                                     Acquisition.CASH), on)
    assert [h.hq_id for h in company.holders if h.kind is HolderType.HQ] == [project.hq_id]


def test_a_conversion_issues_to_the_hq_holder_the_company_has():
    """HQ's holder typed as "JITRI" (a name the app does not know) is the one a conversion's
    shares go to, not a second one named after HQ's record."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = funded(committee, deadline=helpers.days_ago(-300))
    companies.issue_shares(helpers.manager(), company, IssueLine(
        "JITRI", HolderType.HQ, D(1000), Acquisition.CASH), helpers.days_ago(100))
    financing = helpers.record_round(company, on=helpers.days_ago(30))
    conversion = funding.convert(committee, agreement, financing)
    _commit()
    assert _hq_holders(company) == ["JITRI"]
    assert db.session.get(ShareEntry, conversion.entry_id).to_holder.name == "JITRI"


def test_no_code_path_adds_a_second_hq_holder(held):
    """The services' checks said it beside the field; the lookup that creates holders and the
    database refuse it too, should a new path forget to ask."""
    with pytest.raises(Refused, match="a company has one"):
        holder_names.holder_for(held, TYPED, HolderType.HQ)
    db.session.rollback()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Shareholder(company_id=held.id, name=TYPED, kind=HolderType.HQ))
        db.session.flush()
    assert _hq_holders(held) == ["Test HQ"]
