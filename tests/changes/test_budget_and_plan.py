"""Change control under the PM system: a move within the threshold applied at once, one beyond
it pending until HQ approves, the cumulative rule, the end date against the approved baseline,
the total always HQ's, and every change audited with its before and after."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import login, post
from tests.export.pages import tables
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.changes import corrections, plan, services
from tracker.changes.models import ChangeKind, ChangeState
from tracker.dates import today
from tracker.display.formatting import day, on_day
from tracker.errors import Forbidden, Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.projects.models import BudgetLine, PhaseChange
from tracker.reminders import scan
from tracker.reminders.items import Query, changes_awaiting_hq
from tracker.reminders.models import OutboxMessage
from tracker.spending.services import record_spending

SIX_PCT = Decimal("180000.00")  # of a total of 3,000,000; the limit is 10 %


def _project(**kw):
    """Under way, a total of 3,000,000 in two lines of 1,000,000 (Equipment, Materials)."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH, **kw)
    project.budget_lines.append(BudgetLine(category="Materials", amount=Decimal("1000000.00")))
    _commit()
    return project


def _amounts(project) -> list[Decimal]:
    db.session.refresh(project)
    return [line.amount for line in project.budget_lines]


def _move(project, amount=SIX_PCT, reason="Cheaper rig, more samples"):
    equipment, materials = project.budget_lines
    request = services.move_budget(project.pm, project, from_line_id=equipment.id,
                                   to_line_id=materials.id, amount=amount, reason=reason)
    _commit()
    return request


def _audit(action: str) -> list[AuditRecord]:
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)
                                   .order_by(AuditRecord.id)))


def test_a_move_within_the_threshold_is_applied_at_once_and_audited():
    project = _project()
    request = _move(project)
    assert request.state is ChangeState.APPLIED
    assert _amounts(project) == [Decimal("820000.00"), Decimal("1180000.00")]
    [record] = _audit("change.apply")
    assert record.object_type == "projects" and record.object_id == project.id
    assert record.changes["budget_lines"] == [
        [["Equipment", "1000000.00"], ["Materials", "1000000.00"]],
        [["Equipment", "820000.00"], ["Materials", "1180000.00"]]]
    assert record.changes["change_state"] == [None, "applied"]
    # The plan as the proposal gate approved it became the baseline, shown beside the plan.
    baseline = plan.baseline(project)
    assert baseline.budget_lines == [["Equipment", "1000000.00"], ["Materials", "1000000.00"]]


def test_the_cumulative_rule_two_moves_of_six_percent_the_second_waits_for_hq():
    project = _project()
    assert _move(project).state is ChangeState.APPLIED
    second = _move(project)
    assert second.state is ChangeState.PENDING
    assert "12.00 % of the total" in second.why_hq
    assert _amounts(project) == [Decimal("820000.00"), Decimal("1180000.00")]  # unchanged
    [asked] = _audit("change.request")
    assert asked.changes["budget_lines"][1] == [["Equipment", "640000.00"],
                                                 ["Materials", "1360000.00"]]
    with pytest.raises(Refused) as refused:  # the second move waits: its day and state said
        _move(project, Decimal("1.00"))
    assert (f"“Move between budget lines”, asked on {on_day(second.requested_at)}, is awaiting "
            "a decision: nothing else changes the same plan") in refused.value.message

    with pytest.raises(Forbidden):  # the PM does not approve their own request
        services.decide(project.pm, second, True, "")
    admin = make_user(Role.HQ_ADMIN)
    services.decide(admin, second, True, "")
    _commit()
    assert second.state is ChangeState.APPROVED and second.decided_by_id == admin.id
    assert _amounts(project) == [Decimal("640000.00"), Decimal("1360000.00")]
    [approved] = _audit("change.approve")
    assert approved.changes["change_state"] == ["pending", "approved"]
    assert approved.changes["budget_lines"] == [
        [["Equipment", "820000.00"], ["Materials", "1180000.00"]],
        [["Equipment", "640000.00"], ["Materials", "1360000.00"]]]
    # HQ's approval is the new baseline; what HQ approved is not the PM's own share.
    assert plan.baseline(project).budget_lines == [["Equipment", "640000.00"],
                                                   ["Materials", "1360000.00"]]
    assert plan.moved_on_own_word(project) == SIX_PCT
    assert _move(project, Decimal("60000.00")).state is ChangeState.APPLIED  # 8 %


