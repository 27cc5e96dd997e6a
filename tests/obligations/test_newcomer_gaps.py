"""Reports owed, as a newcomer found them (issue 9): a due date moved by HQ after the report
was late keeps the date it missed (its state, HQ's late list, the history and the export stay
truthful); a progress report is not submitted after the final report; a cancelled obligation is
not restored beside an equivalent live one; the reminder's e-mail names the project, the
report, its due date and who is responsible."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_user
from tests.obligations.test_services import owe, pdf
from tests.reminders.conftest import at, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid, Refused
from tracker.obligations import queries, services
from tracker.obligations.models import ObligationState, ReportKind
from tracker.reminders import delivery, scan


def test_moving_the_due_date_of_a_late_report_keeps_the_date_it_missed(client, clock, contract,
                                                                      project, hq):
    clock.set(date(2026, 7, 10))
    late = owe(project.pm, contract, due_on=date(2026, 6, 30))
    on_time = owe(project.pm, contract, due_on=date(2026, 8, 31))
    services.save_obligation(hq, late, recipient=late.recipient, due_on=date(2026, 9, 30),
                             why_changed="The enterprise's letter of July 2")
    # Not yet due when moved: nothing was missed.
    services.save_obligation(hq, on_time, recipient=on_time.recipient,
                             due_on=date(2026, 10, 31), why_changed="Rescheduled")
    db.session.commit()
    assert (late.missed_due_on, on_time.missed_due_on) == (date(2026, 6, 30), None)
    assert late.state(date(2026, 7, 10)) is ObligationState.LATE
    assert on_time.state(date(2026, 7, 10)) is ObligationState.DUE
    listed = db.session.scalars(queries.listing(hq, date(2026, 7, 10), "late"))
    assert [o.id for o in listed] == [late.id]
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "report_obligation.update", AuditRecord.object_id == late.id)
        .order_by(AuditRecord.id.desc())).first()
    assert record.changes["missed_due_on"] == [None, "2026-06-30"]
    login(client, hq)
    page = client.get(f"/reports-owed/{late.id}").get_data(as_text=True)
    assert "Late since the due date of" in page and "Jun 30, 2026" in page
    history = client.get(f"/history/report_obligations/{late.id}").get_data(as_text=True)
    assert "Late since the due date of" in history and "missed_due_on" not in history
    exported = client.get("/reports-owed/?state=late&export=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    column = rows[0].index("Late since the due date of")
    assert [row[column] for row in rows[1:]] == ["2026-06-30"]
    # Moved once more, it still missed the first date; submitted before the new date, it
    # went in late all the same.
    services.save_obligation(hq, late, recipient=late.recipient, due_on=date(2026, 12, 31),
                             why_changed="Again")
    assert late.missed_due_on == date(2026, 6, 30)
    clock.set(date(2026, 7, 21))
    services.submit_report(project.pm, late, submitted_on=date(2026, 7, 20), upload=pdf())
    assert late.state(date(2026, 7, 21)) is ObligationState.SUBMITTED_LATE


def test_a_progress_report_is_not_submitted_after_the_final_report(contract, project):
    progress = owe(project.pm, contract, due_on=date(2026, 6, 30))
    final = owe(project.pm, contract, kind=ReportKind.FINAL, due_on=date(2026, 12, 31))
    second = owe(project.pm, contract, due_on=date(2026, 7, 31), recipient="市财政局")
    services.submit_report(project.pm, final, submitted_on=date(2026, 9, 1), upload=pdf())
    with pytest.raises(Invalid) as refused:
        services.submit_report(project.pm, progress, submitted_on=date(2026, 9, 2),
                               upload=pdf())
    assert [field for field, _m in refused.value.problems] == ["submitted_on"]
    assert "final report" in refused.value.problems[0][1]
    assert progress.submissions == []
    # Sent before the final report (recorded later), it is taken.
    services.submit_report(project.pm, progress, submitted_on=date(2026, 8, 20), upload=pdf())
    # A correction of a progress report already in is no new progress report.
    services.submit_report(project.pm, progress, submitted_on=date(2026, 9, 5), upload=pdf(),
                           reason="The funder asked for the signed copy")
    assert len(progress.submissions) == 2
    # The same funder, whatever the recipient's office is called: the contract's.
    with pytest.raises(Invalid):
        services.submit_report(project.pm, second, submitted_on=date(2026, 9, 3),
                               upload=pdf())


def test_a_cancelled_obligation_is_not_restored_beside_an_equivalent_live_one(
        client, contract, project, hq):
    first = owe(project.pm, contract, due_on=date(2026, 6, 30))
    services.withdraw_obligation(hq, first, "Recorded on the wrong contract")
    again = owe(project.pm, contract, due_on=date(2026, 6, 30))
    final = owe(project.pm, contract, kind=ReportKind.FINAL, due_on=date(2026, 12, 31))
    services.withdraw_obligation(hq, final, "Wrong date")
    owe(project.pm, contract, kind=ReportKind.FINAL, due_on=date(2027, 1, 31))
    db.session.commit()
    for cancelled in (first, final):
        with pytest.raises(Refused) as refused:
            services.restore_obligation(hq, cancelled, "Cancelled by mistake")
        assert "owed already" in refused.value.message
    login(client, hq)
    answer = post(client, f"/reports-owed/{first.id}/restore", {"why_restored": "By mistake"})
    assert answer.status_code == 409
    assert "owed already" in answer.get_data(as_text=True)
    assert first.withdrawn_at is not None
    # Once the live one is cancelled, the first is restored.
    services.withdraw_obligation(hq, again, "The first was right")
    services.restore_obligation(hq, first, "Cancelled by mistake")
    assert first.withdrawn_at is None


def test_the_escalation_names_project_report_due_date_and_who_is_responsible(
        agreement, committee, project, director, smtp):
    project.pm.name = "Li Wei"
    owe(committee, agreement, kind=ReportKind.FINANCIAL, due_on=date(2026, 6, 30),
        recipient="苏州市科学技术局")
    db.session.commit()
    scan.scan(date(2026, 7, 7))  # a week late: the director
    db.session.commit()
    delivery.send_all(at(date(2026, 7, 7)), commit=db.session.commit)
    received = {to[0]: message for to, message in smtp.take()}
    text = text_of(received[director.email])
    for said in ("The financial report", project.code, f"“{project.title}”", "苏州市科学技术局",
                 "Jun 30, 2026", "Responsible: Li Wei, the project manager"):
        assert said in text, said


def test_a_director_reads_the_escalation_in_chinese(agreement, committee, project, smtp):
    director = make_user(Role.INSTITUTE_DIRECTOR, locale="zh")
    project.institute.director_id = director.id
    owe(committee, agreement, kind=ReportKind.FINAL, due_on=date(2026, 6, 30))
    db.session.commit()
    scan.scan(date(2026, 7, 7))
    db.session.commit()
    delivery.send_all(at(date(2026, 7, 7)), commit=db.session.commit)
    received = {to[0]: message for to, message in smtp.take()}
    text = text_of(received[director.email])
    assert "结题报告" in text and project.code in text and project.pm.name in text
