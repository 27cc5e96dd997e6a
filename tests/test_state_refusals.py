"""A refusal caused by state says the state (issue 9 point 6): the 409 names the record's state
with its label in the reader's language, says what to do instead, and links back to the record
(never only to the home page). A table over the state guards of the project, its milestones and
its gate's conditions, each sent by who may act while the record's state refuses it, in English
and in Chinese."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.companies.helpers import make_milestone
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.world import World, shared
from tracker import db, voids
from tracker.accounts.models import Role, User
from tracker.achievements import deal_corrections
from tracker.achievements.deal_models import RoyaltyReport, Transfer
from tracker.achievements.models import IpRight
from tracker.apitokens.models import AccessToken
from tracker.approvals import services as approvals
from tracker.approvals.models import ApprovalDelegation
from tracker.assessment import services as assessment
from tracker.assessment.models import AssessmentYear, EvidenceEntry, EvidenceState
from tracker.changes import services as changes
from tracker.changes.models import ChangeKind, ChangeRequest, ChangeState
from tracker.companies import services as companies
from tracker.companies.models import Company, CompanyExit
from tracker.contracts import services as contracts
from tracker.contracts.models import Payment
from tracker.dates import today
from tracker.db import utcnow
from tracker.display.formatting import day, on_day
from tracker.display.labels import label
from tracker.errors import Refused
from tracker.experts import services as expert_services
from tracker.experts.models import Expert
from tracker.funding import services as funding_services
from tracker.funding.models import FundingAgreement
from tracker.gates.models import GateReview
from tracker.imports.models import ImportRun, ImportState
from tracker.incentives import services as incentives
from tracker.incentives.models import IncentiveGrant, OptionExercise
from tracker.milestones import services as milestone_services
from tracker.milestones.models import Milestone, MilestoneState
from tracker.needs import services as need_services
from tracker.obligations import services as obligations
from tracker.obligations.models import ReportObligation
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects import team
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember
from tracker.reminders import retries
from tracker.reminders.models import MessageState, OutboxMessage


def _trl_on_terminated():
    project = make_project(phase=Phase.TERMINATED, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/trl", {"level": "5", "note": "Bench test"},
            Phase.TERMINATED, f"/projects/{project.id}", "what to do instead: HQ corrects")


def _resume_under_way():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    return (make_user(Role.HQ_ADMIN), f"/projects/{project.id}/resume",
            {"reason": "Funding found"}, Phase.CONTRACT_RESEARCH, f"/projects/{project.id}",
            "only a project on hold")


def _withdraw_submitted():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/withdraw", {}, Phase.CONTRACT_RESEARCH,
            f"/projects/{project.id}", "only a draft")


def _edit_accepted_milestone():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    milestone = make_milestone(project, MilestoneState.ACCEPTED)
    return (project.pm, f"/milestones/{milestone.id}/edit", {"title": "Prototype joint v2"},
            MilestoneState.ACCEPTED, f"/milestones/{milestone.id}", "Plan a new milestone")


def _reviewer_for_waived_milestone():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    milestone = make_milestone(project, MilestoneState.WAIVED)
    return (make_user(Role.HQ_ADMIN), f"/milestones/{milestone.id}/reviewer",
            {"reviewer_id": str(make_user(Role.EVALUATOR).id)}, MilestoneState.WAIVED,
            f"/milestones/{milestone.id}", "needs no reviewer")


def _on_terminated(path: str, data: dict):
    """What the PM of a terminated project sends to `path` (`/projects/ID/...`): refused by
    its phase (409), not as someone who may not act (403)."""
    def case():
        project = make_project(phase=Phase.TERMINATED, start_date=date(2025, 1, 1))
        return (project.pm, path.replace("ID", str(project.id)), data, Phase.TERMINATED,
                f"/projects/{project.id}", "what to do instead: HQ corrects")
    return case


def _change_on_draft():
    project = make_project(phase=Phase.DRAFT, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/changes/route",
            {"route-technical_route": "Laser welding", "route-reason": "Cheaper"}, Phase.DRAFT,
            f"/projects/{project.id}", "once it has passed gate 1")


def _achievement_on_rejected():
    project = make_project(phase=Phase.REJECTED, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/achievements/new", {"title": "Early result"},
            Phase.REJECTED, f"/projects/{project.id}", "once it has passed gate 1")


def _review_of_accepted_milestone():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    milestone = make_milestone(project, MilestoneState.ACCEPTED)
    milestone.reviewer = make_user(Role.EVALUATOR)
    return (milestone.reviewer, f"/milestones/{milestone.id}/review", {"decision": "accept"},
            MilestoneState.ACCEPTED, f"/milestones/{milestone.id}", "nothing more is reviewed")


CASES: dict[str, Callable] = {
    "an achievement of a rejected project": _achievement_on_rejected,
    "a review of an accepted milestone": _review_of_accepted_milestone,
    "a milestone on a terminated project": _on_terminated(
        "/projects/ID/milestones/new", {"title": "Pilot", "due_date": "2026-12-01"}),
    "spending on a terminated project": _on_terminated(
        "/projects/ID/spending", {"amount": "1000.00", "description": "Reagents"}),
    "a change of plan on a terminated project": _on_terminated(
        "/projects/ID/changes/route",
        {"route-technical_route": "Laser welding", "route-reason": "Cheaper"}),
    "a deliverable on a terminated project": _on_terminated("/projects/ID/deliverables", {}),
    "a change of plan on a draft": _change_on_draft,
    "a TRL on a terminated project": _trl_on_terminated,
    "resuming a project under way": _resume_under_way,
    "withdrawing a submitted proposal": _withdraw_submitted,
    "editing an accepted milestone": _edit_accepted_milestone,
    "a reviewer for a waived milestone": _reviewer_for_waived_milestone,
}
# What the advice reads in Chinese, by the English words the case looks for.
ADVICE_ZH = {"what to do instead: HQ corrects": "由总部更正", "only a project on hold":
             "只有暂缓中的项目", "only a draft": "只有草稿", "Plan a new milestone": "新的里程碑",
             "needs no reviewer": "无需评审人",
             "once it has passed gate 1": "通过阶段门 1（立项评审）",
             "nothing more is reviewed": "不再对其进行评审"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refusal_by_state_names_the_state_and_links_to_the_record(client, case, locale):
    actor, path, data, state, record, advice = CASES[case]()
    actor.locale = locale
    _commit()
    login(client, actor)
    refused = post(client, path, data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409, page[:500]
    with force_locale(locale):
        shown = str(label(state))
    assert shown in page or shown.lower() in page, (shown, page[:2000])
    said = advice.removeprefix("what to do instead: ") if locale == "en" else ADVICE_ZH[advice]
    assert said in page
    # A link to the record, or the record's own page shown again (its forms, tabs and history
    # link carry its address): never only the home page.
    assert re.search(rf'(href|action)="[^"]*{record}[/"]', page), record



# --- the records of HQ's and the register's packages, in the world of tests/world.py ---------
# Imports, the outbox, tokens, the assessment, reports owed, needs, the ledgers' reversals and
# the register: each case puts the world's record in a state that refuses the action, and the
# page must name that state (its label, its date) in the reader's language, say what to do
# instead, and link back to the record.


def _record(model, key: str):
    return db.session.get(model, _world.ids[key])


def _person(name: str) -> User:
    return db.session.get(User, _world.people[name])


def _import_ended():
    run = _record(ImportRun, "run_id")
    run.state, run.finished_at = ImportState.DONE, utcnow()
    return ("admin", f"/admin/import/{run.id}/cancel", {}, [ImportState.DONE, run.finished_at],
            f"/admin/import/{run.id}", "Its page shows what it did")


def _import_unchecked():
    run = _record(ImportRun, "run_id")  # queued: not checked yet
    return ("admin", f"/admin/import/{run.id}/import", {}, [ImportState.QUEUED],
            f"/admin/import/{run.id}", "Upload the file again")


def _message_sent():
    message = _record(OutboxMessage, "message_id")
    message.state, message.sent_at = MessageState.SENT, utcnow()
    return ("admin", f"/admin/reminders/{message.id}/retry", {}, [MessageState.SENT],
            "/admin/reminders/", "only a failed or cancelled message is sent again")


def _token_revoked():
    token = _record(AccessToken, "token_id")
    token.revoked_at = utcnow()
    return ("pm", f"/tokens/{token.id}/revoke", {}, [token.revoked_at], "/account/tokens",
            "Create a new token")


def _evidence_accepted():
    entry = _record(EvidenceEntry, "evidence_entry_id")
    entry.state, entry.reviewed_at = EvidenceState.ACCEPTED, utcnow()
    return ("admin", f"/assessment/evidence/{entry.id}/review",
            {"decision": "accept", "opinion": "Fine"}, [EvidenceState.ACCEPTED, entry.reviewed_at],
            f"/assessment/{entry.indicator.year}/institutes/{entry.institute_id}",
            "withdraw it")


def _funding_approved():
    year = _world.ids["year"]
    approved = AssessmentYear(year=year, approved_at=utcnow(), pool=Decimal("1000000"),
                              approved_by_id=_person("admin").id)
    db.session.add(approved)
    return ("admin", f"/assessment/{year}/funding/approve", {}, [approved.approved_at],
            f"/assessment/?year={year}", "it is approved once")


def _report_owed():
    owed = _record(ReportObligation, "obligation_id")
    return ("admin", f"/reports-owed/{owed.id}/restore", {"why_restored": "Asked again"},
            [owed.due_on], f"/reports-owed/{owed.id}", "there is no cancellation to undo")


def _need_closed():
    need = _record(TechnologyNeed, "need_id")
    need.state, need.state_since = NeedState.CLOSED, utcnow()
    return ("admin", f"/needs/{need.id}/analysis",
            {"field_id": str(_world.ids["field_id"]), "trl": "3"},
            [NeedState.CLOSED, need.state_since], f"/needs/{need.id}",
            "record it as a new need")


def _need_collected():
    need = _record(TechnologyNeed, "need_id")
    need.state, need.state_since = NeedState.COLLECTED, utcnow()
    return ("admin", f"/needs/{need.id}/project", {"project-pm_id": str(_world.people["pm"])},
            [NeedState.COLLECTED, need.state_since], f"/needs/{need.id}", "Analyse it first")


def _need_matched():
    need = _record(TechnologyNeed, "need_id")  # matched to the world's institute as built
    return ("admin", f"/needs/{need.id}/candidates",
            {"candidate-institute_id": str(_world.ids["institute_id"]), "candidate-pm_id": "0",
             "candidate-reason": "Knows the process"},
            [NeedState.MATCHED, need.state_since], f"/needs/{need.id}",
            "If the match fell through, move it back to analysed")


def _payment_reversed():
    payment = _record(Payment, "payment_id")
    contracts.reverse_payment(payment.instalment.contract.project.pm, payment, today(),
                              "Booked twice")
    return ("pm", f"/payments/{payment.id}/reverse",
            {"reason": "Again", "on_date": today().isoformat()}, [today()],
            f"/contracts/{payment.instalment.contract_id}", "record it again")


def _royalty_report_reversed():
    report = _record(RoyaltyReport, "report_id")
    deal_corrections.reverse_report(_person("admin"), report, today(), "Draft figures")
    return ("admin", f"/royalty-reports/{report.id}/reverse",
            {"reason": "Again", "on_date": today().isoformat()}, [today()],
            f"/transfers/{report.transfer_id}", "Record the report of that period anew")


def _right_withdrawn():
    right = _record(IpRight, "right_id")
    voids.mark(_person("admin"), right, "Filed twice")
    return ("pm", f"/ip-rights/{right.id}/withdraw", {"reason": "Again"}, [right.voided_at],
            f"/ip-rights/{right.id}", "nothing more is recorded for it")


def _company_exited():
    exit_ = _record(CompanyExit, "exit_id")  # the world's second company, dissolved
    entry = exit_.company.entries[0]
    return ("admin", f"/companies/entries/{entry.id}/reverse",
            {"reason": "Typed twice", "on_date": today().isoformat()},
            [exit_.on_date, exit_.kind], f"/companies/{exit_.company_id}",
            "reverse it first, with the reason (“Reverse”, in its row under the company's Exits)")


def _nothing_failed():
    message = _record(OutboxMessage, "message_id")
    message.state = MessageState.FAILED
    retries.retry(_person("admin"), message)  # put back to be sent: none is failed now
    return ("admin", "/admin/reminders/retry-failed", {}, [utcnow()], "/admin/reminders/",
            "There is nothing to send again")


def _equivalent_owed():
    owed = _record(ReportObligation, "obligation_id")
    obligations.withdraw_obligation(_person("admin"), owed, "Recorded twice")
    twin = obligations.add_obligation(_person("committee"), owed.subject, kind=owed.kind,
                                      due_on=owed.due_on, recipient="Matrix City Science Bureau")
    return ("admin", f"/reports-owed/{owed.id}/restore", {"why_restored": "Asked again"},
            [twin.due_on], f"/reports-owed/{owed.id}", "Correct that one instead")


def _floor_above_pool():
    year = _world.ids["year"]
    assessment.set_rule(_person("admin"), year, pool=Decimal("1000"), score_share=Decimal("70"),
                        floor=Decimal("600"), cap=None)
    return ("admin", f"/assessment/{year}/funding/approve", {}, [utcnow()],
            f"/assessment/?year={year}", "Lower the floor or raise the pool")


def _deal_ended():
    transfer = _record(Transfer, "transfer_id")
    transfer.ends_on = transfer.standing_reports[-1].period_start  # its last period reported
    return ("admin", f"/transfers/{transfer.id}/reports",
            {"received_on": today().isoformat(), "base_amount": "1000"}, [transfer.ends_on],
            f"/transfers/{transfer.id}", "correct its end date first")


def _declared_again():
    review = _record(GateReview, "review_id")  # the panelist declared on it as built
    member = next(m for m in review.panel if m.user_id == _world.people["panelist"])
    return ("panelist", f"/reviews/{review.id}/declare", {"conflict": "no"},
            [member.declared_at, member.declaration], f"/reviews/{review.id}",
            "correct it with “Correct your declaration” in your row of the panel")


def _delegation_ended():
    delegation = _record(ApprovalDelegation, "delegation_id")
    approvals.cancel_delegation(_person("director"), delegation)
    return ("director", f"/approvals/delegations/{delegation.id}/end", {},
            [delegation.cancelled_at], "/approvals/delegations", "there is nothing to end")


def _end_date_again(state: ChangeState, advice: str):
    """The PM asks for another end date while the world's change of it waits (`state`)."""
    def case():
        change = _record(ChangeRequest, "request_id")  # at the director's level as built
        change.state = state
        project = change.project
        return ("pm", f"/projects/{project.id}/changes/end",
                {"end-end_date": (project.end_date + timedelta(days=30)).isoformat(),
                 "end-reason": "Later still"}, [state, change.requested_at],
                f"/changes/{change.id}", advice)
    return case