def test_hq_refuses_with_a_reason_and_nothing_changes():
    project = _project()
    request = services.change_total(project.pm, project, budget_total=Decimal("3500000.00"),
                                    reason="A second test campaign")
    _commit()
    assert request.state is ChangeState.PENDING  # the total is always HQ's
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid, match="Say why"):
        services.decide(admin, request, False, "  ")
    services.decide(admin, request, False, "Fund it from the next call")
    _commit()
    db.session.refresh(project)
    assert request.state is ChangeState.REFUSED and project.budget_total == Decimal("3000000.00")
    [refused] = _audit("change.refuse")
    assert refused.changes["decision_reason"] == [None, "Fund it from the next call"]
    assert refused.changes["change_state"] == ["pending", "refused"]
    with pytest.raises(Refused, match="Refused”: it was decided already"):
        services.decide(admin, request, True, "")


def test_the_end_date_moves_on_the_pms_word_within_the_rebaseline_setting_of_the_baseline():
    project = _project(end_date=date(2028, 12, 31))
    first = services.change_end_date(project.pm, project, end_date=date(2029, 1, 20),
                                     reason="Supplier late")
    _commit()
    assert first.state is ChangeState.APPLIED and project.end_date == date(2029, 1, 20)
    # Counted from the approved end date, not from the last move: 20 + 20 days > 30.
    second = services.change_end_date(project.pm, project, end_date=date(2029, 2, 9),
                                      reason="Supplier later still")
    _commit()
    assert second.state is ChangeState.PENDING and project.end_date == date(2029, 1, 20)
    assert "40 days from the approved end date, Dec 31, 2028" in second.why_hq  # as pages say dates
    [record] = _audit("change.apply")
    assert record.changes["end_date"] == ["2028-12-31", "2029-01-20"]


def test_the_route_is_the_pms_and_audited():
    project = _project()
    services.change_route(project.pm, project, technical_route="SiC epitaxy on 8-inch wafers",
                          reason="6-inch supply ends")
    _commit()
    assert project.technical_route == "SiC epitaxy on 8-inch wafers"
    [route] = _audit("change.apply")
    assert route.changes["technical_route"] == ["", "SiC epitaxy on 8-inch wafers"]


def test_only_the_pm_of_a_project_under_way_changes_its_plan():
    project = _project()
    for actor in (make_user(Role.HQ_ADMIN), make_user(Role.PROJECT_MANAGER)):
        with pytest.raises(Forbidden):
            services.change_route(actor, project, technical_route="x", reason="y")
    draft = make_project()
    # A draft is edited as a proposal: its PM hears so by its stage, not "not allowed".
    with pytest.raises(Refused, match="once it has passed gate 1"):
        services.change_route(draft.pm, draft, technical_route="x", reason="y")
    with pytest.raises(Invalid, match="Say why"):
        services.change_route(project.pm, project, technical_route="x", reason=" ")


def test_the_pages_show_before_and_after_and_hq_decides_there(client):
    project = _project()
    _move(project)
    login(client, project.pm)
    equipment, materials = project.budget_lines
    response = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(equipment.id), "move-to_line_id": str(materials.id),
        "move-amount": "180000", "move-reason": "More samples"})
    assert response.status_code == 302
    path = response.headers["Location"]
    page = client.get(path).get_data(as_text=True)
    assert "Awaiting a decision" in page and "12.00 % of the total" in page
    [before_after] = tables(page)
    assert before_after["body"] == [["Budget lines",
                                     "Equipment CN¥820,000.00; Materials CN¥1,180,000.00",
                                     "Equipment CN¥640,000.00; Materials CN¥1,360,000.00"]]
    assert "Approve" not in page  # not the PM's to decide
    # The project page's count says what the list says (waiting for a decision: the
    # institute's or HQ's), never that HQ holds a change still at the institute.
    shown = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "1 awaiting a decision" in shown and "awaiting HQ" not in shown

    post(client, "/logout")
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    home = client.get("/").get_data(as_text=True)
    assert "Changes to a plan awaiting your decision" in home and path in home
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = post(client, path + "/decide", {"approve": "1", "reason": "",
                                               "version": version, "seen_at": ""})
    assert response.status_code == 302
    assert _amounts(project) == [Decimal("640000.00"), Decimal("1360000.00")]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Approved baseline" in page and "Current plan" in page
    assert "awaiting a decision" not in page
    changes = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert "Approved" in changes and "Applied" in changes


