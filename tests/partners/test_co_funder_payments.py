"""What a co-funder paid: recorded by HQ's admins or the committee on the agreement's funding
page, never above what it committed by the ratio, reversed with a reason (both entries stay);
the page's funders table sums HQ's and the co-funders' money."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.funding import services as funding
from tracker.partners import co_funding
from tracker.partners.payment_models import CoFunderPayment
from tracker.projects.lifecycle import Phase

D = Decimal


@pytest.fixture
def agreement():
    """HQ commits 4,000,000 in the ratio 2 : 1 : 0.5 — the city 2,000,000, the district
    1,000,000."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = funding.record_agreement(
        committee, make_project(phase=Phase.CONTRACT_RESEARCH), committed=D("4000000"),
        qualifying_round_min=D("0"), signed_on=today() - timedelta(days=60),
        conversion_deadline=today() + timedelta(days=300), hq_ratio=D("2"),
        co_funders=[("苏州市", D("1")), ("吴中区", D("0.5"))])
    _commit()
    return agreement


def test_a_payment_counts_and_one_above_the_commitment_is_refused(agreement):
    admin = make_user(Role.HQ_ADMIN)
    city, district = agreement.co_funders
    assert (city.commitment, district.commitment) == (D("2000000.00"), D("1000000.00"))
    co_funding.record_payment(admin, city, amount=D("1500000"),
                              paid_on=today() - timedelta(days=10), reference="苏财拨〔2026〕8号")
    _commit()
    assert (city.paid, city.outstanding) == (D("1500000.00"), D("500000.00"))
    with pytest.raises(Invalid) as refused:
        co_funding.record_payment(admin, city, amount=D("500000.01"),
                                  paid_on=today() - timedelta(days=70))
    assert dict(refused.value.problems) == {
        "amount": "苏州市 committed CN¥2,000,000.00 and has paid CN¥1,500,000.00: at most "
                  "CN¥500,000.00 more can be recorded.",
        "paid_on": refused.value.problems[1][1]}  # before the signing, in the same answer
    assert "once the agreement is signed" in refused.value.problems[1][1]
    co_funding.record_payment(admin, city, amount=D("500000"), paid_on=today())
    assert (city.paid, city.outstanding) == (D("2000000.00"), D("0"))
    assert (agreement.co_funded, agreement.co_funders_paid) == (D("3000000.00"),
                                                                D("2000000.00"))


def test_a_payment_is_reversed_once_with_a_reason(agreement):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    district = agreement.co_funders[1]
    paid = co_funding.record_payment(committee, district, amount=D("1000000"),
                                     paid_on=today() - timedelta(days=20))
    with pytest.raises(Invalid) as refused:
        co_funding.reverse_payment(committee, paid, today() - timedelta(days=21), " ")
    assert [f for f, _m in refused.value.problems] == ["reason", "on_date"]
    reversal = co_funding.reverse_payment(committee, paid, today(), "Entered on the wrong "
                                                                    "agreement")
    _commit()
    assert (reversal.amount, reversal.reverses_id) == (D("-1000000.00"), paid.id)
    assert (district.paid, district.outstanding) == (D("0"), D("1000000.00"))
    with pytest.raises(Refused):
        co_funding.reverse_payment(committee, paid, today(), "Again")
    with pytest.raises(Refused):
        co_funding.reverse_payment(committee, reversal, today(), "Back")
    assert db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "co_funder_payments").order_by(AuditRecord.id)).all() == [
        "co_funder.payment", "co_funder.reverse"]


def test_only_hq_admins_and_the_committee_record_payments(agreement):
    for role in (Role.OBSERVER, Role.PROJECT_MANAGER, Role.INSTITUTE_DIRECTOR):
        with pytest.raises(Forbidden):
            co_funding.record_payment(make_user(role), agreement.co_funders[0],
                                      amount=D("1"), paid_on=today())


