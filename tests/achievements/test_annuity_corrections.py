"""Patent annuities as a patent attorney keeps them (issue 16, F22/F40, found by a newcomer): a
payment above the fee is only a late payment's surcharge, within the office's cap and with a
reason; the years fall due in order, each once; an unpaid annuity recorded wrongly is corrected;
a payment recorded by mistake is reversed with a reason, both stay on the patent's page and in
its history, and the annuity is due (and reminded) again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import _commit
from tracker import db
from tracker.achievements import annuities, services
from tracker.achievements.models import Annuity, AnnuityPaymentReversal
from tracker.audit.models import AuditRecord
from tracker.display.formatting import day
from tracker.errors import Invalid
from tracker.reminders import scan

DUE = date(2026, 3, 1)


def _problems(error) -> dict[str, str]:
    return dict(error.value.problems)


def _annuity(year_no=3, due_on=DUE, fee="900") -> Annuity:
    right = make_patent(make_achievement())  # filed 2024-03-01
    annuity = services.add_annuity(right.achievement.project.pm, right, year_no=year_no,
                                   due_on=due_on, fee=Decimal(fee))
    _commit()
    return annuity


@pytest.mark.parametrize(("paid_on", "cap"), [
    (date(2026, 2, 20), "900.00"),  # on time
    (date(2026, 4, 1), "900.00"),  # a month late to the day: no surcharge yet
    (date(2026, 4, 2), "945.00"),  # past the first month: 5 %
    (date(2026, 5, 15), "990.00"),  # two full months: 10 %
    (date(2026, 8, 2), "1125.00"),  # six months late: 25 %, the most
    (date(2026, 11, 1), "1125.00"),
])
def test_the_most_an_annuity_can_cost_grows_5_percent_a_month_late_to_25(paid_on, cap):
    assert annuities.late_fee_cap(Annuity(due_on=DUE, fee=Decimal("900")),
                                  paid_on) == Decimal(cap)


def test_a_payment_above_the_fee_is_a_surcharge_within_the_cap_and_says_why():
    annuity = _annuity()
    pm = annuity.right.achievement.project.pm
    with pytest.raises(Invalid) as refused:  # paid on time: ten times the fee is a typo
        services.pay_annuity(pm, annuity, paid_on=date(2026, 2, 20), amount=Decimal("9000"))
    assert "no surcharge is owed" in _problems(refused)["amount"]
    with pytest.raises(Invalid) as refused:  # two months late: at most 10 % more
        services.pay_annuity(pm, annuity, paid_on=date(2026, 5, 15), amount=Decimal("991"))
    assert "990.00" in _problems(refused)["amount"]
    with pytest.raises(Invalid) as refused:  # within it, but say why
        services.pay_annuity(pm, annuity, paid_on=date(2026, 5, 15), amount=Decimal("990"))
    assert set(_problems(refused)) == {"late_fee_reason"}
    services.pay_annuity(pm, annuity, paid_on=date(2026, 5, 15), amount=Decimal("990"),
                         late_fee_reason="Paid late, 10 % surcharge")
    _commit()
    assert (annuity.paid_amount, annuity.late_fee_reason) == (
        Decimal("990.00"), "Paid late, 10 % surcharge")


def test_the_form_refuses_a_payment_far_above_the_fee_beside_the_amount(client):
    annuity = _annuity()
    login(client, annuity.right.achievement.project.pm)
    response = post(client, f"/annuities/{annuity.id}/pay",
                    {"paid_on": "2026-02-20", "amount": "90000"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    beside = page[page.index(f'id="annuity-{annuity.id}-amount-error"'):][:400]
    assert "no surcharge is owed" in beside
    assert not db.session.get(Annuity, annuity.id).paid


def test_the_years_fall_due_in_order_each_once():
    annuity = _annuity(year_no=4, due_on=date(2027, 3, 1))
    right, pm = annuity.right, annuity.right.achievement.project.pm
    with pytest.raises(Invalid) as refused:  # year 5 before year 4
        services.add_annuity(pm, right, year_no=5, due_on=date(2027, 2, 1), fee=Decimal("1"))
    assert _problems(refused) == {"due_on": "The annuity of year 4 is due on Mar 1, 2027: "
                                            "year 5 falls due after it."}
    with pytest.raises(Invalid) as refused:  # year 3 after year 4
        services.add_annuity(pm, right, year_no=3, due_on=date(2027, 4, 1), fee=Decimal("1"))
    assert "year 3 falls due before it" in _problems(refused)["due_on"]
    with pytest.raises(Invalid) as refused:  # the same day is not later
        services.add_annuity(pm, right, year_no=5, due_on=date(2027, 3, 1), fee=Decimal("1"))
    assert "due_on" in _problems(refused)
    with pytest.raises(Invalid) as refused:
        services.add_annuity(pm, right, year_no=4, due_on=date(2028, 3, 1), fee=Decimal("1"))
    assert set(_problems(refused)) == {"year_no"}
    services.add_annuity(pm, right, year_no=5, due_on=date(2028, 3, 1), fee=Decimal("1200"))
    services.add_annuity(pm, right, year_no=3, due_on=date(2026, 3, 1), fee=Decimal("900"))
    _commit()
    db.session.expire(right, ["annuities"])
    assert [(a.year_no, a.due_on.year) for a in right.annuities] == [
        (3, 2026), (4, 2027), (5, 2028)]


def test_an_unpaid_annuity_recorded_wrongly_is_corrected_and_audited(client):
    annuity = _annuity(year_no=4, due_on=date(2027, 3, 1))
    right, pm = annuity.right, annuity.right.achievement.project.pm
    services.add_annuity(pm, right, year_no=5, due_on=date(2028, 3, 1), fee=Decimal("1200"))
    _commit()
    login(client, pm)
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert f"/annuities/{annuity.id}/edit" in page
    assert client.get(f"/annuities/{annuity.id}/edit").status_code == 200
    response = post(client, f"/annuities/{annuity.id}/edit",
                    {"due_on": "2028-04-01", "fee": "1200"})  # after year 5: refused
    assert response.status_code == 400
    assert "year 4 falls due before it" in response.get_data(as_text=True)
    response = post(client, f"/annuities/{annuity.id}/edit",
                    {"due_on": "2027-04-15", "fee": "1260.00"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(annuity)
    assert (annuity.due_on, annuity.fee) == (date(2027, 4, 15), Decimal("1260.00"))
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.object_type == "patent_annuities", AuditRecord.object_id == annuity.id)
        .order_by(AuditRecord.id.desc()))
    assert record.action == "annuity.update"
    assert record.changes["due_on"] == ["2027-03-01", "2027-04-15"]
    # Reminders follow the new date: 60 days before 15 April, not 1 March.
    assert scan.scan(date(2026, 12, 31)).found == 0
    assert scan.scan(date(2027, 2, 14)).found == 1


def test_a_paid_annuity_is_reversed_with_a_reason_and_is_due_again(client):
    annuity = _annuity(year_no=4, due_on=date(2027, 3, 1))
    right, pm = annuity.right, annuity.right.achievement.project.pm
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 2), amount=Decimal("900"))
    _commit()
    assert scan.scan(date(2026, 12, 31)).found == 0
    login(client, pm)
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert f"/annuities/{annuity.id}/reverse" in page
    assert f"/annuities/{annuity.id}/edit" not in page
    assert client.get(f"/annuities/{annuity.id}/edit").status_code == 409  # reverse first
    assert client.get(f"/annuities/{annuity.id}/reverse").status_code == 200
    response = post(client, f"/annuities/{annuity.id}/reverse",
                    {"on_date": "2026-11-03", "reason": ""})
    assert response.status_code == 400
    response = post(client, f"/annuities/{annuity.id}/reverse",
                    {"on_date": "2026-11-03", "reason": "Paid for the wrong patent"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(annuity)
    assert not annuity.paid and right.annuities_paid == 0
    reversal = db.session.scalar(select(AnnuityPaymentReversal))
    assert (reversal.paid_on, reversal.paid_amount, reversal.reason) == (
        date(2026, 11, 2), Decimal("900.00"), "Paid for the wrong patent")
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert "Paid for the wrong patent" in page and day(date(2026, 11, 2)) in page
    assert f"/annuities/{annuity.id}/pay" in page  # due again: paid again from here
    assert client.get(f"/annuities/{annuity.id}/reverse").status_code == 409
    actions = list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "patent_annuities", AuditRecord.object_id == annuity.id)
        .order_by(AuditRecord.id)))
    assert actions == ["annuity.create", "annuity.pay", "annuity.reverse_payment"]
    assert scan.scan(date(2026, 12, 31)).found == 1  # reminded again
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 20), amount=Decimal("900"))
    _commit()
    assert annuity.paid and len(annuity.reversals) == 1
