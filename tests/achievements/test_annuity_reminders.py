"""Patent annuities are a reminder rule (`patent_annuity`), tested through a real scan: the PM
hears 60 and 14 days before and the day after, HQ admins 30 days late; paying the annuity, or
the patent lapsing, stops them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.models import RightStatus
from tracker.display.history import field_label
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage
from tracker.reminders.rules import RULES

DUE = date(2027, 3, 1)


def _sent() -> list[tuple[int, str]]:
    return [(m.recipient_id, m.occurrence) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "patent_annuity")
        .order_by(OutboxMessage.id))]


def test_the_rule_is_in_the_catalogue_with_its_ladder():
    rule = RULES["patent_annuity"]
    assert [(s.audience.value, str(s.when), s.default) for s in rule.steps] == [
        ("owner", "before", 60), ("owner", "before", 14), ("owner", "after", 1),
        ("hq", "after", 30)]


def test_an_unpaid_annuity_reminds_the_pm_then_hq_and_stops_once_paid():
    hq = make_user(Role.HQ_ADMIN)
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    annuity = services.add_annuity(pm, right, year_no=4, due_on=DUE, fee=Decimal("1200"))
    _commit()
    assert scan.scan(date(2026, 12, 30)).found == 0  # 61 days before
    assert scan.scan(date(2026, 12, 31)).new == 1  # 60 days before
    assert scan.scan(date(2026, 12, 31)).new == 0  # once
    scan.scan(date(2027, 2, 15))  # 14 days before
    scan.scan(date(2027, 3, 2))  # the day after
    scan.scan(date(2027, 3, 31))  # 30 days late: HQ
    assert _sent() == [(pm.id, "2027-03-01--60d"), (pm.id, "2027-03-01--14d"),
                       (pm.id, "2027-03-01-1d"), (hq.id, "2027-03-01-30d")] or \
        [who for who, _o in _sent()] == [pm.id, pm.id, pm.id, hq.id]
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.rule == "patent_annuity").order_by(OutboxMessage.id))
    assert message.details["path"] == f"/ip-rights/{right.id}"
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 1), amount=Decimal("1200"))
    _commit()
    assert scan.scan(date(2027, 4, 2)).found == 0


def test_a_lapsed_patent_is_not_reminded():
    achievement = make_achievement()
    right = make_patent(achievement)
    services.add_annuity(achievement.project.pm, right, year_no=2, due_on=DUE,
                         fee=Decimal("900"))
    right.status = RightStatus.LAPSED  # listed while it was live, lapsed since
    _commit()
    assert scan.scan(date(2027, 2, 15)).found == 0


def test_a_token_payment_is_refused_beside_the_amount_and_the_annuity_is_still_reminded(client):
    """Issue 16 T18: ¥1 recorded against a ¥1,200.00 fee closed the annuity, its reminders
    stopped and the patent would have lapsed. An annuity is paid in full: less is refused
    beside the amount, and the annuity stays due and reminded."""
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    annuity = services.add_annuity(pm, right, year_no=3, due_on=DUE, fee=Decimal("1200"))
    _commit()
    login(client, pm)
    for amount in ("1", "1199.99"):
        response = post(client, f"/annuities/{annuity.id}/pay",
                         {"paid_on": "2026-11-01", "amount": amount})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        beside = page[page.index(f'id="annuity-{annuity.id}-amount-error"'):][:400]
        assert "less than the fee of" in beside and "1,200.00" in beside
    db.session.refresh(annuity)
    assert not annuity.paid and annuity.paid_amount is None
    assert scan.scan(date(2026, 12, 31)).new == 1  # 60 days before: still reminded
    assert [who for who, _o in _sent()] == [pm.id]
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 20), amount=Decimal("1200"))
    _commit()
    assert scan.scan(date(2027, 3, 2)).found == 0  # paid in full: no more


def test_the_payment_in_the_history_is_dated_as_a_fee_paid(client):
    """Issue 16 T18: the history labelled the payment's date 拨付日期, the word of a
    disbursement."""
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    annuity = services.add_annuity(pm, right, year_no=3, due_on=DUE, fee=Decimal("1200"))
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 1), amount=Decimal("1200"))
    _commit()
    login(client, pm)
    page = client.get(f"/history/patent_annuities/{annuity.id}").get_data(as_text=True)
    assert "Fee paid on" in page and ">Paid on<" not in page
    with force_locale("zh"):
        assert field_label("paid_on", "patent_annuities") == "缴费日期"
        assert field_label("granted_on", "ip_rights") == "授权或登记日"


def test_the_right_s_history_shows_its_annuities_named_by_year_and_right(client):
    """Issue 16 T15: the right's history left out its annuities, and an annuity's own history
    was titled by its id."""
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    annuity = services.add_annuity(pm, right, year_no=3, due_on=DUE, fee=Decimal("1200"))
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 1), amount=Decimal("1200"))
    _commit()
    login(client, pm)
    page = client.get(f"/history/ip_rights/{right.id}").get_data(as_text=True)
    assert "Patent annuity paid" in page and "Annuity of year 3" in page
    own = client.get(f"/history/patent_annuities/{annuity.id}").get_data(as_text=True)
    assert f"Annuity of year 3 · {right.name}" in own and "no. " not in own.split("</h1>")[0]
