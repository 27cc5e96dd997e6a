"""The milestone's page offers progress, submission and HQ's decision on a re-baseline exactly
when the action is possible, and where only who may act holds it says why, in the sentence the
service refuses with (issue 9 point 6, issue 11 point 2): the view passes what the predicates
(`Milestone.can_post`, `can_manage`, `can_administer`) and `tracker.milestones.refusals`
answered, where the template read the milestone's state. Found wrong before: a confirmed team
member, who may post progress, was offered no form; HQ was offered to approve a move of a
milestone accepted since, which the service refuses; and a refused form vanished unexplained."""

from __future__ import annotations

import html
from datetime import date

import pytest

from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tests.milestones.test_milestones import plan
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.milestones import services
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember

UNDER_REVIEW = {"en": "was submitted for review on", "zh_CN": "提交评审，请等待评审人的意见"}
NOTHING_POSTED = {"en": "it cannot be submitted before progress is posted on it",
                  "zh_CN": "尚未填报进展，不能提交评审。请先填报进展"}
DONE = {"en": "it takes no more progress", "zh_CN": "不再填报进展"}
CLOSED = {"en": "nothing of it changes any more", "zh_CN": "不能再作任何更改"}
DONE_MEANWHILE = {"en": "The milestone was accepted or waived meanwhile: its date stays.",
                  "zh_CN": "该里程碑在此期间已被验收或豁免：截止日期保持不变。"}


def _milestone(state: str):
    """A milestone of a project in contract research, brought to `state` ("closed": in work
    on a terminated project)."""
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    milestone = plan(project)
    if state != "planned":
        services.post_update(project.pm, milestone, 40, "", [])
    if state == "submitted":
        services.submit_milestone(project.pm, milestone)
    elif state in ("accepted", "waived"):
        milestone.state = MilestoneState(state)
    elif state == "closed":
        project.phase = Phase.TERMINATED
    _commit()
    return milestone


def _page(client, user, milestone, locale: str = "en") -> str:
    user.locale = locale
    _commit()
    login(client, user)
    return html.unescape(client.get(f"/milestones/{milestone.id}").get_data(as_text=True))


def _offers(page: str, milestone) -> tuple[bool, bool]:
    """Whether the page offers to post progress, and to submit."""
    return (f'action="/milestones/{milestone.id}/update"' in page,
            f'action="/milestones/{milestone.id}/submit"' in page)


# state: (progress offered, submission offered, the sentence shown to the PM, or None)
PM_SEES = {
    "planned": (True, False, NOTHING_POSTED),
    "in_progress": (True, True, None),
    "submitted": (False, False, UNDER_REVIEW),
    "accepted": (False, False, DONE),
    "waived": (False, False, DONE),
    "closed": (False, False, CLOSED),
}


@pytest.mark.parametrize("state", sorted(PM_SEES))
def test_the_pm_is_offered_progress_and_submission_exactly_when_possible(client, state):
    posts, submits, said = PM_SEES[state]
    milestone = _milestone(state)
    pm = milestone.project.pm
    page = _page(client, pm, milestone)
    assert _offers(page, milestone) == (posts, submits)
    for sentence in (NOTHING_POSTED, UNDER_REVIEW, DONE, CLOSED):
        assert (sentence["en"] in page) is (sentence is said), sentence["en"]
    # What the page offers the services do; what it says instead, they refuse with (409).
    posted = post(client, f"/milestones/{milestone.id}/update", {"percent": "50"})
    assert posted.status_code == (302 if posts else 409)
    if not posts:
        assert said["en"] in html.unescape(posted.get_data(as_text=True))
    db.session.expire_all()
    submitted = post(client, f"/milestones/{milestone.id}/submit")
    # Posting moved a planned milestone in progress: it is then submitted.
    assert submitted.status_code == (302 if submits or state == "planned" else 409)
    if not (submits or posts):
        assert said["en"] in html.unescape(submitted.get_data(as_text=True))


@pytest.mark.parametrize("state", ["planned", "submitted"])
def test_the_refusals_are_said_in_chinese(client, state):
    milestone = _milestone(state)
    page = _page(client, milestone.project.pm, milestone, "zh_CN")
    assert PM_SEES[state][2]["zh_CN"] in page


def test_the_team_posts_progress_and_the_pm_alone_submits(client):
    milestone = _milestone("in_progress")
    member = make_user(Role.PROJECT_MANAGER)
    milestone.project.members.append(ProjectMember(user_id=member.id, confirmed_at=utcnow()))
    _commit()
    page = _page(client, member, milestone)
    assert _offers(page, milestone) == (True, False)
    assert 'id="why-not-submit"' not in page  # never theirs to submit: nothing said
    assert post(client, f"/milestones/{milestone.id}/update",
                {"percent": "60"}).status_code == 302
    assert post(client, f"/milestones/{milestone.id}/submit").status_code == 403


@pytest.mark.parametrize("state", ["in_progress", "submitted"])
def test_those_who_only_read_the_milestone_are_offered_nothing_and_told_nothing(client, state):
    milestone = _milestone(state)
    page = _page(client, make_user(Role.HQ_ADMIN), milestone)
    assert _offers(page, milestone) == (False, False)
    assert 'id="why-not-post"' not in page and 'id="why-not-submit"' not in page


def _waiting_move(state: str):
    """A long move of the due date waiting for HQ, on a milestone then brought to `state`."""
    milestone = _milestone("in_progress")
    entry = services.rebaseline(milestone.project.pm, milestone, date(2026, 12, 30), "Late line")
    if state == "accepted":
        milestone.state = MilestoneState.ACCEPTED
    elif state == "closed":
        milestone.project.phase = Phase.TERMINATED
    _commit()
    return milestone, entry


# state: (approval offered, rejection offered, the sentence shown to HQ, or None)
HQ_DECIDES = {
    "in_progress": (True, True, None),
    "accepted": (False, True, DONE_MEANWHILE),
    "closed": (False, False, CLOSED),
}


@pytest.mark.parametrize("state", sorted(HQ_DECIDES))
def test_hq_is_offered_the_decisions_on_a_move_it_may_take_now(client, state):
    approves, rejects, said = HQ_DECIDES[state]
    milestone, entry = _waiting_move(state)
    admin = make_user(Role.HQ_ADMIN)
    page = _page(client, admin, milestone)
    assert (f'action="/rebaselines/{entry.id}/approve"' in page,
            f'action="/rebaselines/{entry.id}/reject"' in page) == (approves, rejects)
    for sentence in (DONE_MEANWHILE, CLOSED):
        assert (sentence["en"] in page) is (sentence is said), sentence["en"]
    if said is not None:
        assert said["zh_CN"] in _page(client, admin, milestone, "zh_CN")
        approved = post(client, f"/rebaselines/{entry.id}/approve")
        assert approved.status_code == 409
        assert said["zh_CN"] in html.unescape(approved.get_data(as_text=True))
    rejected = post(client, f"/rebaselines/{entry.id}/reject")
    assert rejected.status_code == (302 if rejects else 409)
    if rejects:  # decided: its row says so, and offers no decision nor says why not
        page = _page(client, admin, milestone)
        assert f"/rebaselines/{entry.id}/approve" not in page
        assert f"/rebaselines/{entry.id}/reject" not in page
        assert f'id="why-not-decide-{entry.id}"' not in page


def test_the_pm_is_offered_no_decision_on_their_own_move(client):
    milestone, entry = _waiting_move("accepted")
    page = _page(client, milestone.project.pm, milestone)
    assert f"/rebaselines/{entry.id}/" not in page and DONE_MEANWHILE["en"] not in page
