"""Team changes need their holder's or the director's confirmation and never give a stake to
an evaluator on an open panel without HQ seeing it; a handover moves the reminders (a real
scan), the conditions and the calendar feed to the new PM, and the old PM keeps read access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers as gate_helpers
from tests.reminders import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.changes import services
from tracker.changes.models import ChangeState
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.gates import services as gates
from tracker.gates.condition_models import Condition
from tracker.projects import team
from tracker.projects.lifecycle import Phase
from tracker.reminders import scan
from tracker.reminders.items import Query, milestones_due
from tracker.reminders.models import MessageState, OutboxMessage


def _messages(project, rule: str = "milestone_due") -> list[tuple[int, MessageState]]:
    return sorted((m.recipient_id, m.state) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.project_id == project.id,
                                    OutboxMessage.rule == rule)))


def test_a_new_member_waits_for_their_confirmation_as_on_a_proposal():
    director = make_user()
    institute = make_institute(director=director)
    project = make_project(institute=institute, phase=Phase.CONTRACT_RESEARCH)
    colleague = make_user(institute_id=institute.id)
    request = services.add_member(project.pm, project, user_id=colleague.id,
                                  reason="Needs a process engineer")
    _commit()
    assert request.state is ChangeState.APPLIED
    assert colleague.id in project.team_ids and colleague.id not in project.member_ids
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "change.apply"))
    assert record.changes["members"] == [[], [colleague.id]]
    [place] = project.members
    team.answer(director, place, True)
    _commit()
    assert colleague.id in project.member_ids
    with pytest.raises(Invalid):  # only people of the institute
        services.add_member(project.pm, project, user_id=make_user().id, reason="x")
    services.remove_member(project.pm, project, user_id=colleague.id, reason="Left")
    _commit()
    assert project.team_ids == set()


def test_an_evaluator_on_an_open_panel_gains_no_stake_until_hq_approves():
    install_gates()
    institute = make_institute()
    project = make_project(institute=institute)
    review = gate_helpers.submit(project)
    gate_helpers.go(review)
    review = gate_helpers.request(project)
    evaluators = gate_helpers.name_panel(review)
    evaluator = evaluators[1]
    evaluator.institute_id = institute.id
    _commit()
    request = services.add_member(project.pm, project, user_id=evaluator.id,
                                  reason="Knows the furnace")
    _commit()
    assert request.state is ChangeState.PENDING and evaluator.id not in project.team_ids
    # In the reader's language (found: the Chinese gate name in an English sentence).
    assert review.name_en in request.why_hq and review.name not in request.why_hq
    admin = make_user(Role.HQ_ADMIN)
    services.decide(admin, request, True, "Seen: HQ replaces them on the panel")
    _commit()
    [place] = project.members
    assert not place.confirmed
    team.answer(evaluator, place, True)  # HQ saw the conflict: the place may be confirmed
    _commit()
    assert project.stake_of(evaluator) == "team"
    assert not project.can_review_material(evaluator)


def test_a_place_named_before_the_panel_is_not_confirmed_while_its_holder_sits_on_it():
    install_gates()
    institute = make_institute()
    project = make_project(institute=institute)
    review = gate_helpers.submit(project)
    gate_helpers.go(review)
    colleague = make_user(Role.EVALUATOR, institute_id=institute.id)
    services.add_member(project.pm, project, user_id=colleague.id, reason="Joins")
    _commit()
    review = gate_helpers.request(project)
    evaluators = [make_user(Role.EVALUATOR) for _ in range(2)]
    # A pending place gives no stake: HQ may name its holder to the panel.
    gates.name_panel(make_user(Role.HQ_ADMIN), review, evaluators[0], [*evaluators, colleague],
                     today() + timedelta(days=10))
    _commit()
    with pytest.raises(Refused, match="sits on the open panel"):
        team.answer(colleague, project.members[0], True)
    db.session.rollback()
    assert project.stake_of(colleague) is None


def _handover_world():
    old_pm, director, hq, _evaluator = helpers.people(pm_locale="en")
    new_pm = make_user(Role.PROJECT_MANAGER, locale="en", name="Zhao Lei")
    project = helpers.project_for(old_pm, director)
    new_pm.institute_id = project.institute_id
    milestone = helpers.milestone(project, today() + timedelta(days=10), title="Wafer lot")
    _commit()
    return old_pm, new_pm, director, hq, project, milestone


def test_a_handover_moves_the_reminders_to_the_new_pm_from_the_next_scan(client):
    old_pm, new_pm, director, hq, project, milestone = _handover_world()
    install_gates()
    decision = gate_helpers.go(gate_helpers.submit(helpers.project_for(old_pm, phase=None)))
    condition = Condition(decision_id=decision.id, project_id=project.id, text="Data licence",
                          owner_id=old_pm.id, due_date=today() + timedelta(days=30))
    db.session.add(condition)
    _commit()
    scan.scan(today())
    _commit()
    assert _messages(project) == [(old_pm.id, MessageState.PENDING)]

    request = services.hand_over(director, project, user_id=new_pm.id,
                                 reason="Li Qiang leads the new line")
    _commit()
    assert request.state is ChangeState.APPLIED and project.pm_id == new_pm.id
    assert _messages(project) == [(old_pm.id, MessageState.CANCELLED)]
    assert condition.owner_id == new_pm.id

    found = scan.scan(today())  # the next scan: the same rung, for the new PM
    _commit()
    assert found.new >= 1
    assert _messages(project) == sorted([(old_pm.id, MessageState.CANCELLED),
                                         (new_pm.id, MessageState.PENDING)])
    # The calendar feed reads the same open items by their owner.
    assert [i.id for i in milestones_due(Query(owner_id=new_pm.id))] == [milestone.id]
    assert milestones_due(Query(owner_id=old_pm.id)) == []

    [record] = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "change.apply"))
    assert record.changes["pm_id"] == [old_pm.id, new_pm.id]

    # The old PM still reads the project, and changes nothing of it.
    login(client, old_pm)
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert f"/projects/{project.id}" in client.get("/projects/").get_data(as_text=True)
    assert post(client, f"/projects/{project.id}/trl",
                {"level": "7", "note": "x"}).status_code == 403


def test_a_pm_asks_for_a_handover_and_the_director_decides_it(client):
    old_pm, new_pm, director, hq, project, _milestone = _handover_world()
    request = services.hand_over(old_pm, project, user_id=new_pm.id, reason="Moving to SITI")
    _commit()
    assert request.state is ChangeState.PENDING and project.pm_id == old_pm.id
    with pytest.raises(Forbidden):
        services.decide(make_user(Role.PROJECT_MANAGER), request, True, "")
    login(client, director)  # on the director's home page, with HQ's
    home = client.get("/").get_data(as_text=True)
    assert "待您决定的计划变更" in home  # the director reads Chinese
    assert f"/changes/{request.id}" in home
    services.decide(director, request, True, "")
    _commit()
    assert project.pm_id == new_pm.id and request.state is ChangeState.APPROVED
    assert project.handovers[-1].from_pm_id == old_pm.id
    # The director decided it, and the page does not say HQ did (found: "总部已批准").
    page = client.get(f"/changes/{request.id}").get_data(as_text=True)
    assert director.name in page and "总部已批准" not in page and "须总部决定" not in page


def test_a_project_is_handed_only_to_an_active_pm_of_its_institute():
    old_pm, new_pm, director, hq, project, _milestone = _handover_world()
    for user in (make_user(), make_user(Role.PROJECT_MANAGER, institute_id=make_institute().id),
                 old_pm):
        with pytest.raises(Invalid):
            services.hand_over(hq, project, user_id=user.id, reason="x")
    with pytest.raises(Forbidden):
        services.hand_over(make_user(Role.OBSERVER), project, user_id=new_pm.id, reason="x")


def test_a_handover_with_nobody_to_hand_to_says_why_instead_of_an_empty_form(client):
    old_pm, director, _hq, _evaluator = helpers.people(pm_locale="en")
    project = helpers.project_for(old_pm, director)
    _commit()
    handover = f'action="/projects/{project.id}/changes/handover"'
    for locale, why in (("en", "there is nobody to hand the project to"),
                        ("zh_CN", "无人可以接手该项目")):
        director.locale = locale
        _commit()
        browser = client.application.test_client()
        login(browser, director)
        page = browser.get(f"/projects/{project.id}/changes").get_data(as_text=True)
        assert why in page and handover not in page
    successor = make_user(Role.PROJECT_MANAGER, name="Zhao Lei")
    successor.institute_id = project.institute_id
    _commit()
    page = browser.get(f"/projects/{project.id}/changes").get_data(as_text=True)
    assert handover in page and "Zhao Lei" in page and "无人可以接手该项目" not in page
