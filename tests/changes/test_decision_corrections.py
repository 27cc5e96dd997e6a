"""A decision on a change request recorded by mistake is corrected by whoever decides it
(issue 9 point 5): an approval undone restores the plan it changed, a refusal corrected applies
the change, both decisions stay visible, and a correction is refused, saying why, once later
facts depend on the decision."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.changes.test_budget_and_plan import SIX_PCT, _amounts, _move, _project
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.changes import corrections, plan, services
from tracker.changes.models import ChangeRequest, ChangeState
from tracker.errors import Forbidden, Invalid, Refused


def _approved_move(admin):
    """A move beyond the PM's limit (the second of 6 %), approved by HQ."""
    project = _project()
    _move(project)
    request = _move(project)
    services.decide(admin, request, True, "")
    _commit()
    return project, request


def test_an_approval_recorded_by_mistake_is_undone_and_both_stay_visible(client):
    admin = make_user(Role.HQ_ADMIN)
    project, request = _approved_move(admin)
    assert _amounts(project) == [Decimal("640000.00"), Decimal("1360000.00")]
    login(client, admin)
    page = client.get(f"/changes/{request.id}").get_data(as_text=True)
    path = f"/changes/{request.id}/correct"
    assert f'href="{path}"' in page
    assert post(client, path, {**tab(client, path), "reason": " "}).status_code == 400
    done = post(client, path, {**tab(client, path),
                               "reason": "Approved the wrong request of the two"})
    assert done.status_code == 302, done.get_data(as_text=True)

    assert _amounts(project) == [Decimal("820000.00"), Decimal("1180000.00")]
    db.session.expire_all()
    request = db.session.get(ChangeRequest, request.id)
    assert request.state is ChangeState.APPROVED  # the decision as recorded
    assert request.in_effect is ChangeState.REFUSED  # superseded by its correction
    assert request.correction.reason == "Approved the wrong request of the two"
    # The restored plan is the one HQ stands by: the approved baseline again.
    assert plan.baseline(project).budget_lines == [["Equipment", "820000.00"],
                                                   ["Materials", "1180000.00"]]
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "change.correct")).all()
    assert record.object_type == "projects" and record.object_id == project.id
    assert record.changes["change_state"] == ["approved", "refused"]
    assert record.changes["budget_lines"][1] == [["Equipment", "820000.00"],
                                                 ["Materials", "1180000.00"]]
    page = client.get(f"/changes/{request.id}").get_data(as_text=True)
    assert "Approved" in page and "Corrected: Refused" in page
    assert "Approved the wrong request of the two" in page and f'href="{path}"' not in page
    assert client.get(path).status_code == 409  # corrected already: said, linking back
    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert "Decision on a change corrected" in history
    assert "Approved the wrong request of the two" in history


def test_a_refusal_recorded_by_mistake_becomes_an_approval_in_effect():
    admin = make_user(Role.HQ_ADMIN)
    project = _project()
    request = services.change_total(project.pm, project, budget_total=Decimal("3500000.00"),
                                    reason="A second test campaign")
    services.decide(admin, request, False, "Fund it from the next call")
    _commit()
    corrections.correct_decision(admin, request, "The next call was cancelled")
    _commit()
    db.session.refresh(project)
    assert project.budget_total == Decimal("3500000.00")
    assert request.in_effect is ChangeState.APPROVED
    assert plan.baseline(project).budget_total == Decimal("3500000.00")


@pytest.mark.parametrize("locale,said", [("en", "Decision on a change corrected"),
                                         ("zh_CN", "更正了对变更的决定")])
def test_the_history_says_it_in_each_language(client, locale, said):
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    project, request = _approved_move(admin)
    corrections.correct_decision(admin, request, "Wrong request")
    _commit()
    login(client, admin)
    page = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert said in body and "Wrong request" in body
    assert not re.search(r"\b(change\.correct|change_state|None)\b", body)