def _paid_on_voided_contract():
    payment = _record(Payment, "payment_id")
    contract = payment.instalment.contract
    voids.mark(_person("admin"), contract, "Typed under the wrong project")
    return ("pm", f"/instalments/{payment.instalment_id}/payments",
            {"received_on": today().isoformat(), "amount": "1000.00"}, [contract.voided_at],
            f"/contracts/{contract.id}", "Record the money on the contract it was paid under")


WORLD_CASES: dict[str, Callable] = {
    "another end date while one waits at the institute": _end_date_again(
        ChangeState.ENDORSING, "withdraw it from its signatures"),
    "another end date while one waits for HQ": _end_date_again(
        ChangeState.PENDING, "come back once it is decided"),
    "a payment on a voided contract": _paid_on_voided_contract,
    "declaring again on a review": _declared_again,
    "ending a delegation ended": _delegation_ended,
    "sending again every failed message when none is": _nothing_failed,
    "restoring a report owed already under another": _equivalent_owed,
    "approving funding whose floor is above the pool": _floor_above_pool,
    "a royalty report of a deal that ended": _deal_ended,
    "reversing a share entry of an exited company": _company_exited,
    "cancelling an import that ended": _import_ended,
    "importing a run not checked": _import_unchecked,
    "sending again a message sent": _message_sent,
    "revoking a revoked token": _token_revoked,
    "reviewing an accepted entry": _evidence_accepted,
    "approving the funding approved": _funding_approved,
    "restoring a report owed": _report_owed,
    "analysing a closed need": _need_closed,
    "a project of a collected need": _need_collected,
    "a candidate for a matched need": _need_matched,
    "reversing a reversed payment": _payment_reversed,
    "reversing a reversed royalty report": _royalty_report_reversed,
    "withdrawing a withdrawn right": _right_withdrawn,
}
WORLD_ADVICE_ZH = {
    "withdraw it from its signatures": "从其审批意见中撤回",
    "come back once it is decided": "请在作出决定后再来",
    "Record the money on the contract it was paid under": "实际收款所依据的合同",
    "correct it with “Correct your declaration” in your row of the panel":
        "请点击评审组名单中您所在行的“更正您的声明”更正",
    "there is nothing to end": "无需再终止",
    "There is nothing to send again": "无需重新发送",
    "Correct that one instead": "请改为更正那一项",
    "Lower the floor or raise the pool": "请在规则中降低保底额或增加资金池",
    "correct its end date first": "请先更正其终止日期",
    "reverse it first, with the reason (“Reverse”, in its row under the company's Exits)":
        "请先冲销该退出并说明理由（公司“退出”表中该行的“冲销”）",
    "Its page shows what it did": "其页面列出了它所做的处理",
    "Upload the file again": "请重新上传该文件",
    "only a failed or cancelled message is sent again": "只有发送失败或已取消的消息才能重新发送",
    "Create a new token": "请新建一个令牌",
    "withdraw it": "请撤回它",
    "it is approved once": "只批准一次",
    "there is no cancellation to undo": "没有可恢复的撤销",
    "record it as a new need": "请登记为新需求",
    "Analyse it first": "请先分析该需求",
    "If the match fell through, move it back to analysed": "若对接未成，请将其退回“已分析”",
    "record it again": "请重新登记",
    "Record the report of that period anew": "请重新登记该期间的报告",
    "nothing more is recorded for it": "不再为其登记任何内容",
}

