"""A deal's terms hold what was recorded under them, and its dates fit its achievement (issue 16
T13/T16, issue 9 point 3, found by a newcomer): once a royalty report or income stands, the
licensee, the kind of deal, the royalty (rate, base, minimum) and the contributors' share it
rests on are not changed silently (refused beside the field, naming what stands, until it is
reversed); a deal is signed no earlier than its achievement's project began or its first right
was filed; a deal without a royalty says so."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_user
from tests.test_edits import tab
from tracker.accounts.models import Role
from tracker.achievements import deal_corrections, deals
from tracker.errors import Invalid

D = Decimal
TERMS = ("enterprise_id", "kind", "signed_on", "ends_on", "upfront", "royalty_pct",
         "royalty_base", "minimum_royalty", "reporting_months", "report_days", "payment_days",
         "contributor_pct", "override_reason", "ip_deal_id", "upfront_due_on")


@pytest.fixture
def hq():
    return make_user(Role.HQ_ADMIN)


@pytest.fixture
def transfer(hq):
    """Signed 15 January 2026, quarterly, 5 % of net sales, 50 % to the contributors."""
    return make_transfer(make_achievement(), hq)


def terms(transfer, **changed) -> dict:
    values = {k: getattr(transfer, k) for k in TERMS}
    values["kind"] = transfer.kind.value
    values["royalty_base"] = transfer.royalty_base.value if transfer.royalty_base else None
    return {**values, **changed}


def refused(hq, transfer, **changed) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        deals.save_transfer(hq, transfer.achievement, transfer, **terms(transfer, **changed))
    return dict(caught.value.problems)


def report(hq, transfer):
    made = deals.record_report(hq, transfer, received_on=date(2026, 4, 20),
                               base_amount=D("1000000"))
    _commit()
    return made


def test_a_standing_report_fixes_the_licensee_the_kind_and_the_royalty(hq, transfer):
    report(hq, transfer)
    problems = refused(hq, transfer, enterprise_id=make_enterprise().id,
                       kind="non_exclusive_licence", royalty_pct=D("7"),
                       royalty_base="gross_sales", minimum_royalty=D("1"))
    assert set(problems) == {"enterprise_id", "kind", "royalty_pct", "royalty_base",
                             "minimum_royalty"}
    for said in problems.values():
        assert "the royalty reports of Jan 15, 2026 – Apr 14, 2026" in said
        assert "reverse those first" in said
    assert "(5.00%)" in problems["royalty_pct"]
    assert "(Exclusive licence)" in problems["kind"]
    # the split rests on receipts, not on reports; a term nothing rests on still changes
    deals.save_transfer(hq, transfer.achievement, transfer,
                        **terms(transfer, contributor_pct=D("60"), report_days=45))
    assert transfer.contributor_pct == D("60")


def test_a_standing_receipt_fixes_the_licensee_the_kind_and_the_split(hq, transfer):
    receipt = deals.record_income(hq, transfer, received_on=date(2026, 2, 1),
                                  amount=D("100000"), costs=None, pays="upfront",
                                  report_id=None)
    _commit()
    problems = refused(hq, transfer, contributor_pct=D("70"), kind="transfer")
    assert set(problems) == {"contributor_pct", "kind"}
    assert "the income received on Feb 1, 2026" in problems["contributor_pct"]
    # the rate rests on reports only: none stands
    deals.save_transfer(hq, transfer.achievement, transfer, **terms(transfer, royalty_pct=D("6")))
    # reversed, nothing stands: the deal is corrected
    deal_corrections.reverse_income(hq, receipt, date(2026, 2, 2), "Recorded twice.")
    _commit()
    other = make_enterprise()
    deals.save_transfer(hq, transfer.achievement, transfer,
                        **terms(transfer, enterprise_id=other.id, contributor_pct=D("70")))
    assert (transfer.enterprise_id, transfer.contributor_pct) == (other.id, D("70"))


@pytest.mark.parametrize("locale, said", [
    ("en", "reverse those first to change it"), ("zh_CN", "请先冲销")])
def test_the_deals_form_refuses_a_new_licensee_beside_the_field(client, hq, transfer, locale,
                                                                said):
    report(hq, transfer)
    hq.locale = locale
    _commit()
    login(client, hq)
    path = f"/transfers/{transfer.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert said in page  # the fixed terms say so before anything is sent
    values = {k: ("" if v is None else str(v)) for k, v in terms(transfer).items()}
    values.update(enterprise_id=str(make_enterprise().id), ip_deal_id="0", **tab(client, path))
    answer = post(client, path, values)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert said in text.split('id="enterprise_id"')[1][:3000]


def test_a_deal_is_signed_no_earlier_than_its_project_began(hq):
    achievement = make_achievement()  # its project begins on 1 January 2026
    with pytest.raises(Invalid) as caught:
        make_transfer(achievement, hq, signed_on=date(2001, 3, 1))
    assert dict(caught.value.problems) == {"signed_on": (
        "A deal in “Solid-state electrolyte” is signed no earlier than Jan 1, 2026, when its "
        "project began or its first right was filed.")}
    assert make_transfer(achievement, hq, signed_on=date(2026, 1, 1)).id


def test_a_right_filed_before_the_project_began_is_dealt_in_from_its_filing(hq):
    achievement = make_achievement()
    make_patent(achievement)  # filed on 1 March 2024
    with pytest.raises(Invalid):
        make_transfer(achievement, hq, signed_on=date(2024, 2, 29))
    transfer = make_transfer(achievement, hq, signed_on=date(2024, 3, 1))
    # a deal already recorded is held to it when changed, and its income follows its signing
    assert list(refused(hq, transfer, signed_on=date(2001, 1, 1))) == ["signed_on"]
    with pytest.raises(Invalid) as caught:
        deals.record_income(hq, transfer, received_on=date(2001, 6, 1), amount=D("100"),
                            costs=None, pays="other", report_id=None)
    assert list(dict(caught.value.problems)) == ["received_on"]


@pytest.mark.parametrize("locale, said, not_said", [
    ("en", "No royalty", "0.00%"), ("zh_CN", "无提成", "0.00%")])
def test_a_deal_without_a_royalty_says_so(client, hq, locale, said, not_said):
    transfer = make_transfer(make_achievement(), hq, kind="transfer", royalty_pct=D("0"),
                             royalty_base=None, minimum_royalty=D("0"), reporting_months=0)
    hq.locale = locale
    _commit()
    login(client, hq)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    facts = re.findall(r"<dt>[^<]*</dt><dd>([^<]*)</dd>", page)
    assert said in facts and not_said not in facts