def test_a_decision_taken_on_a_stale_page_is_refused(client):
    project = _project()
    _move(project)
    request = _move(project)
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    path = f"/changes/{request.id}"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    request.reason = "Reworded meanwhile"
    _commit()
    seen_at = re.search(r'name="seen_at"[^>]*value="([^"]+)"', page).group(1)
    response = post(client, path + "/decide", {"approve": "1", "version": version,
                                               "seen_at": seen_at})
    assert response.status_code == 409
    # A forged instant without a zone is no instant this app wrote: refused all the same.
    response = post(client, path + "/decide", {"approve": "1", "version": version,
                                               "seen_at": date.today().isoformat()})
    assert response.status_code == 409
    assert request.state is ChangeState.PENDING


def test_every_kind_has_a_label_and_the_pm_sees_every_form(client):
    project = _project()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    for title in ("Move money between budget lines", "Change the budget total",
                  "Add a team member", "Remove a team member", "Change the technical route",
                  "Change the end date", "Hand the project to another project manager"):
        assert title in page
    assert {k.value for k in ChangeKind} == {
        "budget_move", "budget_total", "team_add", "team_remove", "route", "end_date",
        "handover"}


def test_a_change_waiting_for_hq_is_a_reminder_until_decided():
    project = _project()
    admin = make_user(Role.HQ_ADMIN)
    request = services.change_total(project.pm, project, budget_total=Decimal("3200000.00"),
                                    reason="Second campaign")
    _commit()
    scan.scan(today() + timedelta(days=4))
    _commit()
    assert _reminders(request) == []
    scan.scan(today() + timedelta(days=5))  # the rule's default: 5 days after the request
    _commit()
    assert admin.id in _reminders(request)
    services.decide(admin, request, True, "")
    _commit()
    assert changes_awaiting_hq(Query(item_ids=[request.id])) == []


def _reminders(request) -> list[int]:
    return [m.recipient_id for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.rule == "change_request", OutboxMessage.item_id == request.id))]


def test_a_refused_change_opens_its_form_with_the_reason_above_it(client):
    project = _project()
    login(client, project.pm)
    equipment, materials = project.budget_lines
    response = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(equipment.id), "move-to_line_id": str(equipment.id),
        "move-amount": "1000", "move-reason": "Typo"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose another line than the one the money leaves." in page
    assert re.search(r"<details open>\s*<summary>Move money between budget lines", page)


def test_no_change_is_asked_or_offered_before_the_proposal_gate_approves_the_plan(client):
    """The plan under review is what the panel judges, and a draft is still the PM's to edit:
    change control starts once gate 1 has passed (found: a budget move applied at once on a
    project in proposal review, on a page calling its plan 'the approved baseline')."""
    for phase in (Phase.DRAFT, Phase.PROPOSAL_REVIEW):
        project = make_project(phase=phase)
        project.budget_lines.append(BudgetLine(category="Materials",
                                               amount=Decimal("1000000.00")))
        _commit()
        with pytest.raises(Refused, match="once it has passed gate 1"):
            _move(project)  # its PM, refused by its stage
        db.session.rollback()
        with pytest.raises(Refused, match="once it has passed gate 1"):
            services.hand_over(make_user(Role.HQ_ADMIN), project,
                               user_id=make_user(Role.PROJECT_MANAGER).id, reason="Moved on")
        db.session.rollback()
        login(client, project.pm)
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        assert f"/projects/{project.id}/changes" not in page
        changes = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
        assert 'name="move-amount"' not in changes and 'name="handover-user_id"' not in changes
        post(client, "/logout")