_world = World()


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    return shared(app, module_connection, _world)


def _named(value) -> str:
    """A state as the page names it in the locale in force: an enum's label (either case), a
    date or an instant by its day."""
    if isinstance(value, datetime):
        return on_day(value)
    if isinstance(value, date):
        return day(value)
    return str(label(value))


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("case", sorted(WORLD_CASES))
def test_a_refusal_by_state_in_the_world_names_it_with_its_date(client, world, case, locale):
    who, path, data, states, record, advice = WORLD_CASES[case]()
    actor = _person(who)
    actor.locale = locale
    _commit()
    login(client, actor)
    refused = post(client, path, data)
    page = html.unescape(refused.get_data(as_text=True))
    main = page[page.find("<main"):]
    assert refused.status_code == 409, (refused.status_code, main)
    with force_locale(locale):
        for state in states:
            shown = _named(state)
            assert shown in page or shown.lower() in page, (shown, main)
    assert (advice if locale == "en" else WORLD_ADVICE_ZH[advice]) in page, main
    # A link to the record, or its page shown again with the refusal above its forms.
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html.unescape(client.get(record).get_data(
        as_text=True)), re.S)
    assert (re.search(rf'(href|action)="{re.escape(record)}[/"?#]', page)
            or (heading and heading.group(1) in main)), (
        record, re.findall(r'(?:href|action)="([^"]*)"', main))


