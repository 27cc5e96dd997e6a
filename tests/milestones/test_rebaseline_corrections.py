"""HQ's decision on a re-baseline recorded by mistake is corrected (issue 9 point 5): an approval
undone puts the milestone back on its earlier date, a rejection corrected moves it; both
decisions stay on the milestone's page; refused once the milestone moved on since."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_user
from tests.milestones.test_milestones import in_research, plan
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.errors import Forbidden, Invalid, Refused
from tracker.milestones import corrections, services
from tracker.milestones.models import Milestone, Rebaseline, RebaselineState


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _decided(approve: bool, admin):
    project = in_research()
    milestone = plan(project, due=date(2026, 6, 30))
    entry = services.rebaseline(project.pm, milestone, date(2026, 10, 30), "Partner moved")
    services.decide_rebaseline(admin, entry, approve)
    _commit()
    return milestone, entry


def test_an_approval_recorded_by_mistake_is_undone_from_the_page(client):
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(True, admin)
    assert milestone.due_date == date(2026, 10, 30)
    login(client, admin)
    path = f"/rebaselines/{entry.id}/correct"
    assert f'href="{path}"' in client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "reason": ""}).status_code == 400
    done = post(client, path, {**tab(client, path), "reason": "Meant to reject it"})
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    milestone = db.session.get(Milestone, milestone.id)
    entry = db.session.get(Rebaseline, entry.id)
    assert milestone.due_date == date(2026, 6, 30)
    assert entry.state is RebaselineState.APPROVED  # as decided, superseded
    assert entry.in_effect is RebaselineState.REJECTED
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert "Corrected: Not approved" in page and "Meant to reject it" in page
    assert f'href="{path}"' not in page
    assert client.get(path).status_code == 409  # corrected already
    history = client.get(f"/history/milestones/{milestone.id}").get_data(as_text=True)
    assert "Decision on a new due date corrected" in history and "Meant to reject it" in history


def test_a_rejection_recorded_by_mistake_moves_the_milestone():
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(False, admin)
    assert milestone.due_date == date(2026, 6, 30)
    corrections.correct_rebaseline(admin, entry, "The partner's letter had arrived")
    _commit()
    assert milestone.due_date == date(2026, 10, 30)
    assert entry.in_effect is RebaselineState.APPROVED


@pytest.mark.parametrize("locale,said", [("en", "Decision on a new due date corrected"),
                                         ("zh_CN", "更正了对新截止日期的决定")])
def test_the_history_says_it_in_each_language(client, locale, said):
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    milestone, entry = _decided(True, admin)
    corrections.correct_rebaseline(admin, entry, "Wrong button")
    _commit()
    login(client, admin)
    page = client.get(f"/history/milestones/{milestone.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert said in body and "Wrong button" in body
    assert not re.search(r"\b(milestone\.rebaseline_corrected|due_date|None)\b", body)


def test_a_correction_is_refused_once_the_milestone_has_moved_on():
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(True, admin)
    project = milestone.project
    services.rebaseline(project.pm, milestone, date(2026, 11, 5), "A few days more")
    _commit()
    with pytest.raises(Refused, match="due date has moved since"):
        corrections.correct_rebaseline(admin, entry, "Too late")
    db.session.rollback()
    other, decided = _decided(False, admin)
    services.post_update(other.project.pm, other, 100, "Done", [])
    services.submit_milestone(other.project.pm, other)
    _commit()
    with pytest.raises(Refused, match="under review"):
        corrections.correct_rebaseline(admin, decided, "Too late")
    db.session.rollback()
    # A move within the PM's limit had no decision to correct.
    short = services.rebaseline(project.pm, milestone, date(2026, 11, 10), "Two more days")
    _commit()
    with pytest.raises(Refused, match="within the project manager's limit"):
        corrections.correct_rebaseline(admin, short, "Nothing")


def test_a_stale_correction_is_refused(client):
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(True, admin)
    login(client, admin)
    path = f"/rebaselines/{entry.id}/correct"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, {**first, "reason": "First tab"}).status_code == 302
    response = post(client, path, {**second, "reason": "Second tab"})
    assert response.status_code == 409 and "Second tab" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Rebaseline, entry.id).correction.reason == "First tab"


def test_only_hq_corrects(client):
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(True, admin)
    pm = milestone.project.pm
    for user in (pm, make_user(Role.OBSERVER), make_user(Role.INSTITUTE_DIRECTOR)):
        assert not entry.can_correct(user)
        with pytest.raises(Forbidden):
            corrections.correct_rebaseline(user, entry, "Not mine")
        db.session.rollback()
    assert entry.can_correct(admin)
    login(client, pm)
    assert client.get(f"/rebaselines/{entry.id}/correct").status_code == 403
    assert "/correct" not in client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    with pytest.raises(Invalid, match="Say why"):
        corrections.correct_rebaseline(admin, entry, " ")


def test_a_refusal_advises_only_what_the_milestone_allows_now():
    admin, reviewer = make_user(Role.HQ_ADMIN), make_user(Role.EVALUATOR)
    milestone, _entry = _decided(True, admin)
    pm = milestone.project.pm
    short = services.rebaseline(pm, milestone, date(2026, 11, 5), "A few days more")
    _commit()
    assert not short.is_decided  # within the PM's limit: no decision
    assert corrections.correction_refusal(short).endswith("A new re-baseline moves the date.")
    services.assign_reviewer(admin, milestone, reviewer.id)
    services.post_update(pm, milestone, 100, "Done", [])
    services.submit_milestone(pm, milestone)
    _commit()
    assert "Once its reviewer answers" in corrections.correction_refusal(short)
    services.review_milestone(reviewer, milestone, True, "")
    _commit()
    said = corrections.correction_refusal(short)
    # An accepted milestone is moved by no re-baseline: the advice is not to ask for one.
    assert "its date stays" in said and "new re-baseline" not in said
    with pytest.raises(Refused):
        services.rebaseline(pm, milestone, date(2026, 12, 1), "Later")


@pytest.mark.parametrize("approve", [True, False])
def test_the_correction_page_offers_what_the_correction_does(client, approve):
    """One rule, `Rebaseline.correction_approves`: the page's button and its flash say what the
    service then does (undo an approval, approve a rejection), in either direction."""
    admin = make_user(Role.HQ_ADMIN)
    milestone, entry = _decided(approve, admin)
    login(client, admin)
    path = f"/rebaselines/{entry.id}/correct"
    page = client.get(path).get_data(as_text=True)
    assert ("Undo the approval" in page) is approve
    assert ("Approve the new date" in page) is not approve
    done = post(client, path, {**tab(client, path), "reason": "Wrong button"},
                follow_redirects=True).get_data(as_text=True)
    said = ("due on its earlier date again" if approve
            else "the new due date is approved and in effect")
    assert said in done
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).due_date == (
        date(2026, 6, 30) if approve else date(2026, 10, 30))
