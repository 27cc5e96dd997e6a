"""A reversal, and the entry or round it reversed, count in no cap table on any date: the
reversal's date says when a mistake was corrected. Neither dates anything that comes after
them, so no guard of a later real event ("dated before the last entry") reads them. The
newcomer's walk found the exit refused a day before a reversal; the table checks every event
the ledger dates against every kind of mistake."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.factories import _commit, make_project
from tests.incentives.test_grants import grant
from tracker.companies import corrections, deals
from tracker.companies import services as companies
from tracker.companies.deals import InvestorLine
from tracker.companies.models import Acquisition, ExitKind, HolderType
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase

D = Decimal
MISTAKE_ON, CORRECTED_ON, EVENT_ON = 50, 10, 60  # days ago: the event comes before both


def _issue(admin, company):
    entry = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000000"), Acquisition.CASH),
        helpers.days_ago(MISTAKE_ON))
    corrections.reverse_entry(admin, entry, helpers.days_ago(CORRECTED_ON), "never paid")


def _transfer(admin, company):
    pool = next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)
    entry = companies.transfer_shares(admin, company, pool, "Fund", HolderType.INVESTOR,
                                      D("1000"), helpers.days_ago(MISTAKE_ON))
    corrections.reverse_entry(admin, entry, helpers.days_ago(CORRECTED_ON), "wrong fund")


def _round(admin, company):
    financing = deals.record_round(
        admin, company, name="Mistaken round", on=helpers.days_ago(MISTAKE_ON),
        pre_money=D("100000000"), amount=D("5000000"),
        investors=[InvestorLine("Wrong VC", HolderType.INVESTOR, D("5000000"), lead=True)])
    corrections.reverse_round(admin, financing, helpers.days_ago(CORRECTED_ON), "wrong company")


def _exit(admin, company):
    deals.record_exit(admin, company, kind=ExitKind.DISSOLUTION, on=helpers.days_ago(EVENT_ON),
                      proceeds=D("1000000"))


def _round_after(admin, company):
    deals.record_round(admin, company, name="Series A", on=helpers.days_ago(EVENT_ON),
                       pre_money=D("120000000"), amount=D("8000000"),
                       investors=[InvestorLine("Suzhou VC", HolderType.INVESTOR, D("8000000"),
                                               lead=True)])


def _issue_after(admin, company):
    companies.issue_shares(admin, company, companies.IssueLine(
        "Pool top-up", HolderType.INVESTOR, D("1000"), Acquisition.CASH),
        helpers.days_ago(EVENT_ON))


def _transfer_after(admin, company):
    team = next(h for h in company.holders if h.kind is HolderType.TEAM)
    companies.transfer_shares(admin, company, team, "Buyer", HolderType.INVESTOR, D("1000"),
                              helpers.days_ago(EVENT_ON))


def _grant_after(admin, company):
    grant(company, admin, kind="shares", shares=D("1000"),
          granted_on=helpers.days_ago(EVENT_ON), vesting_start=helpers.days_ago(EVENT_ON))


@pytest.mark.parametrize("mistake", [_issue, _transfer, _round])
@pytest.mark.parametrize("event", [_exit, _round_after, _issue_after, _transfer_after,
                                   _grant_after])
def test_a_reversal_dates_no_later_event(mistake, event):
    admin = helpers.manager()
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, on=helpers.days_ago(400))
    mistake(admin, company)
    _commit()
    event(admin, company)  # refused before: "dated before the company's last share entry"
    _commit()


def test_a_standing_entry_still_dates_the_exit():
    """The guard itself stays: an exit before a real entry is refused beside its date."""
    admin = helpers.manager()
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, on=helpers.days_ago(400))
    companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000"), Acquisition.CASH), helpers.days_ago(MISTAKE_ON))
    _commit()
    with pytest.raises(Invalid, match="last share entry") as refused:
        _exit(admin, company)
    assert refused.value.field == "on_date"
