"""A report owed to a funder reminds the PM before its due date and after it, the director a
week late and HQ two weeks late, through a real scan delivered to an SMTP server; a report
submitted or an obligation withdrawn stops them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import make_user
from tests.obligations.test_services import owe, pdf
from tests.reminders.conftest import at, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.obligations import services
from tracker.reminders import delivery, scan
from tracker.reminders.models import OutboxMessage


def _written() -> list[tuple[int, str]]:
    return [(m.recipient_id, m.occurrence) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "funder_report")
        .order_by(OutboxMessage.id))]


def test_the_ladder_until_the_report_is_submitted(agreement, committee, project, director, smtp):
    admin = make_user(Role.HQ_ADMIN)
    owed = owe(committee, agreement, due_on=date(2026, 6, 30), recipient="苏州市科学技术局")
    db.session.commit()
    assert scan.scan(date(2026, 5, 30)).found == 0
    assert scan.scan(date(2026, 5, 31)).new == 1  # 30 days before, to the PM
    assert scan.scan(date(2026, 6, 23)).new == 1  # 7 days before
    assert scan.scan(date(2026, 7, 1)).new == 1  # a day late
    assert scan.scan(date(2026, 7, 6)).new == 0
    assert scan.scan(date(2026, 7, 7)).new == 1  # a week late: the director
    assert scan.scan(date(2026, 7, 14)).new == 1  # two weeks late: HQ
    assert _written() == [(project.pm_id, "2026-06-30-30d"), (project.pm_id, "2026-06-30-7d"),
                          (project.pm_id, "2026-06-30+1d"), (director.id, "2026-06-30+7d"),
                          (admin.id, "2026-06-30+14d")]
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "funder_report")).first()
    assert message.details["path"] == f"/reports-owed/{owed.id}"
    db.session.commit()
    delivery.send_all(at(date(2026, 7, 14)), commit=db.session.commit)
    received = {to[0]: message for to, message in smtp.take()}
    assert "苏州市科学技术局" in text_of(received[project.pm.email])
    assert "The progress report of project" in text_of(received[admin.email])
    services.submit_report(project.pm, owed, submitted_on=date(2026, 7, 15), upload=pdf())
    db.session.commit()
    before = len(_written())
    scan.scan(date(2026, 8, 30))
    assert len(_written()) == before  # submitted: nothing more


def test_a_withdrawn_obligation_reminds_nobody(contract, project, hq):
    owed = owe(project.pm, contract, due_on=date(2026, 6, 30))
    services.withdraw_obligation(hq, owed, "The enterprise asks for no report")
    db.session.commit()
    scan.scan(date(2026, 7, 1))
    assert _written() == []
