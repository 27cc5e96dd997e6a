"""What an agreement's co-funders paid comes in with the agreement (issue 13): the funding
import's `co_funder_payments` column, each payment by the co-funder it names through
`co_funding.record_payment` (never above its commitment, not before the signing), each
reversal through `co_funding.reverse_payment`, as the funding page records them; every
problem beside the column, nothing written when a row is refused; the export writes the
column, and a network's payments come round trip into an empty database."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_empty_database import _populate, empty_network, import_in_order
from tests.imports.test_funding import KEYS, ROW, _setting_with_history
from tracker import db
from tracker.funding.models import FundingAgreement
from tracker.imports import export
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.partners import co_funding
from tracker.partners import services as partners
from tracker.partners.models import GovernmentLevel, PartnerKind
from tracker.partners.payment_models import CoFunderPayment

# HQ commits 3,000,000 at 1 : 苏州市 1 : 工业园区 0.5, so 苏州市 owes 3,000,000 and 工业园区
# 1,500,000.
PAID = ("苏州市: 2019-07-01: 1000000: SZ-2019-01; 工业园区: 2019-07-02: 500000; "
        "reversal | 2 | 2019-07-05 | the district's deposit; 工业园区: 2019-07-08: 500000")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(CoFunderPayment))


def test_co_funders_payments_come_in_with_the_agreement_and_again_change_nothing():
    admin, committee = _setting_with_history()
    row = [*ROW[:-1], PAID]
    dry = run(admin, "funding", [KEYS, row], dry_run=True)
    assert (dry.state, dry.created, _count()) == (ImportState.CHECKED, 1, 0), dry.errors
    result = run(admin, "funding", [KEYS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    agreement = db.session.scalar(select(FundingAgreement))
    city, park = agreement.co_funders
    assert (city.paid, city.outstanding, park.paid, park.outstanding) == (
        Decimal("1000000"), Decimal("2000000"), Decimal("500000"), Decimal("1000000"))
    first, reversal, again = park.payments
    assert (reversal.reverses_id, reversal.amount, reversal.reason, reversal.recorded_by_id) == (
        first.id, Decimal("-500000"), "the district's deposit", committee.id)
    assert city.payments[0].reference == "SZ-2019-01"
    assert list(csv.reader(io.StringIO(export_csv("funding").decode())))[1] == row
    assert run(admin, "funding", [KEYS, row]).unchanged == 1
    more = [*ROW[:-1], f"{PAID}; 苏州市: 2020-01-10: 2000000"]
    assert run(admin, "funding", [KEYS, more]).updated == 1
    assert (city.paid, _count()) == (Decimal("3000000"), 5)


def test_each_problem_of_the_payments_is_said_beside_the_column_and_nothing_is_written():
    admin, _committee = _setting_with_history()
    partners.save_partner(admin, None, name="相城区", name_en="Xiangcheng District",
                          kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.DISTRICT)
    cells = {
        "苏州市: 2019-07-01: 3000000.01": "at most",   # above what it committed
        "苏州市: 2019-05-01: 1000": "once the agreement is signed",
        "Xiangcheng District: 2019-07-01: 1000": "not a co-funder of this agreement",
        "Nobody: 2019-07-01: 1000": "Nobody is not a co-funder of this agreement",
        "苏州市: 2019-07-01": "Write each co-funder's payment",
        "苏州市: 2019-07-01: 1000; reversal | 1 | 2019-06-01 | early": "on or after"}
    for text, expected in cells.items():
        result = run(admin, "funding", [KEYS, [*ROW[:-1], text]])
        assert [(r, c) for r, c, _m in result.errors] == [(2, "Co-funders' payments")], (
            text, result.errors)
        assert expected in result.errors[0][2], (text, result.errors)
        assert (_count(), db.session.scalar(select(func.count()).select_from(
            FundingAgreement))) == (0, 0)


def test_a_recorded_payment_the_file_leaves_out_is_refused():
    admin, _committee = _setting_with_history()
    assert run(admin, "funding", [KEYS, [*ROW[:-1], PAID]]).state is ImportState.DONE
    result = run(admin, "funding", [KEYS, [*ROW[:-1], "苏州市: 2019-07-01: 1000000: SZ-2019-01"]])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Co-funders' payments")]
    assert "reverse it on the funding page" in result.errors[0][2]


def test_co_funders_payments_recorded_on_the_page_come_round_trip_into_an_empty_database(
        app, tmp_path):
    admin = _populate()
    agreement = db.session.scalar(select(FundingAgreement))
    committee = agreement.decided_by
    from tracker.funding import amendments
    amendments.save_agreement(
        committee, agreement, committed=agreement.committed, hq_ratio=agreement.hq_ratio,
        discount_pct=agreement.discount_pct, qualifying_round_min=agreement.qualifying_round_min,
        signed_on=agreement.signed_on, conversion_deadline=agreement.conversion_deadline,
        co_funders=[("苏州市", Decimal("1"))], reason="the city joined")
    [city] = agreement.co_funders
    paid = co_funding.record_payment(committee, city, amount=Decimal("400000"),
                                     paid_on=agreement.signed_on, reference="SZ-1")
    co_funding.reverse_payment(committee, paid, agreement.signed_on, "paid twice")
    db.session.commit()
    db.session.expire_all()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert "苏州市: 2019-06-01: 400000: SZ-1; reversal | 1 | 2019-06-01 | paid twice" in (
        exported["funding"].decode())
    with empty_network(app, tmp_path, admin) as importer:
        import_in_order(importer, exported)
        assert _count() == 2
        again = {kind: export.export_csv(kind) for kind in export.ROWS}
    assert {k: v.decode() for k, v in again.items()} == {
        k: v.decode() for k, v in exported.items()}