def test_an_end_date_already_past_is_refused_beside_the_field():
    """Found: an end date of the project's start, long past, was sent to HQ as a change."""
    project = _project(start_date=today() - timedelta(days=300),
                       end_date=today() + timedelta(days=400))
    for past in (project.start_date, today() - timedelta(days=1)):
        with pytest.raises(Invalid) as refused:
            services.change_end_date(project.pm, project, end_date=past, reason="Stop early")
        assert refused.value.field == "end_date" and "today at the earliest" in str(
            refused.value)
        db.session.rollback()
    assert services.change_end_date(project.pm, project, end_date=today(),
                                    reason="Done early").state is ChangeState.PENDING


def test_the_baseline_is_dated_by_its_approval_not_by_the_first_change(client):
    """The first baseline is written when the PM first changes the plan, but what it holds was
    approved at the proposal gate; a later one, when HQ approved the change it follows."""
    project = _project()
    gate_go = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # noon in Shanghai
    db.session.add(PhaseChange(project_id=project.id, from_phase=Phase.PROPOSAL_REVIEW,
                               to_phase=Phase.CONTRACT_RESEARCH, at=gate_go))
    _commit()
    _move(project)  # on the PM's word, now
    for locale, approved in (("en", "Baseline approved on Mar 2, 2026"),
                             ("zh_CN", "基线批准于 2026年3月2日")):
        client = client.application.test_client()
        login(client, make_user(Role.OBSERVER, locale=locale))
        page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
        assert approved in page, re.findall(r'class="muted">([^<]*)', page)
    request = _move(project)  # 12 %: waits for HQ, who approves it later
    services.decide(make_user(Role.HQ_ADMIN), request, True, "")
    request.decided_at = datetime(2026, 4, 3, 4, 0, tzinfo=UTC)
    _commit()
    client = client.application.test_client()
    login(client, make_user(Role.OBSERVER, locale="en"))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Baseline approved on Apr 3, 2026" in page
    # Imported under way, with no gate on record: no date rather than a wrong one.
    imported = _project()
    _move(imported)
    page = client.get(f"/projects/{imported.id}/changes").get_data(as_text=True)
    assert "Baseline approved at the proposal gate" in page
    client = client.application.test_client()
    login(client, make_user(Role.OBSERVER, locale="zh_CN"))
    page = client.get(f"/projects/{imported.id}/changes").get_data(as_text=True)
    assert "基线于立项评审时批准" in page


def test_a_decision_refused_as_stale_shows_the_request_as_it_stands_now(client):
    """Decided meanwhile by someone else: the 409 page shows that decision and no Approve or
    Refuse; still waiting but changed meanwhile: the page offers the decision again, on the
    version it shows now."""
    project = _project()
    _move(project)  # 6 % on the PM's word: each move after it waits for HQ
    for locale, refused_tag in (("en", "Refused"), ("zh_CN", "已拒绝")):
        request = _move(project)
        path = f"/changes/{request.id}"
        browser = client.application.test_client()
        login(browser, make_user(Role.HQ_ADMIN, locale=locale))
        page = browser.get(path).get_data(as_text=True)
        assert 'name="approve"' in page
        version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
        seen_at = re.search(r'name="seen_at"[^>]*value="([^"]+)"', page).group(1)
        services.decide(make_user(Role.HQ_ADMIN), request, False, "Not this year")
        _commit()
        response = post(browser, path + "/decide", {"approve": "1", "version": version,
                                                    "seen_at": seen_at})
        assert response.status_code == 409
        page = response.get_data(as_text=True)
        assert refused_tag in page and "Not this year" in page
        assert 'name="approve"' not in page and f'action="{path}/decide"' not in page
        db.session.expire_all()
        assert request.state is ChangeState.REFUSED
    # Still waiting, only reworded meanwhile: decided on what the page shows now.
    request = _move(project)
    path = f"/changes/{request.id}"
    page = browser.get(path).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    seen_at = re.search(r'name="seen_at"[^>]*value="([^"]+)"', page).group(1)
    request.reason = "Reworded meanwhile"
    _commit()
    response = post(browser, path + "/decide", {"approve": "1", "version": version,
                                                "seen_at": seen_at})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Reworded meanwhile" in page
    assert 'name="approve"' in page
    assert re.search(r'name="version"[^>]*value="(\d+)"', page).group(1) != version


