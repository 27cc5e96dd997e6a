"""Who may change what of a report owed (tester findings F49, F11, F33, F36, F42): the due date
and kind are the funder's terms, HQ's (the committee's too for an agreement) with a reason, never
the late PM's, and frozen once a report is on record; a cancellation is HQ's and can be undone;
a correction is not dated before what it replaces; a stale submission is a 409; duplicates and
due dates long after the project are refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.obligations.test_services import PDF, owe, pdf
from tests.test_edits import tab
from tests.unchanged import UNCHANGED
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.obligations import queries, services
from tracker.obligations.models import ObligationState, ReportKind, ReportObligation


def test_the_late_pm_cannot_move_their_due_date_hq_can_with_a_reason(clock, contract, project,
                                                                    hq):
    clock.set(date(2026, 7, 10))
    late = owe(project.pm, contract, due_on=date(2026, 6, 30))
    assert not late.can_change_terms(project.pm) and late.can_manage(project.pm)
    with pytest.raises(Refused) as refused:
        services.save_obligation(project.pm, late, recipient=late.recipient,
                                 due_on=date(2027, 6, 30), why_changed="later")
    assert "funder's terms" in refused.value.message
    # The PM still corrects the recipient: not a term.
    services.save_obligation(project.pm, late, recipient="R&D office")
    listed = db.session.scalars(queries.listing(hq, date(2026, 7, 10), "late"))
    assert [o.id for o in listed] == [late.id]
    with pytest.raises(Invalid) as missing:
        services.save_obligation(hq, late, recipient="R&D office", due_on=date(2026, 9, 30))
    assert [field for field, _m in missing.value.problems] == ["why_changed"]
    services.save_obligation(hq, late, recipient="R&D office", due_on=date(2026, 9, 30),
                             why_changed="The enterprise's letter of July 2 moved it")
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "report_obligation.update").order_by(AuditRecord.id.desc())).first()
    assert record.changes["due_on"] == ["2026-06-30", "2026-09-30"]
    assert record.changes["reason"] == [None, "The enterprise's letter of July 2 moved it"]


def test_a_report_on_record_freezes_its_due_date_and_kind(contract, project, hq):
    owed = owe(project.pm, contract, due_on=date(2026, 6, 30))
    services.submit_report(project.pm, owed, submitted_on=date(2026, 7, 3), upload=pdf())
    for change in ({"due_on": date(2026, 12, 31)}, {"kind": ReportKind.FINANCIAL}):
        with pytest.raises(Refused) as refused:
            services.save_obligation(hq, owed, recipient=owed.recipient, why_changed="x",
                                     **change)
        assert refused.value.message.startswith(
            "A report was submitted under this obligation on Jul 3, 2026: its due date and "
            "kind stay as they were"), refused.value.message
    assert owed.state(date(2026, 8, 1)) is ObligationState.SUBMITTED_LATE


def test_the_pms_edit_page_offers_no_due_date_and_a_forged_one_is_refused(client, clock,
                                                                           contract, project):
    clock.set(date(2026, 7, 10))
    late = owe(project.pm, contract, due_on=date(2026, 6, 30))
    db.session.commit()
    login(client, project.pm)
    path = f"/reports-owed/{late.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'name="due_on"' not in page and 'name="recipient"' in page
    sent = post(client, path, {**tab(client, path), "recipient": late.recipient,
                               "due_on": "2027-06-30", "kind": "final"})
    # The fields it does not offer are not read: nothing changed, and it says so.
    assert sent.status_code == 400 and UNCHANGED in sent.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReportObligation, late.id).due_on == date(2026, 6, 30)
    assert "Correct the recipient or note" in client.get(
        f"/reports-owed/{late.id}").get_data(as_text=True)


def test_only_hq_cancels_and_a_cancellation_can_be_undone(client, clock, contract, project, hq):
    clock.set(date(2026, 7, 10))
    late = owe(project.pm, contract, due_on=date(2026, 6, 30))
    db.session.commit()
    with pytest.raises(Forbidden):
        services.withdraw_obligation(project.pm, late, "不想交")
    login(client, project.pm)
    path = f"/reports-owed/{late.id}"
    assert "Cancel this obligation" not in client.get(path).get_data(as_text=True)
    assert post(client, f"{path}/withdraw", {"why_withdrawn": "不想交"}).status_code == 403
    services.withdraw_obligation(hq, late, "Recorded twice")
    with pytest.raises(Forbidden):
        services.restore_obligation(project.pm, late, "oops")
    with pytest.raises(Invalid):
        services.restore_obligation(hq, late, " ")
    services.restore_obligation(hq, late, "It was not a duplicate")
    assert late.state(date(2026, 7, 10)) is ObligationState.LATE
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.like("report_obligation.%")).order_by(AuditRecord.id)).all()
    assert actions[-2:] == ["report_obligation.withdraw", "report_obligation.restore"]


def test_hq_cancels_and_restores_from_the_page_in_one_word(client, contract, project, hq):
    owed = owe(project.pm, contract, due_on=date(2026, 6, 30))
    hq.locale = "zh_CN"
    db.session.commit()
    login(client, hq)
    path = f"/reports-owed/{owed.id}"
    done = post(client, f"{path}/withdraw", {"why_withdrawn": "重复登记"})
    assert done.status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "撤销" in page and "撤回" not in page and "恢复" in page
    assert "撤回" not in client.get("/reports-owed/?state=withdrawn").get_data(as_text=True)
    assert post(client, f"{path}/restore", {"why_restored": "不是重复"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReportObligation, owed.id).withdrawn_at is None
    assert post(client, f"{path}/restore", {"why_restored": "again"}).status_code == 409


def test_a_correction_is_not_dated_before_the_report_it_replaces(contract, project):
    owed = owe(project.pm, contract)
    services.submit_report(project.pm, owed, submitted_on=date(2026, 6, 11), upload=pdf())
    with pytest.raises(Invalid) as refused:
        services.submit_report(project.pm, owed, submitted_on=date(2026, 6, 1), upload=pdf(),
                               reason="更正数据")
    assert [field for field, _m in refused.value.problems] == ["submitted_on"]
    assert "Jun 11, 2026" in str(refused.value.problems)
    assert services.submit_report(project.pm, owed, submitted_on=date(2026, 6, 11),
                                  upload=pdf(), reason="same day is fine")


def test_a_stale_submission_is_a_conflict_not_a_missing_reason(client, contract, project, hq):
    owed = owe(project.pm, contract)
    db.session.commit()
    login(client, project.pm)
    path = f"/reports-owed/{owed.id}"
    stale = tab(client, path)  # the PM's tab, opened before HQ filed one
    services.submit_report(hq, owed, submitted_on=date(2026, 6, 20), upload=pdf("hq.pdf"))
    db.session.commit()
    answer = post(client, f"{path}/submit", {**stale, "submitted_on": "2026-06-21",
                                             "file": (io.BytesIO(PDF), "pm.pdf")},
                  content_type="multipart/form-data")
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert "say why this file replaces it" not in text and "hq.pdf" in text
    db.session.expire_all()
    assert len(db.session.get(ReportObligation, owed.id).submissions) == 1


def test_duplicates_and_due_dates_long_after_the_project_are_refused(contract, project):
    owe(project.pm, contract, due_on=date(2027, 12, 31))
    with pytest.raises(Invalid) as twin:
        owe(project.pm, contract, due_on=date(2027, 12, 31))
    assert [field for field, _m in twin.value.problems] == ["due_on"]
    assert "already owed" in str(twin.value.problems)
    owe(project.pm, contract, due_on=date(2027, 12, 31), kind=ReportKind.FINANCIAL)
    latest = services.latest_due(contract)
    assert latest > project.end_date
    owe(project.pm, contract, due_on=latest)
    with pytest.raises(Invalid) as far:
        owe(project.pm, contract, due_on=date(2099, 12, 31))
    assert [field for field, _m in far.value.problems] == ["due_on"]
    assert "at most a year after the project ends" in str(far.value.problems)
