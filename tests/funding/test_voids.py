"""An allocation-investment agreement or a tranche recorded entirely by mistake is voided by the
investment committee, with a reason (issue 9 point 5): only while nothing depends on it (each
refusal names what does and links to where it is reversed first), on the version the page
showed; a voided one stays on the funding page and in the history, marked, and counts in no
list, figure, reminder, annual report or export."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.funding.test_amendments import agreement_of, closed, tranche_of
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.funding import corrections, refusals, voids
from tracker.funding import services as funding
from tracker.funding.models import FundingAgreement, Tranche
from tracker.imports.export import rows
from tracker.obligations import services as obligations
from tracker.obligations.models import ReportKind
from tracker.partners import co_funding
from tracker.reminders import items
from tracker.reminders.items import Query
from tracker.reports import annual, dashboard
from tracker.reports.filters import Filters

D = Decimal


@pytest.fixture
def committee():
    return make_user(Role.INVESTMENT_COMMITTEE)


def _funding_page(client, agreement) -> str:
    return client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)


def _changes(action: str, object_id: int) -> dict:
    return db.session.scalar(select(AuditRecord.changes).where(
        AuditRecord.action == action, AuditRecord.object_id == object_id))


# --- a tranche ----------------------------------------------------------------------------------


def test_a_tranche_recorded_by_mistake_is_voided_and_plans_nothing_more(client, committee):
    tranche = tranche_of(committee)  # 2,000,000 on an accepted milestone, of 5,000,000
    agreement = tranche.agreement
    kept = funding.add_tranche(committee, agreement, amount=D("1000000"), gate=3)
    _commit()
    assert agreement.planned == D("3000000")
    login(client, committee)
    path = f"/funding/tranches/{tranche.id}/void"
    assert f'href="{path}"' in _funding_page(client, agreement)
    assert post(client, path, {**tab(client, path), "reason": " "}).status_code == 400
    response = post(client, path, {**tab(client, path),
                                   "reason": "Entered twice from the minutes."})
    assert response.status_code == 302, response.get_data(as_text=True)

    db.session.expire_all()
    voided = db.session.get(Tranche, tranche.id)
    assert voided.is_void and voided.voided_by_id == committee.id
    assert voided.void_reason == "Entered twice from the minutes."
    agreement = voided.agreement
    assert agreement.planned == D("1000000")  # 3,000,000 less the voided 2,000,000
    assert agreement.standing_tranches == [kept]
    page = _funding_page(client, agreement)
    assert "Voided" in page and "Entered twice from the minutes." in page
    assert f"/funding/tranches/{tranche.id}/disburse" not in page  # no payment offered
    assert f'href="{path}"' not in page and f"/funding/tranches/{tranche.id}/edit" not in page
    assert client.get(f"/funding/tranches/{tranche.id}/disburse").status_code in (200, 409)
    with pytest.raises(Refused, match="voided"):
        funding.record_disbursement(committee, voided, amount=D("10"), paid_on=today())
    db.session.rollback()
    assert client.get(path).status_code == 409  # voided already
    changes = _changes("tranche.void", tranche.id)
    assert changes["void_reason"] == [None, "Entered twice from the minutes."]
    assert changes["voided_by_id"][1] == committee.id
    history = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "Tranche voided" in history and "Entered twice from the minutes." in history
    assert "tranche.void" not in history and "void_reason" not in history


def test_a_paid_tranche_is_voided_only_once_its_disbursement_is_reversed(client, committee):
    tranche = tranche_of(committee)
    paid = funding.record_disbursement(committee, tranche, amount=D("500000"),
                                       paid_on=today() - timedelta(days=5))
    _commit()
    login(client, committee)
    path = f"/funding/tranches/{tranche.id}/void"
    reverse = f"/funding/disbursements/{paid.id}/reverse"
    page = _funding_page(client, tranche.agreement)
    assert f'href="{path}"' not in page
    assert "CN¥500,000.00 was paid on tranche 1 and stands" in page
    assert f'href="{reverse}"' in page  # the guard links to what to reverse first
    refused = client.get(path)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "reverse the disbursement first" in text
    assert f'href="{reverse}"' in text
    assert post(client, path, {"reason": "Wrong"}).status_code == 409
    with pytest.raises(Refused, match="paid on tranche 1"):
        voids.void_tranche(committee, tranche, "Wrong")
    db.session.rollback()

    corrections.reverse_disbursement(committee, paid, today(), "Paid twice")
    _commit()
    db.session.expire_all()  # as a new request reads it
    assert f'href="{path}"' in _funding_page(client, tranche.agreement)
    voids.void_tranche(committee, tranche, "Never decided")
    _commit()
    assert tranche.is_void and tranche.disbursed == D("0")


def test_a_void_sent_from_a_stale_page_is_refused_with_the_reason_kept(client, committee):
    tranche = tranche_of(committee)
    login(client, committee)
    path = f"/funding/tranches/{tranche.id}/void"
    stale = tab(client, path)
    edit = f"/funding/tranches/{tranche.id}/edit"
    assert post(client, edit, {**tab(client, edit), "amount": "1500000", "condition": "gate",
                               "gate": "2", "milestone_id": "0",
                               "reason": "The minutes say gate 2."}).status_code == 302
    response = post(client, path, {**stale, "reason": "Recorded on the wrong agreement"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Saved by you in another tab or window meanwhile" in page
    assert "Recorded on the wrong agreement" in page  # the input kept
    db.session.expire_all()
    assert not db.session.get(Tranche, tranche.id).is_void


# --- an agreement -------------------------------------------------------------------------------


def test_a_voided_agreement_counts_nowhere_and_the_project_is_funded_again(client, committee):
    signed = today() - timedelta(days=200)
    wrong = agreement_of(committee, committed=D("5000000"), signed_on=signed)
    kept = agreement_of(committee, committed=D("3000000"), signed_on=signed)
    deadline = Query(until=today() + timedelta(days=400))
    running = {i.id for i in items.conversion_deadlines(deadline)}
    assert {wrong.id, kept.id} <= running
    before = dashboard.funding_figures(Filters())
    before_annual = {f.key: f for f in annual.build(signed.year).figures}["ai_committed"]
    cell = before_annual.cell(wrong.project.institute_id, signed.year)
    exported = [r[0] for r in rows("funding")]
    assert wrong.project.code in exported and kept.project.code in exported

    login(client, committee)
    path = f"/funding/{wrong.id}/void"
    assert f'href="{path}"' in _funding_page(client, wrong)
    response = post(client, path, {**tab(client, path), "reason": "The wrong project."})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()

    # Figures: one agreement and 5,000,000 committed (and its co-funder's 5,000,000 by the
    # ratio 1:1) fewer, by hand.
    after = dashboard.funding_figures(Filters())
    assert after.agreements == before.agreements - 1
    assert after.committed == before.committed - D("5000000")
    assert after.co_funded == before.co_funded - D("5000000")
    after_annual = {f.key: f for f in annual.build(signed.year).figures}["ai_committed"]
    now = after_annual.cell(wrong.project.institute_id, signed.year)
    assert (now.count, now.amount) == (cell.count - 1, cell.amount - D("5000000"))
    assert wrong.id not in {i.id for i in items.conversion_deadlines(deadline)}
    assert kept.id in {i.id for i in items.conversion_deadlines(deadline)}
    exported = [r[0] for r in rows("funding")]
    assert wrong.project.code not in exported and kept.project.code in exported
    listed = client.get("/funding/").get_data(as_text=True)
    assert kept.project.title in listed and wrong.project.title not in listed

    # Its own page: voided, with the reason and who; nothing more recorded on it.
    page = _funding_page(client, wrong)
    assert "Voided agreements" in page and "The wrong project." in page
    assert committee.name in page
    assert "No allocation-investment agreement has been recorded" in page
    assert client.get(f"/funding/{wrong.id}/edit").status_code == 409
    with pytest.raises(Refused, match="voided"):
        funding.add_tranche(committee, db.session.get(FundingAgreement, wrong.id),
                            amount=D("1"), gate=3)
    db.session.rollback()
    history = client.get(f"/history/funding_agreements/{wrong.id}").get_data(as_text=True)
    assert "Funding agreement voided" in history and "The wrong project." in history

    # The project may be funded by the agreement it should have had.
    again = funding.record_agreement(
        committee, wrong.project, committed=D("4000000"), qualifying_round_min=D("20000000"),
        signed_on=signed, conversion_deadline=today() + timedelta(days=365))
    _commit()
    assert refusals.agreement_of(wrong.project) == again
    page = _funding_page(client, again)
    assert "CN¥4,000,000.00" in page and "The wrong project." in page


def test_the_page_reads_in_chinese_and_the_history_too(client, committee):
    agreement = agreement_of(committee)
    voids.void_agreement(committee, agreement, "录错了项目")
    _commit()
    login(client, make_user(Role.INVESTMENT_COMMITTEE, locale="zh_CN"))
    page = _funding_page(client, agreement)
    assert "已作废" in page and "录错了项目" in page and "Voided" not in page
    history = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "作废" in history and "Funding agreement voided" not in history


def _refused(client, agreement, said: str, link: str) -> None:
    """The agreement's void is not offered: the page says why and links to what to undo; the
    form answers 409 with the same, and the service refuses."""
    db.session.expire_all()  # as a new request reads it
    page = _funding_page(client, agreement)
    assert f'href="/funding/{agreement.id}/void"' not in page
    assert said in page and f'href="{link}"' in page
    refused = client.get(f"/funding/{agreement.id}/void")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and said in text and f'href="{link}"' in text
    # The refusal links to the agreement's page as well, and says what the other link is:
    # it said "Back to the page you came from" of the reversal's form, the only link there.
    back = f"/projects/{agreement.project_id}/funding"
    assert f'<a href="{back}">Back to the page you came from</a>' in text
    assert f'<a href="{link}">Back to the page you came from</a>' not in text
    with pytest.raises(Refused, match=re.escape(said)):
        voids.void_agreement(agreement.decided_by, agreement, "By mistake")
    db.session.rollback()


def test_an_agreement_is_not_voided_while_anything_stands_under_it(client, committee):
    tranche = tranche_of(committee)
    agreement = tranche.agreement
    login(client, committee)
    payment = co_funding.record_payment(committee, agreement.co_funders[0], amount=D("100000"),
                                        paid_on=today() - timedelta(days=3))
    owed = obligations.add_obligation(committee, agreement, kind=ReportKind.PROGRESS,
                                      due_on=today() + timedelta(days=30), recipient="",
                                      co_funder_id=agreement.co_funders[0].id)
    paid = funding.record_disbursement(committee, tranche, amount=D("500000"),
                                       paid_on=today() - timedelta(days=5))
    _commit()
    _refused(client, agreement, "HQ paid CN¥500,000.00 under this agreement",
             f"/funding/disbursements/{paid.id}/reverse")
    corrections.reverse_disbursement(committee, paid, today(), "Paid twice")
    _commit()
    _refused(client, agreement, "payment of CN¥100,000.00 stands under this agreement",
             f"/funding/co-funder-payments/{payment.id}/reverse")
    co_funding.reverse_payment(committee, payment, today(), "Not theirs")
    _commit()
    _refused(client, agreement, "A report owed to a funder is recorded",
             f"/reports-owed/{owed.id}")
    obligations.withdraw_obligation(committee, owed, "Owed under no agreement")
    _commit()
    assert voids.agreement_void_refusal(agreement) is None
    voids.void_agreement(committee, agreement, "Never signed")
    _commit()
    assert agreement.is_void and tranche.agreement.is_void


def test_an_agreement_with_a_conversion_or_an_outcome_is_not_voided(client, committee):
    converted, _company = helpers.worked_example(
        helpers.invested_project(), committee)
    login(client, committee)
    _refused(client, converted, "reverse the conversion first",
             f"/funding/conversions/{converted.conversion.id}/reverse")
    ended = closed(committee)
    _refused(client, ended, "withdraw it first", f"/funding/{ended.id}/outcome/withdraw")


def test_only_the_committee_voids(client, committee):
    tranche = tranche_of(committee)
    agreement = tranche.agreement
    admin, pm = make_user(Role.HQ_ADMIN), agreement.project.pm
    for user in (admin, pm, make_user(Role.OBSERVER)):
        assert not agreement.can_void(user) and not tranche.can_void(user)
        with pytest.raises(Forbidden):
            voids.void_agreement(user, agreement, "No")
        with pytest.raises(Forbidden):
            voids.void_tranche(user, tranche, "No")
        login(client, user)
        assert "/void" not in client.get(f"/projects/{agreement.project_id}/funding").get_data(
            as_text=True) or user is pm
        assert client.get(f"/funding/{agreement.id}/void").status_code == 403
        assert client.get(f"/funding/tranches/{tranche.id}/void").status_code == 403
        post(client, "/logout")
    assert agreement.can_void(committee) and tranche.can_void(committee)
    with pytest.raises(Invalid):
        voids.void_tranche(committee, tranche, "  ")


def test_each_payment_that_keeps_an_agreement_from_its_void_gets_a_link(client, committee):
    """Two co-funders' payments standing under the agreement: the page linked to the first
    one's reversal only (found by a newcomer); each gets its own link, named by its amount,
    and so do two disbursements and two reports owed, on the page and on the void's refusal
    page (it linked the first of them only, found by a newcomer too)."""
    tranche = tranche_of(committee)
    agreement = tranche.agreement
    co_funder = agreement.co_funders[0]
    payments = [co_funding.record_payment(committee, co_funder, amount=D(amount),
                                          paid_on=today() - timedelta(days=3))
                for amount in ("100000", "25000")]
    _commit()
    login(client, committee)
    page = _funding_page(client, agreement)
    assert "2 co-funders&#39; payments adding up to CN¥125,000.00 stand" in page
    refused = client.get(f"/funding/{agreement.id}/void")
    said = refused.get_data(as_text=True)
    assert refused.status_code == 409  # the void's refusal page links every one too
    for payment, amount in zip(payments, ("CN¥100,000.00", "CN¥25,000.00"), strict=True):
        for text in (page, said):
            assert (f'<a href="/funding/co-funder-payments/{payment.id}/reverse">'
                    f"Reverse the payment ({amount})</a>") in text
    for payment in payments:
        co_funding.reverse_payment(committee, payment, today(), "Not theirs")
    owed = [obligations.add_obligation(committee, agreement, kind=ReportKind.PROGRESS,
                                       due_on=today() + timedelta(days=days), recipient="",
                                       co_funder_id=co_funder.id) for days in (30, 60)]
    _commit()
    db.session.expire_all()
    page = _funding_page(client, agreement)
    said = client.get(f"/funding/{agreement.id}/void").get_data(as_text=True)
    assert all(f'href="/reports-owed/{o.id}"' in text for o in owed for text in (page, said))


def test_a_void_its_service_refuses_links_what_to_undo_above_the_form(client, committee,
                                                                      monkeypatch):
    """A disbursement recorded after the void's page checked the tranche, before its service
    locked it (two tabs at once): the service's refusal, shown above the form refilled (409),
    linked nothing, where the page's refusal links the reversal. One function builds both
    (`voids.Blocker.refused`): it links it too."""
    tranche = tranche_of(committee)
    login(client, committee)
    path = f"/funding/tranches/{tranche.id}/void"
    paid = funding.record_disbursement(committee, tranche, amount=D("500000"),
                                       paid_on=today() - timedelta(days=5))
    _commit()
    # The page checked before the disbursement came: the service is the one to refuse.
    monkeypatch.setattr("tracker.web.corrections.offered", lambda *args, **kwargs: None)
    response = post(client, path, {**tab(client, path), "reason": "Entered twice"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "reverse the disbursement first" in page
    assert "Entered twice" in page  # the form refilled
    assert (f'<a href="/funding/disbursements/{paid.id}/reverse">Reverse the disbursement</a>'
            in page)
    db.session.expire_all()
    assert not db.session.get(Tranche, tranche.id).is_void
