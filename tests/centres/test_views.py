"""HQ records a centre's agreement, renews it, corrects a term (a stale copy refused), records
the enterprise's payments; the centre's page and HQ's overview show status and figures, the
dormant centres on asking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_centre, make_need, make_user
from tests.test_edits import tab
from tests.test_query_counts import assert_steady
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.centres import services
from tracker.centres.models import CentreAgreement, CentrePayment

TERM = {"signed_on": "2024-03-20", "starts_on": "2024-04-01", "ends_on": "2027-03-31",
        "committed": "3,000,000"}


def test_hq_records_renews_and_is_paid(client):
    admin = make_user(Role.HQ_ADMIN)
    centre = make_centre(name="徐工-产研院联合创新中心")
    make_need(centre_id=centre.id, enterprise=centre.enterprise)
    login(client, admin)
    path = f"/centres/{centre.id}/agreements/new"
    assert "Record the agreement" in client.get(path).get_data(as_text=True)
    response = post(client, path, {**tab(client, path), **TERM})
    assert response.status_code == 302, response.get_data(as_text=True)
    term = db.session.scalars(select(CentreAgreement)).one()
    assert (term.committed, term.renews_id) == (Decimal("3000000.00"), None)
    page = client.get(path).get_data(as_text=True)
    assert "Renew the agreement" in page
    # A renewal that starts with the term it renews is refused beside its field.
    refused = post(client, path, {**tab(client, path), **TERM, "ends_on": "2030-03-31"})
    assert refused.status_code == 400
    assert "A renewal starts after the term it renews starts" in refused.get_data(as_text=True)
    post(client, path, {**tab(client, path), "signed_on": "2026-11-01",
                        "starts_on": "2027-04-01", "ends_on": "2030-03-31",
                        "committed": "5000000"})
    renewal = db.session.scalars(select(CentreAgreement).where(
        CentreAgreement.renews_id == term.id)).one()
    pay = f"/centres/agreements/{renewal.id}/payments/new"
    assert post(client, pay, {**tab(client, pay), "paid_on": "2026-11-20",
                              "amount": "1,250,000.50"}).status_code == 302
    assert db.session.scalars(select(CentrePayment.amount)).all() == [Decimal("1250000.50")]
    shown = client.get(f"/centres/{centre.id}").get_data(as_text=True)
    # Today the first term still runs: active; the renewal is listed as such.
    assert ">In operation</span>" in shown and ">Renewal</span>" in shown
    assert "1,250,000.50" in shown and "8,000,000.00" in shown
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.like("centre_agreement.%")).order_by(AuditRecord.id)).all()
    assert actions == ["centre_agreement.create", "centre_agreement.renew",
                       "centre_agreement.payment"]
    history = client.get(f"/history/joint_innovation_centres/{centre.id}").get_data(as_text=True)
    assert "Centre agreement renewed" in history and "Payment by the enterprise recorded" in history


def test_a_stale_correction_is_refused_with_409(client):
    admin = make_user(Role.HQ_ADMIN)
    centre = make_centre()
    term = services.record_agreement(admin, centre, signed_on=date(2024, 3, 20),
                                     starts_on=date(2024, 4, 1), ends_on=date(2027, 3, 31),
                                     committed=Decimal("3000000"))
    db.session.commit()
    login(client, admin)
    path = f"/centres/agreements/{term.id}/edit"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, {**first, **TERM, "committed": "3500000"}).status_code == 302
    stale = post(client, path, {**second, **TERM, "committed": "4000000"})
    assert stale.status_code == 409
    db.session.refresh(term)
    assert term.committed == Decimal("3500000.00")


def test_hq_sees_the_dormant_centres_and_others_do_not(client):
    admin = make_user(Role.HQ_ADMIN)
    quiet, busy = make_centre(name="Quiet centre"), make_centre(name="Busy centre")
    for centre in (quiet, busy):
        services.record_agreement(admin, centre, signed_on=date(2023, 3, 20),
                                  starts_on=date(2023, 4, 1), ends_on=date(2029, 3, 31),
                                  committed=Decimal("1000000"))
    make_need(centre_id=busy.id, enterprise=busy.enterprise)  # raised today
    db.session.commit()
    login(client, make_user(Role.OBSERVER))
    page = client.get("/centres/overview?status=dormant").get_data(as_text=True)
    assert "Quiet centre" in page and "Busy centre" not in page
    everyone = client.get("/centres/overview").get_data(as_text=True)
    assert "Quiet centre" in everyone and "Busy centre" in everyone
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get("/centres/overview").status_code == 403
    shown = client.get(f"/centres/{quiet.id}").get_data(as_text=True)
    assert "Dormant" in shown and "1,000,000.00" not in shown  # the money is HQ's to see


def test_a_payment_above_the_commitment_is_refused_and_a_mistaken_one_reversed(client):
    """What the enterprise paid never passes its commitment (the tester's ¥99,999,999 against
    ¥5,000,000 was accepted); a payment recorded by mistake is reversed with a reason, both
    stay on the centre's page and every figure follows; the reversal is offered once."""
    admin = make_user(Role.HQ_ADMIN)
    centre = make_centre()
    term = services.record_agreement(admin, centre, signed_on=date(2024, 3, 20),
                                     starts_on=date(2024, 4, 1), ends_on=date(2027, 3, 31),
                                     committed=Decimal("5000000"))
    db.session.commit()
    login(client, admin)
    pay = f"/centres/agreements/{term.id}/payments/new"
    refused = post(client, pay, {**tab(client, pay), "paid_on": "2025-01-10",
                                 "amount": "99999999"})
    assert refused.status_code == 400
    assert "at most CN¥5,000,000.00 more" in refused.get_data(as_text=True)
    assert post(client, pay, {**tab(client, pay), "paid_on": "2025-01-10",
                              "amount": "3000000"}).status_code == 302
    assert post(client, pay, {**tab(client, pay), "paid_on": "2025-02-10",
                              "amount": "2000001"}).status_code == 400
    # The commitment can't be corrected below what was paid, nor the signing after a payment.
    edit = f"/centres/agreements/{term.id}/edit"
    page = post(client, edit, {**tab(client, edit), **TERM, "signed_on": "2025-02-01",
                               "committed": "2,000,000"}).get_data(as_text=True)
    assert "has paid CN¥3,000,000.00 under this term already" in page
    assert "A payment was recorded on Jan 10, 2025" in page
    paid = db.session.scalars(select(CentrePayment)).one()
    reverse = f"/centres/payments/{paid.id}/reverse"
    assert post(client, reverse, {**tab(client, reverse), "on_date": "2025-03-01",
                                  "reason": ""}).status_code == 400
    assert post(client, reverse, {**tab(client, reverse), "on_date": "2025-03-01",
                                  "reason": "Booked twice"}).status_code == 302
    reversal = db.session.scalars(select(CentrePayment).where(
        CentrePayment.reverses_id == paid.id)).one()
    assert (reversal.amount, reversal.paid_on) == (Decimal("-3000000.00"), date(2025, 3, 1))
    db.session.refresh(term)
    assert (term.paid, term.outstanding) == (Decimal("0.00"), Decimal("5000000.00"))
    shown = client.get(f"/centres/{centre.id}").get_data(as_text=True)
    assert "Reversed on Mar 1, 2025" in shown and "Booked twice" in shown
    assert reverse not in shown  # offered once
    assert client.get(reverse).status_code == 409  # nor its form, by an old link
    overview = client.get("/centres/overview").get_data(as_text=True)
    assert "5,000,000.00" in overview
    history = client.get(f"/history/joint_innovation_centres/{centre.id}").get_data(as_text=True)
    assert "Payment by the enterprise reversed" in history
    # The whole commitment can be paid again once the mistake is reversed.
    assert post(client, pay, {**tab(client, pay), "paid_on": "2025-03-02",
                              "amount": "5000000"}).status_code == 302


def test_the_centre_page_does_not_grow_with_its_terms_and_payments(app, engine):
    """Its terms, their payments and the reversals: read one by one, they were a statement a
    term and one a payment (found by the issue 21 audit)."""
    admin = make_user(Role.HQ_ADMIN)
    centre = make_centre()

    def term(year: int) -> None:
        agreement = services.record_agreement(
            admin, centre, signed_on=date(year, 3, 20), starts_on=date(year, 4, 1),
            ends_on=date(year + 1, 3, 31), committed=Decimal("3000000"))
        for month in (5, 6):
            paid = services.record_payment(admin, agreement, paid_on=date(year, month, 1),
                                           amount=Decimal("100000"))
        services.reverse_payment(admin, paid, date(year, 7, 1), "Entered twice")
        db.session.commit()

    term(2020)
    assert_steady(app, engine, lambda: [term(2021), term(2022)],
                  [(admin, f"/centres/{centre.id}"), (make_user(), f"/centres/{centre.id}")])
