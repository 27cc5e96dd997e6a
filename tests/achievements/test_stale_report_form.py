"""A royalty report form names the period its page offered (F36a, issue 9): sent after someone
else recorded that period's report meanwhile, it is refused (409) with what changed, and never
saved as the report of the next period."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

from sqlalchemy import func, select

from tests.achievements.helpers import make_achievement, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deals
from tracker.achievements.deal_models import RoyaltyReport

PERIOD = re.compile(r'id="report-period" name="period"[^>]*value="([^"]*)"')


def _reports(transfer) -> int:
    return db.session.scalar(select(func.count(RoyaltyReport.id)).where(
        RoyaltyReport.transfer_id == transfer.id))


def test_a_stale_report_form_is_refused_with_what_changed(client, clock):
    clock.set(date(2026, 9, 1))
    hq, other = make_user(Role.HQ_ADMIN, name="Gao Lan"), make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq)  # quarterly from 15 January 2026
    login(client, hq)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert PERIOD.search(page).group(1) == "2026-01-15"
    # Meanwhile another admin records the first quarter's report.
    deals.record_report(other, transfer, received_on=date(2026, 5, 1), base_amount=D("800000"))
    _commit()
    sent = {"period": "2026-01-15", "received_on": "2026-05-02",
            "base_amount": "1000000.00", "once": "a"}
    answer = post(client, f"/transfers/{transfer.id}/reports", sent)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "recorded meanwhile by" in text and "800,000.00" in text
    assert "2026-04-15" in text  # the period owed now starts there
    assert _reports(transfer) == 1  # nothing saved for the second quarter
    # The page shown again offers the period owed now: sent knowingly, it is saved.
    assert PERIOD.search(text).group(1) == "2026-04-15"
    again = post(client, f"/transfers/{transfer.id}/reports",
                 {**sent, "period": "2026-04-15", "received_on": "2026-08-01",
                  "once": "b"})
    assert again.status_code == 302, again.get_data(as_text=True)
    assert _reports(transfer) == 2


def test_a_report_form_for_a_period_no_longer_owed_is_refused(client, clock):
    clock.set(date(2026, 9, 1))
    hq = make_user(Role.HQ_ADMIN)
    transfer = make_transfer(make_achievement(), hq)
    deals.record_report(hq, transfer, received_on=date(2026, 5, 1), base_amount=D("800000"))
    _commit()
    login(client, hq)
    # A form of a period further on than the one owed (a report reversed meanwhile).
    answer = post(client, f"/transfers/{transfer.id}/reports",
                  {"period": "2026-07-15", "received_on": "2026-08-02",
                   "base_amount": "1000", "once": "c"})
    assert answer.status_code == 409
    assert "no longer the one owed" in answer.get_data(as_text=True)
    assert _reports(transfer) == 1
