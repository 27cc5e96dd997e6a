"""Multi-level approval: the director's return with an opinion and the PM's resubmission,
countersigning (会签) with one refusal, withdrawal before and after the next level acted,
delegation inside and outside its period, the reminder of a signature waiting, and who may
sign at all."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates.helpers import upload_deliverables
from tracker import db
from tracker.accounts.models import Role
from tracker.approvals import chain
from tracker.approvals import services as approvals
from tracker.approvals.models import AppliesTo, RequestState, Subject, Verdict
from tracker.audit.models import AuditRecord
from tracker.changes import services as changes
from tracker.changes.models import ChangeState
from tracker.dates import today
from tracker.display.formatting import day, on_day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Refused
from tracker.gates.models import GateReview
from tracker.projects import services as projects
from tracker.projects.closed import proposal_refusal
from tracker.projects.lifecycle import Phase
from tracker.web import work


def _draft():
    """A draft ready to submit, in an institute whose director is Zhang Wei."""
    install_gates()
    director = make_user(name="Zhang Wei")
    project = make_project(institute=make_institute(director=director))
    upload_deliverables(project, 1)
    return project, director


def countersigned_change(hq, finance, legal):
    """A change of the total of a project under way, at the director's level of a chain whose
    second level is countersigned (会签) by `finance` and `legal`: the project, its director
    (Zhang Wei) and the change."""
    approvals.add_level(hq, name="财务与法务会签", name_en="Finance and legal", director=False,
                        approver_ids=[finance.id, legal.id], applies_to=AppliesTo.CHANGE)
    director = make_user(name="Zhang Wei")
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    return project, director, change


def _actions(project) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "projects", AuditRecord.object_id == project.id,
        AuditRecord.action.like("approval.%")).order_by(AuditRecord.id)))


def test_the_director_returns_with_an_opinion_and_the_pm_resubmits():
    project, director = _draft()
    first = projects.submit_proposal(project.pm, project)
    _commit()
    # At the institute: still a draft, no code, no gate, not editable until it comes back.
    assert first.state is RequestState.PENDING and project.phase is Phase.DRAFT
    assert project.code is None and not project.gate_reviews
    assert [s.approver_id for s in first.current_steps] == [director.id]
    values = {k: getattr(project, k) for k in (
        "title", "summary", "field", "type", "institute_id", "partner_enterprise_id", "need_id",
        "trl_now", "trl_target", "budget_total", "start_date", "end_date")}
    assert project.can_edit_proposal(project.pm) and proposal_refusal(project)  # who, not when
    with pytest.raises(Refused, match="withdraw it from there to change it"):
        projects.update_proposal(project.pm, project, budget_lines=[], member_ids=[], **values)
    with pytest.raises(Refused):
        projects.submit_proposal(project.pm, project)
    # Nor withdrawn from here: its PM may withdraw their draft, its state says why not (409).
    assert project.can_withdraw(project.pm)
    with pytest.raises(Refused, match="withdraw it from there first, then the draft"):
        projects.withdraw_draft(project.pm, project)

    with pytest.raises(Invalid):  # a return says why
        approvals.return_(director, first, "  ")
    approvals.return_(director, first, "预算中设备费偏高，请压缩后再报。")
    _commit()
    assert first.state is RequestState.RETURNED and project.phase is Phase.DRAFT
    [step] = first.steps
    assert (step.verdict, step.opinion, step.signed_by_id) == (
        Verdict.RETURN, "预算中设备费偏高，请压缩后再报。", director.id)
    assert project.can_edit_proposal(project.pm) and proposal_refusal(project) is None

    # The PM edits and submits again: a new submission, from the first level.
    projects.update_proposal(project.pm, project, budget_lines=[("Equipment", Decimal("800000"))],
                             member_ids=[], **values)
    second = projects.submit_proposal(project.pm, project)
    approvals.endorse(director, second, "同意。")
    _commit()
    assert second.state is RequestState.PASSED
    assert project.phase is Phase.PROPOSAL_REVIEW and project.code
    assert project.gate_reviews[-1].gate == 1
    # Both submissions stay, with their opinions, in order.
    assert [a.state for a in project.approvals] == [RequestState.RETURNED, RequestState.PASSED]
    assert _actions(project) == ["approval.submit", "approval.return", "approval.submit",
                                 "approval.endorse"]


def test_countersigning_needs_everyone_and_one_refusal_returns_the_change():
    """HQ adds a level of two named approvers for change requests: the director's level,
    written out, comes first; one of the two returning sends the change back to the PM."""
    hq = make_user(Role.HQ_ADMIN)
    finance, legal = make_user(name="Finance"), make_user(name="Legal")
    project, director, change = countersigned_change(hq, finance, legal)
    _commit()
    assert change.state is ChangeState.ENDORSING and change.can_decide(hq)  # HQ decides it,
    assert "waits at the institute" in changes.decide_refusal(change)  # once endorsed
    request = change.approval
    assert [s.level_name for s in request.steps] == ["研究所所长审核", "财务与法务会签",
                                                     "财务与法务会签"]
    with pytest.raises(Forbidden):  # the second level waits for the first
        approvals.endorse(finance, request)
    approvals.endorse(director, request, "同意")
    approvals.endorse(finance, request, "经费来源已落实")
    _commit()
    assert request.is_pending and request.level == 1  # legal has not signed
    with pytest.raises(Refused):
        approvals.endorse(finance, request)  # once is enough
    approvals.return_(legal, request, "合同补充条款未附。")
    _commit()
    assert request.state is RequestState.RETURNED
    assert change.state is ChangeState.RETURNED and change.decision_reason == "合同补充条款未附。"
    assert project.budget_total == Decimal("3000000.00")
    # Another change of the total may be asked now: nothing waits any more.
    again = changes.change_total(project.pm, project, budget_total=Decimal("3200000.00"),
                                 reason="Fewer trials")
    assert again.state is ChangeState.ENDORSING


def test_a_change_endorsed_by_the_institute_waits_for_hq_who_decides_as_before():
    hq = make_user(Role.HQ_ADMIN)
    director = make_user()
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    approvals.endorse(director, change.approval, "")
    _commit()
    assert change.state is ChangeState.PENDING and changes.decide_refusal(change) is None
    changes.decide(hq, change, True, "")
    assert project.budget_total == Decimal("3300000.00")


def test_a_change_at_the_institute_is_not_said_to_await_hq_on_the_project_page(client):
    director = make_user()
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    _commit()
    assert change.state is ChangeState.ENDORSING
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "1 awaiting a decision" in page and "awaiting HQ" not in page
    listed = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert "Awaiting the institute" in listed


def test_withdrawal_is_allowed_until_the_next_level_acts():
    project, director = _draft()
    deputy = make_user(name="Deputy")
    request = projects.submit_proposal(project.pm, project)
    with pytest.raises(Forbidden):
        approvals.withdraw(director, request)  # only its applicant
    approvals.withdraw(project.pm, request)
    _commit()
    assert request.state is RequestState.WITHDRAWN and proposal_refusal(project) is None
    with pytest.raises(Refused):
        approvals.endorse(director, request)  # nothing waits any more

    # Submitted again, the chain starts again; once the director has acted, it is too late.
    hq = make_user(Role.HQ_ADMIN)
    approvals.add_level(hq, name="副所长会签", name_en="Deputy director", director=False,
                        approver_ids=[deputy.id], applies_to=AppliesTo.ALL)
    again = projects.submit_proposal(project.pm, project)
    assert again.id != request.id and again.level == 0
    assert again.can_withdraw(project.pm) and chain.withdrawal_refusal(again) is None
    for locale, said in (("en", "submitted to the institute on {date} and waits there"),
                         ("zh_CN", "已于 {date} 提交研究所，正在审批")):
        with force_locale(locale):  # the proposal's edit and a second submission say when
            assert said.format(date=on_day(again.submitted_at)) in proposal_refusal(project)
    approvals.endorse(director, again, "")
    assert again.can_withdraw(project.pm)  # the applicant, whose request the director signed:
    signed = next(s for s in again.steps if s.verdict is not None)
    for locale, said in (("en", "{name} acted on it on {date} ({verdict}): it can no longer"),
                         ("zh_CN", "{name} 已于 {date} 办理（{verdict}），不能再撤回")):
        with force_locale(locale), pytest.raises(Refused) as refused:
            approvals.withdraw(project.pm, again)  # the refusal says who acted, and when
        with force_locale(locale):
            assert said.format(name=director.name, date=on_day(signed.signed_at),
                               verdict=label(signed.verdict)) in refused.value.message
            assert refused.value.message == chain.withdrawal_refusal(again)  # as the page
    approvals.endorse(deputy, again, "")
    assert project.phase is Phase.PROPOSAL_REVIEW


def test_a_delegate_signs_within_the_period_only_and_the_opinion_names_both():
    project, director = _draft()
    # Delegates sign at the director's level: directors of other institutes.
    deputy = make_user(name="Li Deputy")
    later = make_user(name="Wang Later")
    make_institute(director=deputy)
    make_institute(director=later)
    request = projects.submit_proposal(project.pm, project)
    approvals.delegate(director, delegate_id=deputy.id, starts_on=today() - timedelta(days=1),
                       ends_on=today() + timedelta(days=3))
    approvals.delegate(director, delegate_id=later.id, starts_on=today() + timedelta(days=10),
                       ends_on=today() + timedelta(days=20))
    _commit()
    # The delegate finds it in their to-do list; the one whose period has not begun does not.
    assert [s.request_id for s in work.for_user(deputy, today()).approvals] == [request.id]
    assert work.for_user(later, today()).approvals == []
    assert [s.request_id for s in work.for_user(later, today() + timedelta(days=10)).approvals
            ] == [request.id]
    with pytest.raises(Forbidden):
        approvals.endorse(later, request)  # outside their period
    approvals.endorse(deputy, request, "代所长签：同意。")
    _commit()
    [step] = request.steps
    assert (step.approver_id, step.signed_by_id, step.by_delegate) == (
        director.id, deputy.id, True)
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "approval.endorse", AuditRecord.object_id == project.id))
    assert record.actor_id == deputy.id and record.changes["on_behalf_of"] == [None, director.id]
    with pytest.raises(Invalid):  # a period that is over helps nobody
        approvals.delegate(director, delegate_id=deputy.id,
                           starts_on=today() - timedelta(days=9),
                           ends_on=today() - timedelta(days=2))
    with pytest.raises(Forbidden):  # someone asked to sign nothing has nothing to delegate
        approvals.delegate(make_user(), delegate_id=deputy.id, starts_on=today(),
                           ends_on=today())


def test_an_applicant_standing_in_for_the_director_never_signs_their_own_request():
    """A director who delegates to the PM while away: the PM's own requests neither wait for
    them nor take their signature (found by a newcomer, who endorsed their own change)."""
    project, director = _draft()
    make_institute(director=project.pm)  # a PM who directs another institute signs as one
    approvals.delegate(director, delegate_id=project.pm.id, starts_on=today(),
                       ends_on=today() + timedelta(days=3))
    request = projects.submit_proposal(project.pm, project)
    _commit()
    assert work.for_user(project.pm, today()).approvals == []
    for act in (lambda: approvals.endorse(project.pm, request, "同意"),
                lambda: approvals.return_(project.pm, request, "退回")):
        with pytest.raises(Forbidden, match="nobody signs their own request"):
            act()
    assert request.state is RequestState.PENDING and request.step_for(director, today())


def test_another_institutes_director_cannot_act(client):
    project, director = _draft()
    other = make_user(name="Other Director")
    make_institute(director=other)
    request = projects.submit_proposal(project.pm, project)
    _commit()
    for verb in (approvals.endorse, approvals.return_):
        with pytest.raises(Forbidden):
            verb(other, request, "不同意")
    with pytest.raises(Forbidden):
        approvals.endorse(project.pm, request)  # nobody signs their own request
    login(client, other)
    assert client.get(f"/approvals/{request.id}").status_code == 404
    assert post(client, f"/approvals/{request.id}/sign",
                {"verdict": "endorse"}).status_code == 404
    assert request.is_pending and not request.acted


def test_the_director_signs_on_the_page_and_the_pm_reads_the_signed_opinion(client):
    project, director = _draft()
    director.locale = "zh_CN"
    request = projects.submit_proposal(project.pm, project)
    _commit()
    login(client, director)
    home = client.get("/").get_data(as_text=True)
    assert f"/approvals/{request.id}" in home
    refused = post(client, f"/approvals/{request.id}/sign", {"verdict": "return", "opinion": ""})
    assert refused.status_code == 400 and request.is_pending
    answer = post(client, f"/approvals/{request.id}/sign",
                  {"verdict": "return", "opinion": "请补充中试方案。"})
    assert answer.status_code == 302
    post(client, "/logout")
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "请补充中试方案。" in page and "Zhang Wei" in page and "Returned" in page
    assert client.get(f"/projects/{project.id}/edit").status_code == 200


def test_a_waiting_signature_reminds_its_approver_through_a_real_scan(smtp):
    from tests.reminders.conftest import run_day, text_of
    from tracker.approvals.reminders import approvals_waiting
    from tracker.reminders.items import Query

    project, director = _draft()
    director.email = "zhang.wei@example.cn"
    request = projects.submit_proposal(project.pm, project)
    db.session.commit()

    def reminded(day):
        run_day(day)
        # The event telling the director at once (tracker/notifications) is not the reminder.
        return [message for to, message in smtp.take() if director.email in to
                and ".approval_to_sign." not in message["Message-ID"]]

    assert reminded(today() + timedelta(days=2)) == []
    [message] = reminded(today() + timedelta(days=3))  # the default: 3 days after
    assert "waits for a signature at the institute" in text_of(message)
    assert f"/approvals/{request.id}" in text_of(message)
    assert reminded(today() + timedelta(days=4)) == []  # each rung once
    approvals.endorse(director, request, "")
    db.session.commit()
    assert approvals_waiting(Query(item_ids=[s.id for s in request.steps])) == []


@pytest.mark.parametrize(("locale", "says"), [
    ("en", ["The submission of project Draft 1 “{title}” of {institute}, made by {pm} on {on}",
             "Draft 1 {title} · {institute} · submitted by {pm} · "]),
    ("zh_CN", ["{institute} 的项目 草稿 1“{title}”由 {pm} 于 {on} 提交，正在研究所等待审批",
               "草稿 1 {title} · {institute} · 由 {pm} 提交 · "])])
def test_the_reminder_of_a_draft_names_it_its_institute_and_who_submitted_it_when(
        smtp, client, locale, says):
    """A proposal at the institute has no code yet: its reminder names it by its provisional
    reference, with the institute, who submitted it and on what day, and links to it; the
    director's home lists it by the same reference, with the institute and who submitted it."""
    from tests.reminders.conftest import run_day, text_of

    project, director = _draft()
    project.code = None
    director.email, director.locale = "zhang.wei@example.cn", locale
    request = projects.submit_proposal(project.pm, project)
    db.session.commit()
    assert project.code is None and project.draft_number == 1
    run_day(today() + timedelta(days=3))
    [message] = [message for to, message in smtp.take() if director.email in to
                 and ".approval_to_sign." not in message["Message-ID"]]
    with force_locale(locale):
        on = day(today())
    text = text_of(message)
    assert says[0].format(title=project.title, institute=project.institute.name,
                          pm=project.pm.name, on=on) in text
    assert f"/approvals/{request.id}" in text
    login(client, director)
    home = client.get("/").get_data(as_text=True)
    assert says[1].format(title=project.title, institute=project.institute.name,
                          pm=project.pm.name) in home


