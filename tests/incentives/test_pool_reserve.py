"""The pool's shares that back options outstanding never leave it (F30): a transfer out of the
pool, or a reversal of shares it was issued or given, takes only its unallocated shares and is
refused with what is reserved and for whom, as a grant beyond the pool is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import corrections, ledger
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, HolderType, ShareEntry
from tracker.companies.services import IssueLine
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.incentives import dilution, services
from tracker.projects.lifecycle import Phase

LINES = [IssueLine("R&D team", HolderType.TEAM, Decimal("6000000"), Acquisition.CASH),
         IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, Decimal("1000000"),
                   Acquisition.CASH)]


@pytest.fixture
def company():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=LINES, on=helpers.days_ago(400))
    return company


def pool_of(company):
    return next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)


def options(company, name="Alice", shares="400000"):
    record = services.grant(
        helpers.manager(), company, pool_id=pool_of(company).id, user=None, person_name=name,
        kind="options", shares=Decimal(shares), exercise_price=Decimal("1"),
        granted_on=helpers.days_ago(300), vesting_start=helpers.days_ago(300),
        vesting_months=48, cliff_months=12, lock_up_until=None, note="")
    _commit()
    return record


def entries():
    return db.session.scalar(select(func.count()).select_from(ShareEntry))


def test_a_transfer_out_of_the_pool_takes_only_its_unallocated_shares(company):
    options(company)
    options(company, "Bob", "100000")
    pool, admin, before = pool_of(company), helpers.manager(), entries()
    with pytest.raises(Invalid) as refused:
        companies.transfer_shares(admin, company, pool, "Fund", HolderType.INVESTOR,
                                  Decimal("500001"), helpers.days_ago(10))
    assert refused.value.field == "shares"
    assert ("Incentive pool holds 1,000,000 shares from" in str(refused.value)
            and "of which 500,000 back options outstanding (granted to Alice, Bob): at most "
            "500,000 can leave the pool" in str(refused.value))
    db.session.rollback()
    assert entries() == before
    companies.transfer_shares(admin, company, pool, "Fund", HolderType.INVESTOR,
                              Decimal("500000"), helpers.days_ago(10))
    _commit()
    table = dilution.fully_diluted(ledger.cap_table(company, today()),
                                   services.grants_of(company))
    [row] = [r for r in table.rows if r.holder.name == "Incentive pool"]
    assert (row.issued, row.options, row.diluted) == (Decimal("500000"), Decimal("-500000"), 0)


def test_a_transfer_dated_before_a_later_one_is_read_against_the_later_balance(company):
    options(company, shares="600000")
    admin, pool = helpers.manager(), pool_of(company)
    companies.transfer_shares(admin, company, pool, "Fund", HolderType.INVESTOR,
                              Decimal("300000"), helpers.days_ago(5))
    _commit()
    with pytest.raises(Invalid, match="at most 100,000 can leave the pool"):
        companies.transfer_shares(admin, company, pool, "Angel", HolderType.INVESTOR,
                                  Decimal("200000"), helpers.days_ago(50))


def test_the_transfer_form_refuses_it_beside_the_number_in_chinese(client, company):
    options(company, "李强")
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    response = post(client, f"/companies/{company.id}/transfers/new", {
        "from_holder_id": str(pool_of(company).id), "name": "某基金", "kind": "investor",
        "shares": "700000", "on_date": today().isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("其中 400,000 股已预留给尚未行权的期权（授予 李强）：最多只能转出 600,000 股"
            in page)
    assert ledger.cap_table(company, today()).shares_of_holder(pool_of(company).id) == \
        Decimal("1000000")


def test_reversing_shares_the_pool_was_issued_keeps_what_backs_options(company):
    admin = helpers.manager()
    topped = companies.issue_shares(admin, company, IssueLine(
        "Incentive pool", HolderType.INCENTIVE_POOL, Decimal("500000"), Acquisition.CASH),
        helpers.days_ago(350))
    options(company, shares="1200000")
    with pytest.raises(Refused, match="Incentive pool would hold 1,000,000 shares from .* "
                                      "fewer than the 1,200,000 that back options "
                                      "outstanding \\(granted to Alice\\)"):
        corrections.reverse_entry(admin, topped, today(), "never paid")
    db.session.rollback()
    assert not any(e.reverses_id == topped.id for e in company.entries)


def test_reversing_a_transfer_into_the_pool_keeps_what_backs_options(company):
    admin = helpers.manager()
    given = companies.transfer_shares(admin, company, company.holders[0], "Incentive pool",
                                      HolderType.INCENTIVE_POOL, Decimal("300000"),
                                      helpers.days_ago(350))
    options(company, shares="1100000")
    with pytest.raises(Refused, match="back options outstanding"):
        corrections.reverse_entry(admin, given, today(), "wrong holder")
    db.session.rollback()
    # Unreserved shares may still go back.
    small = companies.transfer_shares(admin, company, company.holders[0], "Incentive pool",
                                      HolderType.INCENTIVE_POOL, Decimal("100"),
                                      helpers.days_ago(340))
    _commit()
    corrections.reverse_entry(admin, small, today(), "wrong holder")
    _commit()


def test_the_founders_table_with_a_pool_promised_is_not_voided(company):
    options(company)
    admin = helpers.manager()
    # Nothing on the ledger after it (offered); the pool promised refuses it when sent.
    assert corrections.ledger_offers(company, admin)["may_void"]
    with pytest.raises(Refused, match="back options outstanding"):
        corrections.void_founders(admin, company, "wrong table")
    db.session.rollback()
    assert ledger.cap_table(company, today()).issued == Decimal("7000000")


def test_reversing_a_transfer_passed_on_is_refused_above_the_form_not_beside_the_date(
        client, company):
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, IssueLine(
        "Angel", HolderType.INVESTOR, Decimal("1000"), Acquisition.CASH), helpers.days_ago(300))
    companies.transfer_shares(admin, company, issued.to_holder, "Fund", HolderType.INVESTOR,
                              Decimal("600"), helpers.days_ago(200))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, f"/companies/entries/{issued.id}/reverse",
                    {"on_date": today().isoformat(), "reason": "never paid"})
    assert response.status_code == 409
    assert "Angel would hold \u2212600 shares" in response.get_data(as_text=True)


def test_vesting_does_not_start_before_the_company_was_registered(company):
    """F9: a vesting start years before registration was accepted (fully vested before the
    company existed)."""
    with pytest.raises(Invalid, match="is before .* was registered") as refused:
        services.grant(
            helpers.manager(), company, pool_id=pool_of(company).id, user=None,
            person_name="Alice", kind="options", shares=Decimal("1000"),
            exercise_price=Decimal("1"), granted_on=helpers.days_ago(10),
            vesting_start=helpers.days_ago(2000), vesting_months=48, cliff_months=12,
            lock_up_until=None, note="")
    assert refused.value.field == "vesting_start"