# --- refusals said by a service, with the day of the state that refuses ----------------------


def _under_review():
    milestone = _record(Milestone, "milestone_id")  # submitted to the panelist as built
    return (lambda: milestone_services.post_update(_person("pm"), milestone, 50, "More", []),
            [milestone.submitted_at])


def _place_confirmed():
    member = _record(ProjectMember, "member_id")
    team.answer(_person("director"), member, True)
    return lambda: team.answer(_person("director"), member, True), [member.confirmed_at]


def _expert_with_account():
    expert = _record(Expert, "expert_id")
    expert_services.link_account(_person("admin"), expert, _person("evaluator"))
    return (lambda: expert_services.create_account(_person("admin"), expert, "x" * 16),
            [_person("evaluator").email])


def _cap_table_recorded():
    company = _record(Company, "company_id")
    return (lambda: companies.incorporate(_person("admin"), company, [], today(),
                                          Decimal("1000")),
            [company.founders_table()[0].on_date])


def _need_made_a_project():
    need = _record(TechnologyNeed, "need_id")  # matched as built
    made = need_services.make_project(_person("admin"), need, _world.people["pm"])
    return (lambda: need_services.make_project(_person("admin"), need, _world.people["pm"]),
            [made.created_at])


def _agreement_closed():
    agreement = _record(FundingAgreement, "agreement_id")  # converted at the round as built
    assert not agreement.is_open
    return (lambda: funding_services.require_open(agreement),
            [agreement.outcome_on, agreement.outcome])