def test_hq_configures_the_levels_on_their_page(client):
    hq = make_user(Role.HQ_ADMIN)
    a, b = make_user(name="Signer A"), make_user(name="Signer B")
    login(client, hq)
    page = client.get("/admin/approval-levels").get_data(as_text=True)
    assert "No level is configured" in page
    answer = post(client, "/admin/approval-levels", {
        "name": "技术委员会会签", "name_en": "Technical committee", "approver_ids": [a.id, b.id],
        "applies_to": "proposal", "once": "t1"})
    assert answer.status_code == 302
    levels = chain.configured_levels()
    assert [(lv.name, lv.director, [u.id for u in lv.approvers]) for lv in levels] == [
        ("研究所所长审核", True, []), ("技术委员会会签", False, [a.id, b.id])]
    assert [s.director for s in chain.levels_for(Subject.CHANGE)] == [True]
    refused = post(client, "/admin/approval-levels", {"name": "Empty", "applies_to": "all",
                                                      "once": "t2"})
    assert refused.status_code == 400  # nobody would sign it
    assert post(client, f"/admin/approval-levels/{levels[1].id}/remove").status_code == 302
    assert len(chain.configured_levels()) == 1
    post(client, "/logout")
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get("/admin/approval-levels").status_code == 403


def test_a_proposal_in_an_institute_without_a_director_goes_to_hq_at_once():
    install_gates()
    project = make_project(institute=make_institute())
    upload_deliverables(project, 1)
    assert projects.submit_proposal(project.pm, project) is None
    assert project.phase is Phase.PROPOSAL_REVIEW
    assert db.session.scalar(select(GateReview.gate).where(GateReview.project_id == project.id)
                             ) == 1