def test_a_move_may_open_a_new_budget_line_under_the_same_limits(client):
    project = _project()
    equipment = project.budget_lines[0]
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert "A new line (named below)" in page and 'name="move-new_line"' in page
    # Within the limit: the line is created at once, and audited with the plan before and after.
    response = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(equipment.id), "move-to_line_id": "0",
        "move-new_line": "Testing fees", "move-amount": "120000", "move-reason": "Outside lab"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(project)
    assert [(b.category, b.amount) for b in project.budget_lines] == [
        ("Equipment", Decimal("880000.00")), ("Materials", Decimal("1000000.00")),
        ("Testing fees", Decimal("120000.00"))]
    [record] = _audit("change.apply")
    assert record.changes["budget_lines"][1][-1] == ["Testing fees", "120000.00"]
    # Beyond it (4 % + 7 % of the total): waits for HQ, and no line exists until approved.
    request = services.move_budget(project.pm, project, from_line_id=equipment.id,
                                   to_line_id=None, new_line="Travel",
                                   amount=Decimal("210000"), reason="Field trials")
    _commit()
    assert request.state is ChangeState.PENDING
    assert "Travel" not in [b.category for b in project.budget_lines]
    services.decide(make_user(Role.HQ_ADMIN), request, True, "")
    _commit()
    db.session.refresh(project)
    assert ("Travel", Decimal("210000.00")) in [(b.category, b.amount)
                                                for b in project.budget_lines]
    assert plan.baseline(project).budget_lines[-1] == ["Travel", "210000.00"]
    # A name the project has already is refused, and a new line needs a name.
    with pytest.raises(Refused, match="has a budget line “Travel” already"):
        services.move_budget(project.pm, project, from_line_id=equipment.id, to_line_id=None,
                             new_line=" travel ", amount=Decimal("1000"), reason="x")
    response = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(equipment.id), "move-to_line_id": "0", "move-new_line": "",
        "move-amount": "1000", "move-reason": "x"})
    assert response.status_code == 400 and "Name the new budget line." in (
        response.get_data(as_text=True))


def test_the_move_form_offers_a_new_line_in_chinese(client):
    project = _project()
    project.pm.locale = "zh_CN"
    _commit()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert "新的预算科目（在下方命名）" in page and "新预算科目名称" in page


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_undoing_a_move_whose_new_line_was_spent_says_since_when_and_what_to_do(locale):
    """HQ corrects the approval of a move that created a line: spending recorded against that
    line keeps it, and the refusal names the line, the first spending's day in the reader's
    writing, and the way forward (a new change)."""
    project = _project()
    equipment = project.budget_lines[0]
    request = services.move_budget(project.pm, project, from_line_id=equipment.id,
                                   to_line_id=None, new_line="Travel",
                                   amount=Decimal("310000"), reason="Field trials")
    admin = make_user(Role.HQ_ADMIN)
    services.decide(admin, request, True, "")
    travel = next(b for b in project.budget_lines if b.category == "Travel")
    record_spending(project.pm, project, budget_line_id=travel.id, spent_on=date(2026, 3, 2),
                    amount=Decimal("5000"), description="Train tickets")
    _commit()
    with force_locale(locale), pytest.raises(Refused) as refused:
        corrections.correct_decision(admin, request, "Approved by mistake")
    with force_locale(locale):
        assert day(date(2026, 3, 2)) in refused.value.message
        assert "“Travel”" in refused.value.message
        assert ("ask for a new change of the budget" if locale == "en"
                else "请另行申请预算变更") in refused.value.message
