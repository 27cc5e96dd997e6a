"""A person through the register: candidate, interviews, appointment (an account made, or the
existing one linked and given the PM role, each audited), renewal and an early end; refusals
by the table; every problem of a form at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import make_enterprise, make_institute, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.pms import services
from tracker.pms.models import InterviewOutcome, Origin, PmRecord
from tracker.pms.register import PmState
from tracker.techfields.models import TechnicalField


def _actions(object_type: str, object_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == object_type, AuditRecord.object_id == object_id)
        .order_by(AuditRecord.id)))


def _candidate(admin, institute, email="li.wei@example.cn", **kw) -> PmRecord:
    return services.save_record(admin, None, name="李伟", email=email, origin=Origin.OVERSEAS,
                                institute_id=institute.id, **kw)


def test_a_candidate_interviewed_and_appointed_gets_an_account_with_the_pm_role(app):
    admin, panelist = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR, name="Panel One")
    institute = make_institute()
    field = TechnicalField(code="AM", name="先进制造", name_en="Advanced manufacturing")
    db.session.add(field)
    db.session.flush()
    record = _candidate(admin, institute, field_ids=[field.id])
    assert (record.state, [f.code for f in record.fields]) == (PmState.CANDIDATE, ["AM"])
    interview = services.record_interview(admin, record, held_on=date(2026, 10, 9),
                                          panel_ids=[panelist.id, admin.id],
                                          outcome=InterviewOutcome.RECOMMENDED, notes="Strong")
    assert record.state is PmState.INTERVIEWED
    assert sorted(u.id for u in interview.panel) == sorted([panelist.id, admin.id])
    term = services.appoint(admin, record, institute_id=institute.id,
                            starts_on=date(2026, 11, 1), ends_on=date(2029, 10, 31),
                            password="Correct-Horse-Battery-42")
    user = db.session.scalar(select(User).where(User.email == "li.wei@example.cn"))
    assert user is not None and user.has_role(Role.PROJECT_MANAGER)
    assert user.institute_id == institute.id and user.must_change_password
    assert (record.state, record.user_id, record.current_term.id) == (PmState.APPOINTED,
                                                                      user.id, term.id)
    assert _actions("users", user.id) == ["user.create"]
    assert _actions("pm_records", record.id) == ["pm.create", "pm.interview", "pm.appoint"]


def test_appointing_someone_with_an_account_links_it_and_grants_the_role(app):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    evaluator = make_user(Role.EVALUATOR, email="zhao.min@example.cn")
    record = _candidate(admin, institute, email="Zhao.Min@example.cn")
    services.record_interview(admin, record, held_on=date(2026, 9, 1), panel_ids=[admin.id],
                              outcome=InterviewOutcome.RECOMMENDED)
    services.appoint(admin, record, institute_id=institute.id, starts_on=date(2026, 10, 1),
                     ends_on=date(2028, 9, 30))
    assert record.user_id == evaluator.id
    assert evaluator.roles == {Role.EVALUATOR, Role.PROJECT_MANAGER}
    update = db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "users", AuditRecord.object_id == evaluator.id)).one()
    assert update.action == "user.update"
    assert update.changes["roles"] == [["evaluator"], ["evaluator", "project_manager"]]


def test_renewal_and_an_early_end_with_its_reason(app):
    admin = make_user(Role.HQ_ADMIN)
    institute, other = make_institute(), make_institute()
    pm = make_user(Role.PROJECT_MANAGER, email="wu.fang@example.cn")
    record = _candidate(admin, institute, email=pm.email)
    services.record_interview(admin, record, held_on=date(2023, 5, 1), panel_ids=[admin.id],
                              outcome=InterviewOutcome.RECOMMENDED)
    first = services.appoint(admin, record, institute_id=institute.id,
                             starts_on=date(2023, 6, 1), ends_on=date(2026, 5, 31))
    with pytest.raises(Invalid) as invalid:
        services.renew(admin, record, institute_id=other.id, starts_on=date(2023, 6, 1),
                       ends_on=date(2023, 1, 1))
    assert [f for f, _m in invalid.value.problems] == ["ends_on", "starts_on"]
    # A renewal starting while the term it renews runs would make two terms at once.
    with pytest.raises(Invalid, match="after the term it renews ends"):
        services.renew(admin, record, institute_id=other.id, starts_on=date(2026, 5, 31),
                       ends_on=date(2029, 5, 31))
    second = services.renew(admin, record, institute_id=other.id, starts_on=date(2026, 6, 1),
                            ends_on=date(2029, 5, 31))
    assert (second.renews_id, record.institute_id) == (first.id, other.id)
    with pytest.raises(Invalid) as invalid:
        services.end_appointment(admin, record, ended_on=date(2026, 5, 1), reason=" ")
    assert [f for f, _m in invalid.value.problems] == ["reason", "ended_on"]
    services.end_appointment(admin, record, ended_on=date(2026, 9, 30),
                             reason="Moved to an enterprise")
    assert (record.state, record.reason, second.ended_on) == (
        PmState.ENDED, "Moved to an enterprise", date(2026, 9, 30))
    assert _actions("pm_records", record.id)[-3:] == ["pm.appoint", "pm.renew", "pm.end"]


def test_the_table_refuses_what_it_does_not_allow(app):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    record = _candidate(admin, institute)
    with pytest.raises(Refused):  # never appointed without an interview
        services.appoint(admin, record, institute_id=institute.id, starts_on=date(2026, 1, 1),
                         ends_on=date(2027, 1, 1), password="Correct-Horse-Battery-42")
    with pytest.raises(Invalid) as invalid:
        services.decline(admin, record, "")
    assert invalid.value.problems[0][0] == "reason"
    services.decline(admin, record, "Prefers to stay at the university")
    assert (record.state, record.reason) == (PmState.NOT_APPOINTED,
                                             "Prefers to stay at the university")
    with pytest.raises(Refused):
        services.record_interview(admin, record, held_on=date(2026, 1, 1),
                                  panel_ids=[admin.id], outcome=InterviewOutcome.RECOMMENDED)
    assert record.state is PmState.NOT_APPOINTED


def test_every_problem_of_an_appointment_at_once(app):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    record = _candidate(admin, institute, email="nobody.yet@example.cn")
    services.record_interview(admin, record, held_on=date(2026, 1, 5), panel_ids=[admin.id],
                              outcome=InterviewOutcome.RECOMMENDED)
    with pytest.raises(Invalid) as invalid:
        services.appoint(admin, record, institute_id=0, starts_on=date(2026, 3, 1),
                         ends_on=date(2026, 2, 1))
    assert [f for f, _m in invalid.value.problems] == ["institute_id", "ends_on", "password"]
    assert record.state is PmState.INTERVIEWED and record.user_id is None


def test_only_hq_admins_change_the_register(app):
    institute = make_institute()
    for role in (Role.OBSERVER, Role.PROJECT_MANAGER, Role.EVALUATOR):
        with pytest.raises(Forbidden):
            _candidate(make_user(role), institute)


def test_limited_accounts_sit_on_no_interview_panel(app):
    """An enterprise contact or an external expert is an account behind a wall, not the
    network's staff: never on a PM's interview panel (the tester's 周婷 and 王建国 were)."""
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    record = _candidate(admin, institute)
    contact = make_user(Role.ENTERPRISE_CONTACT, enterprise_id=make_enterprise().id)
    for limited in (make_user(Role.EXTERNAL_EXPERT), contact):
        with pytest.raises(Invalid, match="network's own staff"):
            services.record_interview(admin, record, held_on=date(2026, 5, 1),
                                      panel_ids=[admin.id, limited.id],
                                      outcome=InterviewOutcome.RECOMMENDED)
