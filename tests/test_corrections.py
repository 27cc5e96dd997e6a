"""Every mistake can be corrected, and the correction is visible: a payment, a disbursement or a
share entry is undone by a reversing entry with a reason (both stay, every figure computed from
the ledger follows), a founders' table with nothing after it is voided and entered again, and HQ
detaches a company from a wrongly chosen project. Nothing is edited or deleted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.companies.helpers import TECHNOLOGY, IssueLine
from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import corrections, deals, ledger
from tracker.companies import services as companies
from tracker.companies.models import (
    Acquisition,
    CompanyStatus,
    ExitKind,
    HolderType,
    ShareEntry,
)
from tracker.contracts import rollups as contract_rollups
from tracker.contracts import services as contracts
from tracker.contracts.models import Payment
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Invalid, Refused
from tracker.funding import corrections as funding_corrections
from tracker.funding import services as funding
from tracker.funding.models import Disbursement
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase
from tracker.reminders.items import Query, instalments_due, lockup_expiries
from tracker.reports import dashboard
from tracker.reports.filters import Filters

D = Decimal


def _actions(action: str) -> list[dict]:
    return [r.changes for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == action))]


# --- payments -----------------------------------------------------------------------------------


def test_a_reversed_payment_leaves_the_instalment_outstanding_everywhere(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    contract = record(project, "1000000", schedule=[(date(2026, 3, 1), D("1000000"))])
    instalment = contract.instalments[0]
    paid = contracts.record_payment(project.pm, instalment, date(2026, 3, 5), D("1000000"))
    _commit()
    assert instalment.is_paid
    assert instalments_due(Query(item_ids=[instalment.id])) == []

    login(client, project.pm)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f"/payments/{paid.id}/reverse" in page
    refused = post(client, f"/payments/{paid.id}/reverse", {"on_date": "2026-03-01",
                                                           "reason": "typo"})
    assert refused.status_code == 400  # before the payment it reverses
    assert "on or after what it reverses" in refused.get_data(as_text=True)
    assert post(client, f"/payments/{paid.id}/reverse",
                {"on_date": "2026-03-06", "reason": ""}).status_code == 400
    response = post(client, f"/payments/{paid.id}/reverse",
                    {"on_date": "2026-03-06", "reason": "Entered on the wrong contract"})
    assert response.status_code == 302

    db.session.expire_all()
    rows = db.session.scalars(select(Payment).order_by(Payment.id)).all()
    assert [(p.amount, p.reverses_id) for p in rows] == [(D("1000000.00"), None),
                                                         (D("-1000000.00"), paid.id)]
    # Every figure read from the payments follows: the instalment, the contract, the roll-up,
    # the reminder of the instalment.
    assert not instalment.is_paid and instalment.outstanding == D("1000000.00")
    assert contract.received == D("0.00")
    [row] = [r for r in contract_rollups.rollup("project") if r["key"][0] == project.id]
    assert row["received"] == D("0")
    assert [i.id for i in instalments_due(Query(item_ids=[instalment.id]))] == [instalment.id]
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Reversed on" in page and "Entered on the wrong contract" in page
    assert f"/payments/{paid.id}/reverse" not in page
    [changes] = _actions("payment.reverse")
    assert changes["reason"] == [None, "Entered on the wrong contract"]

    # The dashboard's figures, written without reversals in mind, follow too.
    figures = dashboard.contract_figures(Filters(), 2026)
    assert (figures["received"], figures["received_year"]) == (D("0.00"), D("0.00"))

    again = post(client, f"/payments/{paid.id}/reverse",
                 {"on_date": "2026-03-06", "reason": "twice"})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


def test_only_who_records_payments_reverses_one(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    contract = record(project)
    paid = contracts.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5),
                                    D("1000"))
    _commit()
    login(client, make_user(Role.OBSERVER))
    assert post(client, f"/payments/{paid.id}/reverse",
                {"on_date": "2026-03-06", "reason": "x"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


# --- disbursements ------------------------------------------------------------------------------


def _agreement_with_a_payable_tranche(project, committee):
    """CN¥10m committed, all of it in one tranche whose milestone is accepted."""
    agreement = funding.record_agreement(
        committee, project, committed=D("10000000"), qualifying_round_min=D("20000000"),
        signed_on=helpers.days_ago(500), conversion_deadline=today() + timedelta(days=365))
    milestone = helpers.make_milestone(project, MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("10000000"),
                                  milestone_id=milestone.id)
    return agreement, tranche


def test_a_reversed_disbursement_is_no_longer_paid_nor_converted(client):
    project = helpers.invested_project()
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, tranche = _agreement_with_a_payable_tranche(project, committee)
    paid = funding.record_disbursement(committee, tranche, amount=D("4000000"),
                                       paid_on=helpers.days_ago(450))
    _commit()
    login(client, committee)
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert f"/funding/disbursements/{paid.id}/reverse" in page
    response = post(client, f"/funding/disbursements/{paid.id}/reverse",
                    {"on_date": helpers.days_ago(449).isoformat(),
                     "reason": "Paid to the wrong account"})
    assert response.status_code == 302
    db.session.expire_all()
    assert tranche.disbursed == D("0.00") and agreement.disbursed == D("0.00")
    assert dashboard.funding_figures(Filters()).disbursed == D("0.00")
    assert funding.conversion_refusal(agreement, helpers.record_round(
        helpers.ready_for_spin_off(project))) == "Nothing has been disbursed: there is nothing " \
        "to convert."
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "Paid to the wrong account" in page and "Reversed on" in page
    assert '<span class="tag ok">Payable</span>' in page  # the tranche can be paid again
    with pytest.raises(Refused, match="This entry was reversed on"):
        funding_corrections.reverse_disbursement(committee, paid, today(), "again")
    reversal = db.session.scalar(select(Disbursement).where(Disbursement.reverses_id.is_not(None)))
    with pytest.raises(Refused):
        funding_corrections.reverse_disbursement(committee, reversal, today(), "undo the undo")
    assert post(client, f"/funding/disbursements/{paid.id}/reverse",
                {"on_date": today().isoformat(), "reason": "x"}).status_code == 409


# --- the share ledger ---------------------------------------------------------------------------


@pytest.fixture
def company():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, on=helpers.days_ago(400))
    return company


def test_a_reversed_issue_drops_out_of_every_cap_table(client, company):
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000000"), Acquisition.CASH), helpers.days_ago(300))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    assert f"/companies/entries/{issued.id}/reverse" in client.get(
        f"/companies/{company.id}").get_data(as_text=True)
    response = post(client, f"/companies/entries/{issued.id}/reverse",
                    {"on_date": helpers.days_ago(100).isoformat(),
                     "reason": "The angel never paid"})
    assert response.status_code == 302
    db.session.expire_all()

    def holders(days_ago: int) -> dict[str, Decimal]:
        return {h.holder.name: h.shares
                for h in ledger.cap_table(company, helpers.days_ago(days_ago)).rows}

    # A mistake never was: not even on the dates before its reversal.
    assert "Angel" not in holders(200) and "Angel" not in holders(100)
    assert ledger.cap_table(company, helpers.days_ago(200)).issued == D("10000000")
    table = ledger.cap_table(company, helpers.days_ago(0))
    assert table.issued == D("10000000") and table.total_pct == D("100.00")
    assert ledger.problem(table) is None
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "The angel never paid" in page and "Reversed on" in page
    assert len(company.entries) == 5  # three founders, the issue, its reversal
    [reversal] = [e for e in company.entries if e.reverses_id == issued.id]
    assert reversal.shares == D("-1000000")
    assert _actions("shares.reverse")


def test_shares_passed_on_must_be_reversed_last_first(company):
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000"), Acquisition.CASH), helpers.days_ago(300))
    moved = companies.transfer_shares(admin, company, issued.to_holder, "Fund",
                                      HolderType.INVESTOR, D("600"), helpers.days_ago(200))
    _commit()
    with pytest.raises(Refused, match="Angel would hold \u2212600 shares"):
        corrections.reverse_entry(admin, issued, helpers.days_ago(250), "wrong")
    db.session.rollback()
    corrections.reverse_entry(admin, moved, helpers.days_ago(150), "wrong fund")
    corrections.reverse_entry(admin, issued, helpers.days_ago(150), "never paid")
    _commit()
    assert ledger.cap_table(company, today()).issued == D("10000000")


def test_round_shares_are_not_reversed_one_by_one(company):
    financing = helpers.record_round(company, on=helpers.days_ago(30))
    entry = financing.investments[0].entry
    # The manager may reverse entries; these shares go with their round (not offered).
    assert entry.can_reverse(helpers.manager()) and corrections.entry_refusal(entry)
    assert entry.id not in corrections.ledger_offers(company, helpers.manager())["reversible"]
    with pytest.raises(Refused, match="financing round, a conversion or an equity incentive"):
        corrections.reverse_entry(helpers.manager(), entry, today(), "x")


def test_a_reversed_lock_up_no_longer_reminds(company):
    admin = helpers.manager()
    locked = companies.issue_shares(admin, company, companies.IssueLine(
        "Founder two", HolderType.TEAM, D("1000"), Acquisition.CASH,
        lock_up_until=today() + timedelta(days=20)), helpers.days_ago(10))
    _commit()
    ahead = Query(on=today(), until=today() + timedelta(days=60))
    assert [i.deadline for i in lockup_expiries(ahead)] == [today() + timedelta(days=20)]
    assert ledger.locked(company, locked.to_holder_id, today()) == D("1000")
    corrections.reverse_entry(admin, locked, today(), "not a founder")
    _commit()
    assert lockup_expiries(ahead) == []
    assert ledger.locked(company, locked.to_holder_id, today()) == D("0")


# --- the founders' table ------------------------------------------------------------------------


def test_a_founders_table_with_nothing_after_it_is_voided_and_entered_again(client, company):
    login(client, make_user(Role.INVESTMENT_COMMITTEE, locale="en"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Void the founders&#39; table" in page or "Void the founders' table" in page
    response = post(client, f"/companies/{company.id}/founders/void",
                    {"reason": "Shares typed with one zero too many"})
    assert response.status_code == 302
    db.session.expire_all()
    for days in (400, 200, 0):
        assert ledger.cap_table(company, helpers.days_ago(days)).rows == []
    assert len(company.entries) == 6 and not company.has_cap_table
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Record the cap table at incorporation" in page
    assert "Shares typed with one zero too many" in page
    assert _actions("company.void_founders")[0]["reason"] == [
        None, "Shares typed with one zero too many"]

    helpers.incorporate(company, lines=[
        IssueLine("R&D team", HolderType.TEAM, D(700), Acquisition.IP, TECHNOLOGY),
        IssueLine("Robotics institute", HolderType.INSTITUTE, D(300), Acquisition.IP,
                  TECHNOLOGY)], on=helpers.days_ago(390))
    assert ledger.cap_table(company, today()).issued == D(1000)


def test_a_founders_table_with_later_entries_is_not_voided(client, company):
    admin = helpers.manager()
    companies.transfer_shares(admin, company, company.holders[2], "Chen Jing", HolderType.TEAM,
                              D("1000"), helpers.days_ago(200))
    _commit()
    assert company.can_void_founders(admin) and corrections.founders_void_refusal(company)
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    assert "founders/void" not in client.get(f"/companies/{company.id}").get_data(as_text=True)
    refused = post(client, f"/companies/{company.id}/founders/void", {"reason": "x"})
    assert refused.status_code == 409
    assert "the ledger has 1 entry after it" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == 4


def test_a_later_entry_since_reversed_still_keeps_the_founders_table(company):
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000"), Acquisition.CASH), helpers.days_ago(300))
    corrections.reverse_entry(admin, issued, helpers.days_ago(200), "never paid")
    _commit()
    # Voiding the founders now would leave the angel holding every share for 100 days.
    assert company.can_void_founders(admin) and corrections.founders_void_refusal(company)


# --- detaching a company ------------------------------------------------------------------------


def test_hq_detaches_a_company_from_a_wrongly_chosen_project(client, company):
    right, wrong = company.projects[0], make_project(phase=Phase.SPIN_OFF)
    company.projects.append(wrong)
    _commit()
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    assert post(client, f"/companies/{company.id}/projects/{wrong.id}/detach",
                {"reason": "x"}).status_code == 403
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    response = post(client, f"/companies/{company.id}/projects/{wrong.id}/detach",
                    {"reason": "Recorded against the wrong project"})
    assert response.status_code == 302
    db.session.expire_all()
    assert company.projects == [right]
    assert companies.company_of(wrong) is None
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Recorded against the wrong project" in page and wrong.name in page
    funding_page = client.get(f"/projects/{wrong.id}/funding").get_data(as_text=True)
    assert "was detached from this project" in funding_page
    # The last project stays: the company would come from nowhere.
    last = post(client, f"/companies/{company.id}/projects/{right.id}/detach",
                {"reason": "x"})
    assert last.status_code == 409
    assert "is the only project" in last.get_data(as_text=True)
    assert _actions("company.detach")[0]["reason"] == [None, "Recorded against the wrong project"]


def test_detach_is_offered_and_its_form_drawn_by_the_service_s_refusal(client, company):
    """The company page offered Detach by its own count of the projects, and the form's page
    drew the form for the only project (refused once sent): `detach_refusal` answers the
    service, the page's link and the form's page now."""
    only = company.projects[0]
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    form = f"/companies/{company.id}/projects/{only.id}/detach"
    assert form not in client.get(f"/companies/{company.id}").get_data(as_text=True)
    refused = client.get(form)
    assert refused.status_code == 409 and "is the only project" in refused.get_data(as_text=True)
    other = make_project(phase=Phase.SPIN_OFF)
    company.projects.append(other)
    _commit()
    assert form in client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert client.get(form).status_code == 200


def test_the_edit_form_does_not_drop_a_project(company):
    other = make_project(phase=Phase.SPIN_OFF)
    company.projects.append(other)
    _commit()
    with pytest.raises(Invalid, match="only by detaching it"):
        companies.update_company(helpers.manager(), company, name=company.name,
                                 uscc=company.uscc, registered_on=company.registered_on,
                                 registered_capital=company.registered_capital,
                                 legal_representative="", project_ids=[other.id])


def test_the_correction_pages_speak_chinese(client, company):
    admin = helpers.manager()
    issued = companies.issue_shares(admin, company, companies.IssueLine(
        "Angel", HolderType.INVESTOR, D("1000"), Acquisition.CASH), helpers.days_ago(300))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    form = client.get(f"/companies/entries/{issued.id}/reverse").get_data(as_text=True)
    assert "冲销股权记录" in form and "记录错误的原因" in form
    refused = post(client, f"/companies/entries/{issued.id}/reverse",
                   {"on_date": helpers.days_ago(301).isoformat(), "reason": "错误"})
    assert "冲销日期不得早于被冲销记录的日期" in refused.get_data(as_text=True)
    post(client, f"/companies/entries/{issued.id}/reverse",
         {"on_date": helpers.days_ago(300).isoformat(), "reason": "天使投资人未付款"})
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "天使投资人未付款" in page and "冲销" in page and "Reversed on" not in page


# --- financing rounds ---------------------------------------------------------------------------


def test_a_reversed_round_no_longer_prices_dilutes_qualifies_or_counts(client):
    project = helpers.invested_project()
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, tranche = _agreement_with_a_payable_tranche(project, committee)
    funding.record_disbursement(committee, tranche, amount=D("10000000"),
                                paid_on=helpers.days_ago(450))
    company = helpers.make_company(project)
    helpers.incorporate(company)
    financing = helpers.record_round(company, on=helpers.days_ago(30))
    _commit()
    assert funding.qualifying_rounds(agreement) == [financing]
    assert ledger.portfolio_line(company, today()).price == D("12.00")
    assert dashboard.company_figures(Filters(), today()).raised == D("24000000.00")

    login(client, committee)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert f"/companies/rounds/{financing.id}/reverse" in page
    response = post(client, f"/companies/rounds/{financing.id}/reverse",
                    {"on_date": helpers.days_ago(10).isoformat(),
                     "reason": "The investors signed a term sheet, not the round"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    # Its shares drop out of the cap table on every date, the days before its reversal too.
    assert ledger.cap_table(company, helpers.days_ago(20)).issued == D("10000000")
    assert ledger.cap_table(company, today()).issued == D("10000000")
    # It sets no price, does not qualify, and counts as no money raised.
    assert ledger.portfolio_line(company, today()).price is None
    assert company.last_round is None
    assert funding.qualifying_rounds(agreement) == []
    assert "was reversed" in funding.conversion_refusal(agreement, financing)
    figures = dashboard.company_figures(Filters(), today())
    assert (figures.rounds, figures.raised) == (0, D("0.00"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "The investors signed a term sheet, not the round" in page
    assert f"/companies/rounds/{financing.id}/reverse" not in page
    assert post(client, f"/companies/rounds/{financing.id}/reverse",
                {"on_date": today().isoformat(), "reason": "again"}).status_code == 409


def test_a_round_money_was_converted_at_stands():
    agreement, company = helpers.worked_example(helpers.invested_project())
    financing = agreement.conversion.round
    assert financing.id not in corrections.ledger_offers(  # not offered, refused if posted
        company, helpers.manager())["reversible_rounds"]
    with pytest.raises(Refused, match="Reverse that conversion first"):
        corrections.reverse_round(helpers.manager(), financing, today(), "x")
    assert ledger.cap_table(company, today()).issued == D("13041666")


# --- exits --------------------------------------------------------------------------------------


def test_a_reversed_exit_reopens_the_ledger_and_realises_nothing(client):
    agreement, company = helpers.worked_example(helpers.invested_project())
    exit_ = deals.record_exit(helpers.manager(), company, kind=ExitKind.ACQUISITION,
                              on=helpers.days_ago(5), proceeds=D("50000000"))
    _commit()
    assert company.status is CompanyStatus.ACQUIRED
    assert ledger.portfolio_line(company, today()).realised > 0
    assert dashboard.company_figures(Filters(), today()).exited == 1
    with pytest.raises(Refused, match="exited on .*: its ledger is closed"):
        companies.require_cap_table(company)

    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert f"/companies/exits/{exit_.id}/reverse" in page and "Issue shares" not in page
    response = post(client, f"/companies/exits/{exit_.id}/reverse",
                    {"on_date": helpers.days_ago(5).isoformat(),
                     "reason": "The acquisition was called off before closing"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert company.status is CompanyStatus.REGISTERED
    line = ledger.portfolio_line(company, today())
    assert line.realised == D("0") and line.value is not None
    assert dashboard.company_figures(Filters(), today()).exited == 0
    companies.require_cap_table(company)  # the ledger is open again
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "The acquisition was called off before closing" in page and "Issue shares" in page
    assert post(client, f"/companies/exits/{exit_.id}/reverse",
                {"on_date": today().isoformat(), "reason": "again"}).status_code == 409


def test_a_reversed_round_drops_out_of_the_rounds_after_it(client):
    """A round reversed (dated today, as the form proposes) is in no cap table: the next round
    is priced without its shares, its table lists neither its investor nor their shares, and
    who may give shares away no longer includes them."""
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company)
    mistake = helpers.record_round(company, on=helpers.days_ago(30), name="Angel",
                                   investors=(("Angel One", "24000000"),))
    corrections.reverse_round(helpers.manager(), mistake, today(), "A term sheet, not a round")
    _commit()
    # Not reversed twice: said with the day, as every ledger's entry is (reversals.reversed_on)
    assert corrections.round_refusal(mistake) == (
        f"This entry was reversed on {day(today())}: it no longer counts. If it should count "
        "after all, record it again.")
    series_a = helpers.record_round(company, on=helpers.days_ago(20), name="Series A",
                                    investors=(("VC Two", "12000000"),))
    assert series_a.shares_before == D("10000000") and series_a.price_per_share == D("12.00")
    stakes = ledger.round_stakes(company, series_a.id, series_a.on_date)
    assert [s.holder.name for s in stakes] == [
        "R&D team", "Robotics institute", "Incentive pool", "VC Two"]
    assert [s.after_pct for s in stakes] == [D("63.64"), D("18.18"), D("9.09"), D("9.09")]
    assert [day for day, _ in ledger.stake_history(company)] == [
        helpers.days_ago(400), helpers.days_ago(20)]
    # Nor did it set a price or raise money, on the days before its reversal either.
    assert ledger.portfolio_line(company, helpers.days_ago(25)).price is None
    figures = dashboard.company_figures(Filters(), helpers.days_ago(25))
    assert (figures.rounds, figures.raised) == (0, D("0.00"))
    db.session.expire_all()
    for locale, note in (("en", "Reversed: its shares count in no cap table, on any date."),
                         ("zh_CN", "已冲销：其股份不计入任何日期的股权结构表。")):
        client = client.application.test_client()
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        page = client.get(f"/companies/{company.id}").get_data(as_text=True)
        start = page.index(f"{series_a.name} <small>")
        rounds = page[start:page.index("<h2>", start)]
        assert note in page and "Angel One" not in rounds
        transfer = client.get(f"/companies/{company.id}/transfers/new").get_data(as_text=True)
        # who may give shares (the select); the datalist beside it only suggests names
        givers = transfer[transfer.index('name="from_holder_id"'):]
        givers = givers[:givers.index("</select>")]
        assert "VC Two" in givers and "Angel One" not in givers


def test_a_round_priced_on_shares_is_reversed_before_them():
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company)
    first = helpers.record_round(company, on=helpers.days_ago(30), name="Angel",
                                 investors=(("Angel One", "24000000"),))
    second = helpers.record_round(company, on=helpers.days_ago(20), name="Series A",
                                  investors=(("VC Two", "12000000"),))
    assert second.shares_before == D("12000000")
    with pytest.raises(Refused, match="Series A .* was priced on these shares"):
        corrections.reverse_round(helpers.manager(), first, today(), "mistake")
    corrections.reverse_round(helpers.manager(), second, today(), "priced on a mistake")
    corrections.reverse_round(helpers.manager(), first, today(), "mistake")
    _commit()
    assert ledger.cap_table(company, today()).issued == D("10000000")