def _grant_values(grant: IncentiveGrant, **changed) -> dict:
    return {**{key: getattr(grant, key) for key in incentives.EDITABLE}, **changed}


def _schedule_exercised():
    exercise = _record(OptionExercise, "exercise_id")
    grant = exercise.grant
    return (lambda: incentives.update_grant(_person("admin"), grant,
                                            **_grant_values(grant, vesting_months=12)),
            [exercise.on_date])


def _lock_up_on_the_ledger():
    grant = _record(OptionExercise, "exercise_id").grant
    until = today() + timedelta(days=365)
    incentives.update_grant(_person("admin"), grant, **_grant_values(grant, lock_up_until=until))
    entry = grant.exercises[0].entry
    assert entry.lock_up_until == until  # the lock-up left out, given to the ledger's shares
    return (lambda: incentives.update_grant(
        _person("admin"), grant, **_grant_values(grant, lock_up_until=until + timedelta(days=30))),
            [entry.on_date, until])


def _window_after_leaving():
    grant = _record(IncentiveGrant, "grant_id")
    incentives.forfeit(_person("admin"), grant, today(), "Left the company")
    return (lambda: incentives.update_grant(
        _person("admin"), grant, **_grant_values(grant, exercise_window_days=200)),
            [grant.left_on])


def _team_place_waiting():
    project = _record(ChangeRequest, "request_id").project
    newcomer = make_user(institute_id=_world.ids["institute_id"])
    waiting = ChangeRequest(project_id=project.id, kind=ChangeKind.TEAM_ADD,
                            state=ChangeState.PENDING, params={"user_id": newcomer.id},
                            reason="Needs a welder", requested_by_id=project.pm_id)
    db.session.add(waiting)
    db.session.flush()
    return (lambda: changes.add_member(_person("pm"), project, user_id=newcomer.id,
                                       reason="Needs a welder"), [waiting.requested_at])