def test_hq_records_and_reverses_a_payment_on_the_funding_page(client, agreement):
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    city = agreement.co_funders[0]
    path = f"/funding/co-funders/{city.id}/pay"
    assert "Payment by 苏州市" in client.get(path).get_data(as_text=True)
    response = post(client, path, {**tab(client, path), "amount": "2,000,000.01",
                                   "paid_on": today().isoformat(), "reference": ""})
    assert response.status_code == 400
    assert "at most CN¥2,000,000.00 more" in response.get_data(as_text=True)
    response = post(client, path, {**tab(client, path), "amount": "800,000",
                                   "paid_on": today().isoformat(), "reference": "HX-7"})
    assert response.status_code == 302
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert "Payments by co-funders" in page and "HX-7" in page
    # HQ 4,000,000 committed, 0 disbursed; the city 800,000 of 2,000,000; the district none.
    assert "CN¥7,000,000.00" in page and "CN¥800,000.00" in page
    paid = db.session.scalars(select(CoFunderPayment)).one()
    path = f"/funding/co-funder-payments/{paid.id}/reverse"
    response = post(client, path, {**tab(client, path), "on_date": today().isoformat(),
                                   "reason": "Paid to another project"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert "Reverses the payment of" in page and "Paid to another project" in page


def test_the_all_funders_row_adds_up_every_column_of_the_funders_table(app, agreement):
    """Found by a newcomer: the total row had no outstanding figure, each funder's row had."""
    city = agreement.co_funders[0]
    co_funding.record_payment(make_user(Role.HQ_ADMIN), city, amount=D("800000"),
                              paid_on=today())
    _commit()
    assert agreement.funders_outstanding == [D("4000000"), D("1200000.00"), D("1000000.00")]
    for locale in ("en", "zh_CN"):
        client = app.test_client()
        login(client, make_user(Role.INVESTMENT_COMMITTEE, locale=locale))
        page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
        foot = page.split('<section id="co-funders">')[1].split("<tfoot>")[1].split("</tfoot>")[0]
        # Parts 2 + 1 + 0.5, 100 % of the money, 7,000,000 committed, 800,000 paid, and
        # HQ's 4,000,000 + the city's 1,200,000 + the district's 1,000,000 still owed.
        cells = [c.split("</td>")[0].replace("CN¥", "¥")
                 for c in foot.split('<td class="num">')[1:]]
        assert cells == ["3.5", "100.00%", "¥7,000,000.00", "¥800,000.00",
                         "¥6,200,000.00"], (locale, foot)
        assert ("全部出资方" if locale == "zh_CN" else "All funders") in foot


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_co_funder_paid_in_full_is_offered_no_payment_and_hears_why(client, agreement, locale):
    """The funding page offered "Record a payment" while something was owed, read in the
    template, and the payment's page drew its form for a co-funder paid in full, whose post
    then answered 400 'at most ¥0.00 more' (issue 9 point 6): the link is offered exactly
    while the page answers 200, and the refusal is a 409 with the way back."""
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    city, district = agreement.co_funders
    co_funding.record_payment(admin, district, amount=D("1000000"),
                              paid_on=today(), reference="")  # all of the district's
    _commit()
    login(client, admin)
    funding_page = f"/projects/{agreement.project_id}/funding"
    page = html.unescape(client.get(funding_page).get_data(as_text=True))
    # Said in the district's row where the link was, pointing to the row to reverse, not to
    # the funding page the reader is on.
    assert f'<span class="help">{co_funding.pay_refusal(district)}</span>' in page
    assert co_funding.pay_refusal(city) is None
    assert "funding page" not in page and "拨投页面" not in page
    for co_funder, payable in ((city, True), (district, False)):
        path = f"/funding/co-funders/{co_funder.id}/pay"
        assert (f'href="{path}"' in page) is payable
        response = client.get(path)
        assert response.status_code == (200 if payable else 409)
        if not payable:
            said = co_funding.pay_refusal(co_funder)
            assert said in response.get_data(as_text=True)
            assert f'href="{funding_page}#co-funders"' in response.get_data(as_text=True)
            with pytest.raises(Refused, match="CN¥1,000,000.00|¥1,000,000.00"):
                co_funding.record_payment(admin, co_funder, amount=D("1"), paid_on=today())