def test_a_correction_is_refused_once_the_plan_has_moved_since(client):
    admin = make_user(Role.HQ_ADMIN)
    project, request = _approved_move(admin)
    assert _move(project, Decimal("60000.00")).state is ChangeState.APPLIED  # moved since
    assert corrections.correction_refusal(request) is not None
    with pytest.raises(Refused, match="The plan has changed since this decision"):
        corrections.correct_decision(admin, request, "Too late")
    db.session.rollback()
    assert request.can_correct(admin)  # theirs to correct, but not now: the page says why
    login(client, admin)
    page = client.get(f"/changes/{request.id}").get_data(as_text=True)
    assert f"/changes/{request.id}/correct" not in page
    assert "The plan has changed since this decision" in page
    refused = client.get(f"/changes/{request.id}/correct")
    assert refused.status_code == 409 and f'href="/changes/{request.id}"' in refused.get_data(
        as_text=True)
    # Applied on the PM's word, a change has no decision to correct.
    applied = db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.state == ChangeState.APPLIED)).first()
    with pytest.raises(Refused, match="within the project manager's limits"):
        corrections.correct_decision(admin, applied, "Nothing")


def test_an_end_date_is_not_moved_back_before_a_milestone_planned_since():
    from tracker.milestones import services as milestones
    from tracker.projects.lifecycle import Phase

    admin = make_user(Role.HQ_ADMIN)
    project = _project(end_date=date(2028, 12, 31))
    request = services.change_end_date(project.pm, project, end_date=date(2029, 12, 31),
                                       reason="A longer campaign")
    services.decide(admin, request, True, "")
    milestones.plan_milestone(project.pm, project, phase=Phase.CONTRACT_RESEARCH,
                              title="Field trial", deliverable="", due_date=date(2029, 6, 30),
                              weight=Decimal("1"))
    _commit()
    with pytest.raises(Refused, match="Field trial"):
        corrections.correct_decision(admin, request, "Approved too fast")
    db.session.rollback()
    db.session.refresh(project)
    assert project.end_date == date(2029, 12, 31) and request.correction is None


def test_a_stale_correction_is_refused(client):
    admin = make_user(Role.HQ_ADMIN)
    _project_, request = _approved_move(admin)
    login(client, admin)
    path = f"/changes/{request.id}/correct"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, {**first, "reason": "First tab"}).status_code == 302
    response = post(client, path, {**second, "reason": "Second tab"})
    assert response.status_code == 409
    assert "Second tab" in response.get_data(as_text=True)  # the input kept
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).correction.reason == "First tab"


def test_only_who_decides_corrects(client):
    admin = make_user(Role.HQ_ADMIN)
    project, request = _approved_move(admin)
    observer, director = make_user(Role.OBSERVER), make_user(Role.INSTITUTE_DIRECTOR)
    for user in (project.pm, observer, director, make_user(Role.INVESTMENT_COMMITTEE)):
        assert not request.can_correct(user)
        with pytest.raises(Forbidden):
            corrections.correct_decision(user, request, "Not mine")
        db.session.rollback()
    assert request.can_correct(admin)
    for user, status in ((project.pm, 403), (observer, 403), (make_user(Role.PROJECT_MANAGER),
                                                              404)):
        login(client, user)
        assert client.get(f"/changes/{request.id}/correct").status_code == status
        assert f"/changes/{request.id}/correct" not in client.get(
            f"/changes/{request.id}").get_data(as_text=True) if status == 403 else True
        post(client, "/logout")
    with pytest.raises(Invalid, match="Say why"):
        corrections.correct_decision(admin, request, "  ")
    assert _amounts(project)[0] == Decimal("1000000.00") - 2 * SIX_PCT


@pytest.mark.parametrize("approve", [True, False])
def test_the_correction_page_offers_what_the_correction_does(client, approve):
    """One rule, `ChangeRequest.correction_approves`: the page's button and its flash say what
    the service then does (undo an approval, approve a refusal), in either direction."""
    admin = make_user(Role.HQ_ADMIN)
    project = _project()
    request = services.change_total(project.pm, project, budget_total=Decimal("3500000.00"),
                                    reason="A second test campaign")
    services.decide(admin, request, approve, "" if approve else "Fund it from the next call")
    _commit()
    login(client, admin)
    path = f"/changes/{request.id}/correct"
    page = client.get(path).get_data(as_text=True)
    assert ("Undo the approval" in page) is approve
    assert ("Approve the change" in page) is not approve
    done = post(client, path, {**tab(client, path), "reason": "Wrong button"},
                follow_redirects=True).get_data(as_text=True)
    said = ("the approval is undone" if approve else "the change is approved and in effect")
    assert said in done
    db.session.expire_all()
    request = db.session.get(ChangeRequest, request.id)
    assert request.in_effect is (ChangeState.REFUSED if approve else ChangeState.APPROVED)
