"""Receipts and reports are checked against their deal (issue 16, found by a newcomer): no money
before the signing, no more upfront than agreed, no royalty paid twice on one report, no report
of a period that has not ended. A reversed receipt no longer counts. A deal corrected keeps what
was recorded under it true."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker.accounts.models import Role
from tracker.achievements import deal_corrections, deals
from tracker.dates import today
from tracker.errors import Invalid, Refused

D = Decimal


@pytest.fixture
def hq():
    return make_user(Role.HQ_ADMIN)


@pytest.fixture
def transfer(hq):
    """Signed 15 January 2026, quarterly, 100,000.00 upfront, at least 20,000.00 a quarter."""
    return make_transfer(make_achievement(), hq)


def receive(hq, transfer, amount, pays="upfront", report=None, on=date(2026, 2, 1)):
    receipt = deals.record_income(hq, transfer, received_on=on, amount=D(amount), costs=None,
                                  pays=pays, report_id=report.id if report else None)
    _commit()
    return receipt


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return dict(caught.value.problems)


def test_no_money_is_received_under_a_deal_before_it_is_signed(hq, transfer):
    problems = refused(receive, hq, transfer, "1000.00", pays="other", on=date(2026, 1, 14))
    assert problems == {"received_on": "Money under the deal is received once it is signed "
                                       "(Jan 15, 2026)."}
    receive(hq, transfer, "1000.00", pays="other", on=date(2026, 1, 15))


def test_no_more_upfront_is_received_than_the_deal_agreed(hq, transfer):
    receive(hq, transfer, "60000.00")
    assert refused(receive, hq, transfer, "40000.01") == {
        "amount": "The deal's upfront payment is CN¥100,000.00 and CN¥60,000.00 of it was "
                  "received: at most CN¥40,000.00 more."}
    last = receive(hq, transfer, "40000.00")
    assert refused(receive, hq, transfer, "1.00") == {
        "pays": "The deal's upfront payment (CN¥100,000.00) has been received in full: record "
                "this as a royalty or other income."}
    # A reversed receipt no longer counts: what it paid is owed again.
    deal_corrections.reverse_income(hq, last, date(2026, 2, 2), "Typed twice")
    _commit()
    assert transfer.upfront_received == D("60000.00")
    receive(hq, transfer, "40000.00", on=date(2026, 2, 3))


def test_a_royalty_report_is_paid_no_more_than_it_owes(hq, transfer):
    report = deals.record_report(hq, transfer, received_on=date(2026, 5, 1),
                                 base_amount=D("100000.00"))  # 5 %: the minimum, 20,000.00
    _commit()
    assert report.royalty_due == D("20000.00")
    receive(hq, transfer, "15000.00", "royalty", report, on=date(2026, 5, 10))
    assert refused(receive, hq, transfer, "5000.01", "royalty", report) == {
        "amount": "The report of Jan 15, 2026 – Apr 14, 2026 owes CN¥20,000.00 of royalty and "
                  "has received CN¥15,000.00: at most CN¥5,000.00 more."}
    second = receive(hq, transfer, "5000.00", "royalty", report, on=date(2026, 5, 11))
    # Paid again, in full: the choice of report is what is wrong.
    assert refused(receive, hq, transfer, "20000.00", "royalty", report) == {
        "report_id": "The royalty of the report of Jan 15, 2026 – Apr 14, 2026 "
                     "(CN¥20,000.00) has been received in full."}
    deal_corrections.reverse_income(hq, second, date(2026, 5, 12), "Paid to the other deal")
    _commit()
    receive(hq, transfer, "5000.00", "royalty", report, on=date(2026, 5, 13))
    assert report.paid == D("20000.00")


def test_a_report_is_of_a_period_that_has_ended(hq, transfer):
    assert refused(deals.record_report, hq, transfer, received_on=date(2026, 4, 14),
                   base_amount=D("1")) == {
        "received_on": "The report of Jan 15, 2026 to Apr 14, 2026 is received after its "
                       "period ends."}
    deals.record_report(hq, transfer, received_on=date(2026, 4, 15), base_amount=D("1"))
    # A deal whose first quarter has not ended yet: nothing to report, and no form offered.
    recent = make_transfer(make_achievement(), hq, signed_on=today() - timedelta(days=20))
    with pytest.raises(Refused) as caught:
        deals.record_report(hq, recent, received_on=today(), base_amount=D("1"))
    end = recent.signed_on.replace(day=1)  # (only its words are checked below)
    assert "its report is recorded once it has ended" in caught.value.message, end


def test_the_deal_page_says_when_the_next_report_can_be_recorded(app, hq):
    recent = make_transfer(make_achievement(), hq, signed_on=today() - timedelta(days=20))
    for locale, said in (("en", "its report is recorded once it has ended"),
                         ("zh_CN", "期结束后")):
        client = app.test_client()
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        page = client.get(f"/transfers/{recent.id}").get_data(as_text=True)
        assert said in page and f'action="/transfers/{recent.id}/reports"' not in page


def test_the_income_form_refuses_a_second_payment_beside_its_field(app, hq, transfer):
    receive(hq, transfer, "100000.00")
    for locale, said in (("en", "has been received in full"), ("zh_CN", "已全额收讫")):
        client = app.test_client()
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        answer = post(client, f"/transfers/{transfer.id}/income", {
            "income-received_on": "2026-02-10", "received_on": "2026-02-10",
            "amount": "100000", "pays": "upfront", "report_id": "0", "note": "",
            "once": f"i-{locale}"})
        assert answer.status_code == 400, answer.get_data(as_text=True)
        page = answer.get_data(as_text=True)
        assert said in page.split('id="income-pays"')[1][:3000], locale


def test_a_deal_corrected_keeps_its_receipts_and_reports_true(hq, transfer):
    receive(hq, transfer, "80000.00", on=date(2026, 2, 1))
    deals.record_report(hq, transfer, received_on=date(2026, 4, 20), base_amount=D("1"))
    _commit()
    terms = {k: getattr(transfer, k) for k in (
        "enterprise_id", "kind", "signed_on", "ends_on", "upfront", "royalty_pct",
        "royalty_base", "minimum_royalty", "reporting_months", "report_days", "payment_days",
        "contributor_pct", "override_reason", "ip_deal_id", "upfront_due_on")}
    terms["kind"], terms["royalty_base"] = transfer.kind.value, transfer.royalty_base.value
    problems = refused(deals.save_transfer, hq, transfer.achievement, transfer,
                       **{**terms, "signed_on": date(2026, 2, 2), "upfront": D("79999.99")})
    assert problems == {
        "signed_on": "Income was received under the deal on Feb 1, 2026: it was signed by then.",
        "upfront": ("CN¥80,000.00 of the upfront payment has been received already: the upfront "
                    "payment cannot be less.")}
    problems = refused(deals.save_transfer, hq, transfer.achievement, transfer,
                       **{**terms, "reporting_months": 6})
    assert list(problems) == ["reporting_months"]
    assert refused(deals.save_transfer, hq, transfer.achievement, transfer,
                   **{**terms, "ends_on": date(2026, 1, 14)}) == {
        "ends_on": "A deal ends after it is signed."}
    deals.save_transfer(hq, transfer.achievement, transfer,
                        **{**terms, "upfront": D("80000.00"), "ends_on": date(2026, 3, 1)})