def _team_place_taken_meanwhile():
    """HQ approves a place asked for someone who joined the team meanwhile (confirmed)."""
    place = _record(ProjectMember, "member_id")
    team.answer(_person("director"), place, True)
    asked = ChangeRequest(project_id=place.project_id, kind=ChangeKind.TEAM_ADD,
                          state=ChangeState.PENDING, params={"user_id": place.user_id},
                          reason="Needs a welder", requested_by_id=place.project.pm_id)
    db.session.add(asked)
    db.session.flush()
    return (lambda: changes.decide(_person("admin"), asked, True, ""),
            [place.confirmed_at, place.user.name])


SERVICE_CASES: dict[str, Callable] = {
    "approving a place for someone on the team since": _team_place_taken_meanwhile,
    "correcting the schedule of a grant exercised": _schedule_exercised,
    "correcting a lock-up the ledger's shares carry": _lock_up_on_the_ledger,
    "correcting the exercise window after leaving": _window_after_leaving,
    "a place on the team asked while one waits": _team_place_waiting,
    "paying on an agreement closed": _agreement_closed,
    "progress on a milestone under review": _under_review,
    "a place on the team confirmed again": _place_confirmed,
    "an account for an expert who has one": _expert_with_account,
    "a second cap table": _cap_table_recorded,
    "a second project of a need": _need_made_a_project,
}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("case", sorted(SERVICE_CASES))
def test_a_refusal_by_state_a_service_says_names_its_day(world, case, locale):
    attempt, facts = SERVICE_CASES[case]()
    with force_locale(locale), pytest.raises(Refused) as refused:
        attempt()
    with force_locale(locale):
        for fact in facts:
            shown = fact if type(fact) is str else _named(fact)  # an e-mail as it is
            assert shown in refused.value.message, (shown, refused.value.message)