def test_hq_is_reminded_of_a_change_from_the_institutes_endorsement_not_the_request(smtp):
    """Issue 9: a change that waited ten days at the institute came before HQ on the day the
    director endorsed it; HQ's reminder (5 days, the default) counts from that day, through
    a real scan and send, not from the PM's request."""
    from datetime import UTC, datetime

    from tests.reminders.conftest import run_day, text_of
    from tracker.reminders.models import OutboxMessage

    hq = make_user(Role.HQ_ADMIN, locale="en")
    director = make_user()
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH)
    change = changes.change_total(project.pm, project, budget_total=Decimal("3300000.00"),
                                  reason="More field trials")
    asked = datetime.now(UTC) - timedelta(days=10)  # asked ten days ago, at the institute since
    change.requested_at = change.approval.submitted_at = change.approval.level_since = asked
    approvals.endorse(director, change.approval, "")
    db.session.commit()
    assert change.state is ChangeState.PENDING

    def reminded(day) -> list:
        run_day(day)
        return [message for to, message in smtp.take() if hq.email in to
                and ".change_request." in message["Message-ID"]]

    assert reminded(today()) == []  # ten days after the request: the old count sent it
    assert reminded(today() + timedelta(days=4)) == []
    [message] = reminded(today() + timedelta(days=5))
    assert "waits for HQ" in text_of(message) and f"/changes/{change.id}" in text_of(message)
    [row] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "change_request")).all()
    assert row.deadline == today() and row.occurrence == f"{today().isoformat()}+5d"
