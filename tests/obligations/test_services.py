"""Reports owed to funders: who adds them, what is refused (every problem at once), the report
submitted and replaced with a reason (both kept), a withdrawal, and the state on dates around
the due date."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.funding import services as funding
from tracker.obligations import services
from tracker.obligations.models import ObligationState, ReportKind, ReportSubmission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="report.pdf"):
    return io.BytesIO(PDF), name


def owe(actor, subject, **kw):
    return services.add_obligation(actor, subject, **{
        "kind": ReportKind.PROGRESS, "due_on": date(2026, 6, 30),
        "recipient": "苏州市科学技术局", **kw})


def test_the_committee_adds_to_an_agreement_and_the_pm_to_a_contract(agreement, contract,
                                                                       committee, project):
    on_agreement = owe(committee, agreement)
    on_contract = owe(project.pm, contract, kind=ReportKind.FINAL)
    assert on_agreement.project == on_contract.project == project
    assert (on_agreement.funding_agreement_id, on_agreement.contract_id) == (agreement.id, None)
    with pytest.raises(Forbidden):
        owe(project.pm, agreement)  # the PM does not decide the agreement
    with pytest.raises(Forbidden):
        owe(make_user(Role.PROJECT_MANAGER), contract)  # another PM


def test_every_problem_at_once(agreement, committee):
    owe(committee, agreement, kind=ReportKind.FINAL)
    with pytest.raises(Invalid) as refused:
        owe(committee, agreement, kind=ReportKind.FINAL, due_on=date(2025, 12, 31),
            recipient="  ")
    assert {field for field, _m in refused.value.problems} == {"due_on", "recipient", "kind"}
    assert "once the agreement or contract is signed (Jan 15, 2026)" in str(refused.value.problems)


def test_state_around_the_due_date(agreement, committee, project):
    owed = owe(committee, agreement)
    assert owed.state(date(2026, 6, 30)) is ObligationState.DUE
    assert owed.state(date(2026, 7, 1)) is ObligationState.LATE
    services.submit_report(project.pm, owed, submitted_on=date(2026, 7, 3), upload=pdf())
    db.session.expire(owed)
    assert owed.state(date(2026, 7, 5)) is ObligationState.SUBMITTED_LATE


def test_a_corrected_file_replaces_the_report_with_a_reason_and_both_stay(agreement, committee,
                                                                          project):
    owed = owe(committee, agreement)
    first = services.submit_report(project.pm, owed, submitted_on=date(2026, 6, 28),
                                   upload=pdf("一季度进展报告.pdf"))
    db.session.expire(owed)
    with pytest.raises(Invalid) as refused:
        services.submit_report(project.pm, owed, submitted_on=date(2026, 7, 2), upload=None)
    assert {field for field, _m in refused.value.problems} == {"file", "reason"}
    second = services.submit_report(project.pm, owed, submitted_on=date(2026, 7, 2),
                                    upload=pdf("v2.pdf"), reason="Figures of June corrected")
    db.session.expire(owed)
    assert [s.id for s in owed.submissions] == [first.id, second.id]
    assert owed.current.file.original_name == "v2.pdf"
    assert owed.state(date(2026, 7, 5)) is ObligationState.SUBMITTED  # the first was on time
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.like("report_obligation.%")).order_by(AuditRecord.id)).all()
    assert actions == ["report_obligation.create", "report_obligation.submit",
                       "report_obligation.replace"]
    with pytest.raises(Refused):
        services.withdraw_obligation(committee, owed, "recorded by mistake")


def test_a_file_that_is_not_what_it_says_is_refused_beside_the_field(contract, project):
    owed = owe(project.pm, contract)
    with pytest.raises(Invalid) as refused:
        services.submit_report(project.pm, owed, submitted_on=date(2026, 6, 1),
                               upload=(io.BytesIO(b"not a pdf at all"), "report.pdf"))
    assert [field for field, _m in refused.value.problems] == ["file"]
    assert db.session.scalars(select(ReportSubmission)).all() == []


def test_only_the_pm_and_hq_submit(contract, project, hq, director):
    owed = owe(project.pm, contract)
    with pytest.raises(Forbidden):
        services.submit_report(director, owed, submitted_on=date(2026, 6, 1), upload=pdf())
    assert services.submit_report(hq, owed, submitted_on=date(2026, 6, 1), upload=pdf())


def test_a_withdrawn_obligation_needs_its_reason_and_stays(contract, project, hq):
    owed = owe(project.pm, contract)
    with pytest.raises(Invalid):
        services.withdraw_obligation(hq, owed, " ")
    services.withdraw_obligation(hq, owed, "The enterprise asks for no report")
    assert owed.state(date(2027, 1, 1)) is ObligationState.WITHDRAWN
    # Its PM may still correct it (`can_manage`) and write its report (`can_submit`), but it
    # is cancelled: said so, not 403.
    assert owed.can_submit(project.pm) and owed.can_manage(project.pm)
    assert "was cancelled" in services.owed_refusal(owed)
    with pytest.raises(Refused, match="was cancelled"):
        services.save_obligation(project.pm, owed, recipient="Another office")


def test_a_co_funders_report_goes_to_the_co_funder(project, committee):
    agreement = funding.record_agreement(
        committee, project, committed=Decimal("5000000"), qualifying_round_min=Decimal("1"),
        conversion_deadline=date(2029, 1, 1), signed_on=date(2026, 1, 15),
        co_funders=[("苏州市", Decimal("1")), ("吴中区", Decimal("1"))])
    city, district = agreement.co_funders
    owed = owe(committee, agreement, recipient="", co_funder_id=city.id)
    assert (owed.co_funder_id, owed.recipient_partner_id) == (city.id, city.partner_id)
    assert (owed.recipient, owed.recipient_name) == (None, "苏州市")
    # Each funder may ask for its own final report; the same funder, once.
    owe(committee, agreement, kind=ReportKind.FINAL, co_funder_id=city.id)
    owe(committee, agreement, kind=ReportKind.FINAL, co_funder_id=district.id)
    owe(committee, agreement, kind=ReportKind.FINAL)
    with pytest.raises(Invalid) as refused:
        owe(committee, agreement, kind=ReportKind.FINAL, co_funder_id=city.id)
    assert [field for field, _m in refused.value.problems] == ["kind"]
    with pytest.raises(Invalid) as refused:
        owe(committee, agreement, co_funder_id=10**6, recipient="")
    assert {field for field, _m in refused.value.problems} == {"co_funder_id", "recipient"}
