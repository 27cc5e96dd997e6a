"""The project page opens with its lifecycle as a stepper and its milestones on a timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.approvals.test_chain import _draft
from tests.conftest import login
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today as org_today
from tracker.gates import conditions
from tracker.gates.models import Outcome
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects import guards
from tracker.projects import services as projects
from tracker.projects.lifecycle import Phase
from tracker.projects.stepper import stepper
from tracker.reports.charts import timeline


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _states(project):
    drawn = stepper(project, project.phase_changes)
    return [(s.phase.value, s.state) for s in drawn.stages], drawn


def test_a_draft_stands_on_the_first_step_and_works_towards_gate_1():
    states, drawn = _states(make_project())
    assert states[0] == ("draft", "current")
    assert all(state == "ahead" for _, state in states[1:])
    assert drawn.next_gate == 1 and drawn.stopped is None


def test_a_passed_gate_shows_its_decision_and_the_project_stands_on_the_next_phase(client):
    project = make_project()
    review = helpers.submit(project)
    helpers.go(review)
    states, drawn = _states(project)
    assert states[:3] == [("draft", "done"), ("proposal_review", "done"),
                          ("contract_research", "current")]
    gate1 = drawn.stages[1]
    assert gate1.gate == 1 and gate1.decision.outcome is Outcome.GO
    assert drawn.next_gate == 2
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'aria-current="step"' in page and "Lifecycle" in page
    assert f"#decision-{gate1.decision.id}" in page
    assert "requirements still to meet" in page


def test_a_held_project_is_marked_on_the_phase_it_was_held_in():
    project = make_project()
    review = helpers.submit(project)
    helpers.go(review, Outcome.HOLD, revisit_date=date.today() + timedelta(days=30))
    states, drawn = _states(project)
    assert ("proposal_review", "current") in states
    assert drawn.stopped is Phase.ON_HOLD and drawn.next_gate is None


def test_a_rejected_project_is_marked_where_it_ended():
    project = make_project()
    helpers.go(helpers.submit(project), Outcome.KILL, rationale="Not novel")
    states, drawn = _states(project)
    assert ("proposal_review", "current") in states
    assert drawn.stopped is Phase.REJECTED


def test_the_milestone_timeline_places_each_milestone_against_today(client):
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    today = org_today()
    late = milestones.plan_milestone(pm, project, phase=Phase.CONTRACT_RESEARCH, title="Late one",
                                     deliverable="", due_date=today - timedelta(days=10),
                                     weight=Decimal("1"))
    ahead = milestones.plan_milestone(pm, project, phase=Phase.CONTRACT_RESEARCH,
                                      title="Ahead", deliverable="",
                                      due_date=today + timedelta(days=10), weight=Decimal("1"))
    _commit()
    chart = timeline([late, ahead], today - timedelta(days=20), today + timedelta(days=20), today)
    # 40 days drawn over 720 units: 18 per day.
    assert [(m.title, m.x, m.kind) for m in chart.marks] == [("Late one", 180.0, "overdue"),
                                                            ("Ahead", 540.0, "open")]
    assert chart.today_x == 360.0
    login(client, pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'class="mark overdue"' in page and 'class="mark open"' in page
    assert f"/milestones/{late.id}" in page


def test_the_page_opens_with_the_lifecycle_and_the_milestones_against_today(client):
    """Issue 12 point 3: the stepper and the timeline came after the facts, the team, the
    budget lines and the baseline, a screen or more down; they now come first, under the
    title."""
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    milestones.plan_milestone(pm, project, phase=Phase.CONTRACT_RESEARCH, title="Bench test",
                              deliverable="", due_date=org_today() + timedelta(days=10),
                              weight=Decimal("1"))
    _commit()
    login(client, pm)
    main = client.get(f"/projects/{project.id}").get_data(as_text=True).split("<main", 1)[1]
    first_heading = main.split("<h2", 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert first_heading == "Lifecycle"
    assert (main.index('class="stepper"') < main.index('class="milestone-timeline"')
            < main.index('class="facts"') < main.index(">Team<"))


def _item(page: str, label: str) -> str:
    """The checklist item of the page whose label is `label`, as drawn."""
    return next(item for item in page.split("<li class=")[1:] if label in item).split("</li>")[0]


def test_a_gate_review_under_way_is_progress_not_a_requirement_unmet(app, client):
    """Requested, then being scored: the stepper shows the review under way (its state, a
    link to it), never "requirements still to meet"; the checklist's item is under way, not
    to do; both languages say so."""
    project = make_project()
    helpers.go(helpers.submit(project))
    review = helpers.request(project)
    drawn = stepper(project, project.phase_changes)
    assert drawn.next_gate == 2 and drawn.under_way is review
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    gate2 = page.split("Gate 2:")[1].split("</li>")[0]
    assert "requirements still to meet" not in gate2
    assert "Under way" in gate2 and "Requested: panel to be named" in gate2
    assert f'href="/reviews/{review.id}"' in gate2
    item = _item(page, "No gate review is under way")
    assert item.startswith('"under-way"') and "To do" not in item and "Under way" in item
    helpers.name_panel(review)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Under review" in page.split("Gate 2:")[1].split("</li>")[0]
    observer = make_user(Role.OBSERVER, locale="zh_CN")
    chinese = app.test_client()
    login(chinese, observer)
    zh = chinese.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "办理中" in zh.split("阶段门 2")[1].split("</li>")[0]


def test_a_milestone_under_review_and_a_condition_awaiting_confirmation_are_under_way(client):
    """Requested, not missing: a milestone submitted for its review, a condition its owner
    marked met; the gate is still refused until they are done, with what is under way."""
    project = make_project()
    helpers.go(helpers.submit(project))
    helpers.go(helpers.request(project), target_phase=Phase.INVESTMENT_DECISION)
    review = helpers.request(project)
    helpers.go(review, Outcome.CONDITIONAL_GO, target_phase=Phase.SPIN_OFF,
               conditions=[{"text": "Sign the pilot order", "owner": project.pm,
                            "due_date": org_today() + timedelta(days=30)}])
    condition = review.decisions[-1].conditions[0]
    conditions.mark_condition_met(project.pm, condition, "Signed, see the file share")
    db.session.add(Milestone(project_id=project.id, phase=Phase.SPIN_OFF,
                             title="Pilot line", due_date=org_today(),
                             state=MilestoneState.SUBMITTED, percent_complete=100))
    _commit()
    checks = {c.label: c for c in guards.gate_checklist(project, 4)}
    milestones_check = checks["The phase's milestones are accepted or waived"]
    assert milestones_check.state == "under_way" and milestones_check.missing is None
    assert "Pilot line" in milestones_check.under_way
    conditions_check = checks["The conditions of earlier gates are cleared"]
    assert conditions_check.state == "under_way" and conditions_check.missing is None
    refusals = guards.gate_request_refusals(project, 4)
    assert milestones_check.under_way in refusals and conditions_check.under_way in refusals
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert _item(page, "milestones are accepted or waived").startswith('"under-way"')
    assert _item(page, "conditions of earlier gates").startswith('"under-way"')
    gate4 = page.split("Gate 4:")[1].split("</li>")[0]
    assert "(2 under way)" in gate4


@pytest.mark.parametrize("locale, met, unmet", [
    ("en", "next: no requirement left to meet", "next: 1 of"),
    ("zh_CN", "下一步：已无未满足的要求", "项要求中还有 1 项未满足")])
def test_a_draft_that_meets_every_requirement_is_not_told_none_of_them_is_still_to_meet(
        client, locale, met, unmet):
    """Found by a newcomer: the proposal's deliverable uploaded, the stepper read "next: 0 of 5
    requirements still to meet" (下一步：5 项要求中还有 0 项未满足)."""
    project = make_project()
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert unmet in page and met not in page
    helpers.upload_deliverables(project, 1)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert met in page and "next: 0 of" not in page and "还有 0 项" not in page


@pytest.mark.parametrize(("locale", "said", "not_said"), [
    ("en", "next: the institute's approval of the proposal", "no requirement left"),
    ("zh_CN", "下一步：等待研究所审批申报书", "已无未满足的要求")])
def test_a_proposal_at_the_institute_waits_for_its_approval_on_the_stepper(client, locale, said,
                                                                           not_said):
    """Found by a newcomer: once submitted to the institute the stepper read 'next: no
    requirement left to meet', as if nothing were awaited."""
    project, _director = _draft()
    projects.submit_proposal(project.pm, project)
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    stepper_box = page[page.index('class="stepper-box"'):page.index("</section>")]
    assert said in stepper_box and not_said not in stepper_box
